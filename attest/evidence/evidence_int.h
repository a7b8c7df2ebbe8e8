/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to attest/evidence: the decoded bundle and the pieces of the
 * verification, one file each. */
#ifndef KETTLE_ATTEST_EVIDENCE_INT_H
#define KETTLE_ATTEST_EVIDENCE_INT_H

#include <stdarg.h>

#include "attest/evidence/evidence.h"
#include "attest/snp/snp_report.h"

/* Every binary field decoded and bounded; pointers into the caller's JSON
 * are borrowed, not owned. */
struct evidence_bundle {
	uint8_t nonce[EVIDENCE_NONCE_MAX];
	size_t nonce_len;
	uint8_t measurement[48];
	uint8_t report[SNP_REPORT_SIZE];
	X509 *vcek, *ask, *ark;
	uint8_t ak[EVIDENCE_AK_MAX];
	size_t ak_len;
	uint8_t attest[EVIDENCE_ATTEST_MAX];
	size_t attest_len;
	uint8_t sig[EVIDENCE_SIG_MAX];
	size_t sig_len;
	uint32_t pcr_mask;
	uint8_t pcrs[24][32]; /* the bundle's quoted values; 0 where unquoted */
	json_t *event_log;    /* borrowed */
	const char *manifest; /* borrowed */
	size_t manifest_len;
};

/* Formats one line into err (if any); returns r so callers can
 * `return fail(...)`. */
enum evidence_result evidence_fail(char *err, size_t errlen,
				   enum evidence_result r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The bundle's well-formedness check. */
enum evidence_result bundle_parse(const json_t *j, struct evidence_bundle *b,
				  char *err, size_t errlen);
void bundle_clear(struct evidence_bundle *b);

/* Exactly three PEM certificates (VCEK, ASK, ARK) and nothing else. */
int chain_split(const char *pem, size_t len, X509 **vcek, X509 **ask, X509 **ark);

/* Digests of inline records for banks other than SHA-256 (after the
 * replay, which checked the shape and the SHA-256 digests). */
enum evidence_result log_check_digests(json_t *log, char *err, size_t errlen);

/* Walks the replayed event log for kettle-vmm's sequence of events and
 * checks it against the task manifest, filling the claims. */
enum evidence_result events_check(json_t *log, const char *manifest,
				  size_t manifest_len,
				  struct evidence_claims *c, char *err,
				  size_t errlen);

#endif
