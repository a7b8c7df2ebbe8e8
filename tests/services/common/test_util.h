/* Helpers shared by the service tests: clients of a test platform's
 * services. Scratch directories, processes and /proc fields are in
 * tests/harness/. Reusable by the tests of other services. */
#ifndef KETTLE_TESTS_SERVICES_COMMON_TEST_UTIL_H
#define KETTLE_TESTS_SERVICES_COMMON_TEST_UTIL_H

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

#endif
