/* SPDX-License-Identifier: Apache-2.0 */
/* A certificate from a platform's CA for a peer the platform did not make
 * (a test's stand-in for management): DIR/certs/<file>.pem and .key with
 * subject CN cn, issued with DIR/keys/ca.key. Shared by the access control
 * and frontend tests. */
#ifndef KETTLE_TESTS_ACCESS_CONTROL_PEER_CERT_H
#define KETTLE_TESTS_ACCESS_CONTROL_PEER_CERT_H

/* 0 or -errno. */
int peer_cert_issue(const char *dir, const char *cn, const char *file);

#endif
