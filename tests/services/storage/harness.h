/* SPDX-License-Identifier: Apache-2.0 */
/* A platform for service tests and benchmarks: `kettle-platform init` in a
 * temporary directory, `start`, clients with the platform's "client"
 * certificate, `stop`. Binaries come from the environment (set by meson):
 * KETTLE_PLATFORM (kettle-platform), KETTLE_STORAGE (kettle-storage); the
 * service binaries' directories are on PATH. */
#ifndef KETTLE_TESTS_HARNESS_H
#define KETTLE_TESTS_HARNESS_H

#include <sys/types.h>

#include "services/common/rpc_client.h"

#define HARNESS_PATH 640

struct harness {
	char dir[128];
	char storage_config[HARNESS_PATH], auth_config[HARNESS_PATH];
	char ca[HARNESS_PATH], cert[HARNESS_PATH], key[HARNESS_PATH];
	char storage_url[128], auth_url[128], auth_internal_url[128];
	char admin_password[300];
};

/* Why the platform cannot run here (a binary missing), or NULL. */
const char *harness_missing(void);

/* init in a fresh directory; fills paths, URLs and the admin password. */
int harness_init(struct harness *h);
int harness_start(struct harness *h);
/* kettle-platform stop (the directory stays, for a restart). */
int harness_stop(struct harness *h);
/* stop, then remove the directory. */
void harness_destroy(struct harness *h);

/* A client to url; with_cert presents the platform's client certificate. */
struct rpc_client *harness_client(const struct harness *h, const char *url,
				  int with_cert);

/* kettle-storage --config <storage_config> as a child, without waiting for
 * it to listen (see harness_wait_ready). Returns the pid or -errno. */
pid_t harness_spawn_storage(const struct harness *h);
/* Polls GET /healthz at url until 200 or timeout_ms; 0 or -ETIMEDOUT. */
int harness_wait_ready(const struct harness *h, const char *url,
		       unsigned timeout_ms);

#endif
