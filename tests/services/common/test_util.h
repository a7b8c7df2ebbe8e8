/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the service tests: clients of a test platform's
 * services. Scratch directories, processes and /proc fields are in
 * tests/harness/. Reusable by the tests of other services. */
#ifndef KETTLE_TESTS_SERVICES_COMMON_TEST_UTIL_H
#define KETTLE_TESTS_SERVICES_COMMON_TEST_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "services/common/rpc_client.h"

/* A client for https://127.0.0.1:port with the given PEM files (cert/key
 * may be NULL). */
struct rpc_client *tu_client(int port, const char *ca, const char *cert,
			     const char *key, const char *expect_cn);
/* The same from a platform directory: identity "client", or a service
 * name's certificate ("storage"), or NULL for no client certificate. */
struct rpc_client *tu_platform_client(const char *dir, int port,
				      const char *identity, const char *expect_cn);
/* Poll GET /healthz until 200 or timeout. 0 or -1. */
int tu_wait_healthy(struct rpc_client *c, unsigned timeout_ms);
/* Port of a listener ("listen" or "public") from DIR/<service>.json, or -1. */
int tu_config_port(const char *dir, const char *service, const char *which);

/* A fresh platform for kettle-echo: a temp dir (tmp) with `init
 * --test-services` run in tmp/p (dir), the keys of the JSON object text
 * limits (may be NULL) merged into echo.json's "limits". 0 or -1. */
int tu_echo_platform(const char *platform, const char *tag, const char *limits,
		     char *tmp, size_t tmp_len, char *dir, size_t dir_len);
/* Write DIR/echo-b.json: echo's identity on a free port, no public
 * listener, relaying POST /relay to echo ("relay_peer"). Its port or -1. */
int tu_echo_relay_config(const char *dir);
/* Start kettle-echo with DIR/CONFIG (e.g. "echo.json"), its stderr in
 * TMP/CONFIG.log. pid or -1. */
pid_t tu_spawn_echo(const char *echo, const char *tmp, const char *dir,
		    const char *config);
/* The HTTP status of method path without a body, or -1. */
int tu_status(struct rpc_client *c, const char *method, const char *path);
/* Milliseconds since t0 (CLOCK_MONOTONIC). */
struct timespec;
double tu_ms_since(const struct timespec *t0);
/* A TCP port on 127.0.0.1 free right now, or -1. */
int tu_free_port(void);
/* Raise RLIMIT_NOFILE towards want (bounded by the hard limit); the new
 * soft limit. */
unsigned long tu_raise_nofile(unsigned long want);

#endif
