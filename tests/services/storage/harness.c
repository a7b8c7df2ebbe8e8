/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/services/storage/harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "services/common/config.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/services/common/test_util.h"

const char *harness_missing(void)
{
	const char *p = getenv("KETTLE_PLATFORM"), *s = getenv("KETTLE_STORAGE");

	if (!p || access(p, X_OK))
		return "kettle-platform is not built";
	if (!s || access(s, X_OK))
		return "kettle-storage is not built";
	return NULL;
}

/* Runs argv quietly (output to DIR/harness.log) and waits; 0 if exit 0. */
static int run(const struct harness *h, char *const argv[])
{
	char log[HARNESS_PATH];
	int status;
	pid_t pid;

	snprintf(log, sizeof(log), "%s.log", h->dir);
	pid = harness_spawn(argv, log);
	if (pid < 0)
		return -EIO;
	status = harness_wait(pid, HARNESS_RUN_TIMEOUT_MS);
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0
		       ? 0
		       : -EIO;
}

static int first_existing(char *out, size_t cap, const char *dir,
			  const char *const *names)
{
	for (; *names; names++) {
		snprintf(out, cap, "%s/%s", dir, *names);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static int url_of(char *out, size_t cap, const char *config, int public_)
{
	struct kettle_config cfg;
	char err[256];
	const struct config_listen *l;
	int rc;

	if (config_load(config, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "# %s\n", err);
		return -EINVAL;
	}
	l = public_ ? &cfg.public_ : &cfg.listen;
	rc = l->address ? 0 : -ENOENT;
	if (l->address)
		snprintf(out, cap, "https://%s:%d", l->address, l->port);
	config_free(&cfg);
	return rc;
}

static int read_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(out, (int)cap, f))
		out[0] = 0;
	fclose(f);
	out[strcspn(out, "\r\n")] = 0;
	return out[0] ? 0 : -EINVAL;
}

/* Where kettle-platform init puts things (services/platform/README.md). */
static int harness_paths(struct harness *h)
{
	static const char *const storage_cfg[] = { "storage.json",
						   "config/storage.json",
						   "storage/config.json", NULL };
	static const char *const auth_cfg[] = { "authentication.json",
						"config/authentication.json",
						"authentication/config.json",
						NULL };
	static const char *const ca[] = { "ca.pem", "ca.crt", "pki/ca.pem",
					  "certs/ca.pem", NULL };
	static const char *const cert[] = { "client.pem", "client.crt",
					    "pki/client.pem",
					    "certs/client.pem", NULL };
	static const char *const key[] = { "client.key", "client-key.pem",
					   "pki/client.key",
					   "certs/client.key", NULL };
	char pw[HARNESS_PATH];

	if (first_existing(h->storage_config, sizeof(h->storage_config), h->dir,
			   storage_cfg) ||
	    first_existing(h->auth_config, sizeof(h->auth_config), h->dir,
			   auth_cfg)) {
		fprintf(stderr, "# no service configuration in %s\n", h->dir);
		return -ENOENT;
	}
	if (first_existing(h->ca, sizeof(h->ca), h->dir, ca) ||
	    first_existing(h->cert, sizeof(h->cert), h->dir, cert) ||
	    first_existing(h->key, sizeof(h->key), h->dir, key)) {
		fprintf(stderr, "# no client certificate in %s\n", h->dir);
		return -ENOENT;
	}
	snprintf(pw, sizeof(pw), "%s/admin.password", h->dir);
	if (read_line(pw, h->admin_password, sizeof(h->admin_password)) < 0) {
		fprintf(stderr, "# cannot read %s\n", pw);
		return -ENOENT;
	}
	if (url_of(h->storage_url, sizeof(h->storage_url), h->storage_config,
		   0) < 0 ||
	    url_of(h->auth_url, sizeof(h->auth_url), h->auth_config, 1) < 0 ||
	    url_of(h->auth_internal_url, sizeof(h->auth_internal_url),
		   h->auth_config, 0) < 0) {
		fprintf(stderr, "# a listener is missing from %s or %s\n",
			h->storage_config, h->auth_config);
		return -ENOENT;
	}
	return 0;
}

int harness_init(struct harness *h)
{
	char *platform = getenv("KETTLE_PLATFORM");
	char parent[64];
	int rc;

	memset(h, 0, sizeof(*h));
	/* A server may close early on a request it refuses (413): the
	 * client's write must fail, not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	rc = harness_temp_dir(parent, sizeof(parent), "svc");
	if (rc < 0)
		return rc;
	/* init refuses an existing platform: give it a fresh path. */
	snprintf(h->dir, sizeof(h->dir), "%s/platform", parent);
	rc = run(h, (char *const[]){ platform, "init", h->dir, NULL });
	if (rc < 0) {
		fprintf(stderr, "# kettle-platform init %s failed (log: %s.log)\n",
			h->dir, h->dir);
		return rc;
	}
	rc = harness_paths(h);
	if (rc < 0)
		fprintf(stderr, "# unexpected platform layout in %s\n", h->dir);
	return rc;
}

int harness_start(struct harness *h)
{
	char *platform = getenv("KETTLE_PLATFORM");
	int rc = run(h, (char *const[]){ platform, "start", h->dir, NULL });

	if (rc < 0)
		fprintf(stderr, "# kettle-platform start %s failed (log: %s.log)\n",
			h->dir, h->dir);
	return rc;
}

int harness_stop(struct harness *h)
{
	char *platform = getenv("KETTLE_PLATFORM");

	return run(h, (char *const[]){ platform, "stop", h->dir, NULL });
}

void harness_destroy(struct harness *h)
{
	char *platform = getenv("KETTLE_PLATFORM");
	char parent[sizeof(h->dir)], log[HARNESS_PATH];

	if (!h->dir[0])
		return;
	run(h, (char *const[]){ platform, "stop", h->dir, NULL });
	if (getenv("KETTLE_KEEP"))
		return;
	snprintf(parent, sizeof(parent), "%s", h->dir);
	*strrchr(parent, '/') = 0;
	snprintf(log, sizeof(log), "%s.log", h->dir);
	unlink(log);
	harness_remove_tree(parent);
}

struct rpc_client *harness_client(const struct harness *h, const char *url,
				  int with_cert)
{
	struct rpc_client_opts opts = {
		.url = url,
		.ca = h->ca,
		.cert = with_cert ? h->cert : NULL,
		.key = with_cert ? h->key : NULL,
		.timeout_ms = 30000,
	};
	char err[256];
	struct rpc_client *c = rpc_client_new(&opts, err, sizeof(err));

	if (!c)
		fprintf(stderr, "# client for %s: %s\n", url, err);
	return c;
}

pid_t harness_spawn_storage(const struct harness *h)
{
	char log[HARNESS_PATH];
	char *argv[] = { getenv("KETTLE_STORAGE"), "--config",
			 (char *)h->storage_config, NULL };
	pid_t pid;

	snprintf(log, sizeof(log), "%s.storage.log", h->dir);
	pid = harness_spawn(argv, log);
	return pid < 0 ? -EIO : pid;
}

int harness_wait_ready(const struct harness *h, const char *url,
		       unsigned timeout_ms)
{
	struct rpc_client *c = harness_client(h, url, 1);
	int rc;

	if (!c)
		return -EINVAL;
	rc = tu_wait_healthy(c, timeout_ms) == 0 ? 0 : -ETIMEDOUT;
	rpc_client_free(c);
	return rc;
}
