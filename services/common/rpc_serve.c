/* The life of a service once it is configured, the same for every service:
 * bind its listeners, enter its jail, do its first-start work, serve until
 * SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "services/common/rpc.h"

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
	return 0;
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
	/* A service is a server: its jail always allows serving. */
	struct jail_spec spec = *jail;
	const char *step = NULL;
	spec.server = 1;
	if (rc == 0 && (rc = jail_enter(&spec, &step)) < 0)
		log_error("cannot enter the jail at step %s: %s", step,
			  strerror(-rc));
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
