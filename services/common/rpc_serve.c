/* SPDX-License-Identifier: Apache-2.0 */
/* The life of a service once it is configured, the same for every service:
 * bind its listeners, open its log file, enter its jail, do its first-start
 * work, serve until SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "lib/bytes.h"
#include "lib/jail.h"
#include "lib/log.h"
#include "services/common/rpc.h"
#include "services/common/service_jail.h"

int rpc_serve_config(int argc, char **argv, const char *service,
		     struct kettle_config *cfg)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	char err[256];
	int c;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (c != 'c')
			break;
		config = optarg;
	}
	if (c != -1 || !config || optind != argc) {
		fprintf(stderr, "usage: kettle-%s --config FILE\n", service);
		return 2;
	}
	if (config_load(config, cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "kettle-%s: %s\n", service, err);
		return 1;
	}
	log_init(service);
	if (service_jail_root(cfg) < 0) {
		config_free(cfg);
		return 1;
	}
	return 0;
}

/* What the server adds to every jail: its worker threads start after
 * jail_enter() (which needs a single thread; .threads allows clone for
 * threads only, never a fork), and a log file is rotated from inside the
 * jail through the directory descriptor opened before. */
static const int serve_syscalls[] = {
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), /* each new thread's setup */
	SCMP_SYS(sched_getaffinity), /* glibc sizing a new thread's malloc arena */
	SCMP_SYS(sched_yield),              /* lock contention in libc */
	SCMP_SYS(openat), SCMP_SYS(renameat), SCMP_SYS(renameat2), /* log rotation */
};

int rpc_serve_jail(const struct jail_spec *jail)
{
	struct jail_spec spec = *jail;
	size_t n = jail->n_syscalls + ARRAY_SIZE(serve_syscalls);
	int *all = malloc(n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	if (jail->n_syscalls)
		memcpy(all, jail->syscalls, jail->n_syscalls * sizeof(*all));
	memcpy(all + jail->n_syscalls, serve_syscalls, sizeof(serve_syscalls));
	/* A service is a server: its jail always allows serving. */
	spec.server = 1;
	spec.threads = 1;
	spec.syscalls = all;
	spec.n_syscalls = n;
	const char *step = NULL;
	int rc = jail_enter(&spec, &step);
	if (rc < 0)
		log_error("cannot enter the jail at step %s: %s", step ? step : "?",
			  strerror(-rc));
	free(all);
	return rc;
}

int rpc_serve(const struct kettle_config *cfg, void *ctx, const struct rpc_route *routes, size_t n_routes,
	      const struct jail_spec *jail, int (*ready)(void *arg), void *ready_arg)
{
	struct rpc_server *srv = rpc_server_new(cfg, ctx);
	int rc;

	if (!srv)
		return -EINVAL;
	rc = rpc_server_add_routes(srv, routes, n_routes);
	if (rc == 0)
		rc = rpc_server_listen(srv);
	/* A log file that cannot be opened (e.g. owned by another uid) is
	 * not worth refusing to serve for: stderr still works. */
	int lrc;
	if (rc == 0 && cfg->log_file &&
	    (lrc = log_to_file(cfg->log_file, cfg->log_max_bytes, cfg->log_files)) < 0)
		log_warn("cannot open the log file %s (%s); logging to stderr",
			 cfg->log_file, strerror(-lrc));
	if (rc == 0 && jail)
		rc = rpc_serve_jail(jail);
	if (rc == 0 && ready)
		rc = ready(ready_arg);
	if (rc == 0) {
		log_info("%s serving: internal port %d, public port %d", cfg->service, rpc_server_port(srv, 0),
			 rpc_server_port(srv, 1));
		rc = rpc_server_run(srv);
	}
	rpc_server_free(srv);
	return rc;
}
