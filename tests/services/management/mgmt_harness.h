/* SPDX-License-Identifier: Apache-2.0 */
/* A platform for management's tests and benchmark: kettle-platform init
 * --test-services (so the fake decider runs as access control), start,
 * clients to management and storage with the platform's "client"
 * certificate, calls made as a named user (the X-Kettle-* headers the
 * frontend would send), and kill -9 / restart of management. Built on the
 * storage tests' harness (stop, clean-up, clients, readiness). Binaries:
 * KETTLE_PLATFORM, and the service binaries on PATH (set by meson). */
#ifndef KETTLE_TESTS_MGMT_HARNESS_H
#define KETTLE_TESTS_MGMT_HARNESS_H

#include <sys/types.h>

#include <jansson.h>

#include "services/common/rpc_client.h"
#include "tests/services/storage/harness.h"

struct mh {
	struct harness base; /* dir, client certificate, storage_url */
	char mgmt_url[128];
};

struct user {
	const char *id, *role, *attribute;
};

/* init, point management at the fake decider, start. 0 or -errno. */
int mh_start(struct mh *h);
/* mh_start and a client to management; on failure says so on stderr and
 * cleans up. */
int mh_start_client(struct mh *h, struct rpc_client **c);
/* stop and remove the directory (kept with KETTLE_KEEP set). */
void mh_destroy(struct mh *h);

struct rpc_client *mh_client(const struct mh *h, const char *url);

/* Call as u (NULL: no identity headers); body stolen. Returns the HTTP
 * status or -1; *out (may be NULL) gets the JSON body. */
int mh_call(struct rpc_client *c, const struct user *u, const char *method,
	    const char *path, json_t *body, json_t **out);
/* The same with raw body bytes; *code gets the error code (or ""). */
int mh_call_raw(struct rpc_client *c, const struct user *u,
		const char *method, const char *path, const void *data,
		size_t len, char *code, size_t cap);

/* The pid of management, or -1. */
pid_t mh_mgmt_pid(const struct mh *h);
/* kettle-platform start again (restarts what is not running) and waits
 * for management's /healthz. */
int mh_restart(struct mh *h);

/* A second kettle-management on the same storage (DIR/management2.json,
 * another port): two processes racing on one task test the
 * compare-and-swap updates whatever the server's threading. Returns its
 * pid (url in url, stop it with mh_stop_second) or -errno. */
pid_t mh_spawn_second(const struct mh *h, char *url, size_t cap);
void mh_stop_second(pid_t pid);

/* The error code of an error body, or "". */
const char *mh_error_code(const json_t *body);
/* The string field key of o, or "". */
const char *mh_str(const json_t *o, const char *key);

#endif
