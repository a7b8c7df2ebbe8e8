/* SPDX-License-Identifier: Apache-2.0 */
/* Cross-checks of a bundle with independent tools. */
#ifndef KETTLE_TESTS_EVIDENCE_TOOLS_H
#define KETTLE_TESTS_EVIDENCE_TOOLS_H

#include <jansson.h>

/* tpm2_checkquote on the bundle's AK, quote and PCRs with this nonce
 * (files written under dir): its exit status. */
int checkquote(const char *tool, const char *dir, const json_t *bundle, const char *nonce_hex);

/* The bundle's cert_chain as DIR/PREFIX{vcek,ask,ark}.pem. */
int split_chain(const json_t *bundle, const char *dir, const char *prefix);

/* openssl verify -CAfile ARK_PREFIXark.pem -untrusted PREFIXask.pem
 * PREFIXvcek.pem: its exit status. */
int openssl_verify(const char *tool, const char *dir, const char *ark_prefix, const char *prefix);

#endif
