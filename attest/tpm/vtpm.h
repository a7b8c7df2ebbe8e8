/* SPDX-License-Identifier: Apache-2.0 */
/* A TPM 2.0 inside the VMM process (libtpms), one per guest.
 *
 * libtpms keeps its TPM in global state, so there is at most one vtpm per
 * process: kettle-vmm runs one task, so that is the one. Its state is
 * volatile only: nothing is written to disk and a new vtpm is a freshly
 * manufactured TPM with new seeds. vtpm_start() also creates the
 * attestation key (AK): an ECC NIST P-256 primary key in the ENDORSEMENT
 * hierarchy, restricted signing with ECDSA-SHA256, fixedTPM | fixedParent
 * | sensitiveDataOrigin | userWithAuth. Every vtpm_extend() is logged in
 * the TCG canonical event log (eventlog.h). */
#ifndef KETTLE_ATTEST_VTPM_H
#define KETTLE_ATTEST_VTPM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "attest/tpm/vtpm_quote.h"

/* The hierarchy the AK is a primary of, for quote_expect.ak_hierarchy. */
#define VTPM_AK_HIERARCHY 0x4000000Bu /* TPM_RH_ENDORSEMENT */

struct vtpm;

/* 0, -EBUSY (a vtpm already exists in this process), -ENOMEM, or -EIO
 * (libtpms failed or a TPM command returned an error). */
int vtpm_start(struct vtpm **out);

/* Hashes `event` (SHA-256, and SHA-384 when that bank is active), extends
 * `pcr` with it and appends the event-log record. `pcr` must be in
 * EVENTLOG_PCR_MASK (0-15, 23). 0, -EINVAL, -ENOMEM or -EIO. */
int vtpm_extend(struct vtpm *v, unsigned pcr, const char *event_type,
		const void *event, size_t len);

/* TPM2_Quote with the AK over the SHA-256 bank of EVENTLOG_PCR_MASK, the
 * nonce (at most 64 bytes) as qualifyingData; also reads the quoted PCR
 * values. 0, -EINVAL or -EIO. */
int vtpm_quote(struct vtpm *v, const uint8_t *nonce, size_t nonce_len,
	       struct vtpm_quote *out);

/* The AK public area (TPMT_PUBLIC, no size prefix) in a malloc'd buffer
 * the caller frees. This is the byte string REPORT_DATA binds. */
int vtpm_ak_public(struct vtpm *v, uint8_t **tpmt_public, size_t *len);

/* A snapshot (deep copy) of the event log; json_decref() it. NULL if out
 * of memory. */
json_t *vtpm_event_log(const struct vtpm *v);

/* The TPM response code of the last failed command (0 if none), for a
 * diagnostic line after -EIO. */
uint32_t vtpm_last_rc(const struct vtpm *v);

/* Tears down the TPM; its keys and PCRs are gone. NULL is fine. */
void vtpm_free(struct vtpm *v);

#endif
