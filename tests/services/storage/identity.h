/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates for callers the platform does not run yet (management,
 * scheduler, execution ...), issued by a test platform's own CA, so a test
 * can call a service as any service name. Links services/platform's pki. */
#ifndef KETTLE_TESTS_IDENTITY_H
#define KETTLE_TESTS_IDENTITY_H

#include "tests/services/storage/harness.h"

/* A client to url presenting a fresh certificate with subject CN cn issued
 * by the platform CA of h (DIR/keys/ca.key). NULL and a "#" line if not. */
struct rpc_client *harness_client_as(const struct harness *h, const char *url,
				     const char *cn);

#endif
