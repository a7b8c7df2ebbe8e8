/* SPDX-License-Identifier: Apache-2.0 */
/* Kettle's measured-boot event log in the JSON form of the TCG Canonical
 * Event Log (CEL): a JSON array of records
 *
 *   {"recnum": 0, "pcr": 4,
 *    "digests": [{"hashAlg": "sha256", "digest": "<64 hex>"},
 *                {"hashAlg": "sha384", "digest": "<96 hex>"}],
 *    "content_type": "kettle",
 *    "content": {"event_type": "executor-elf",
 *                "event_data": "<hex>"            (events up to 1 KiB)
 *                "event_data_sha256": "<64 hex>"  (larger ones)}}
 *
 * The vTPM appends a record for every PCR extend; a verifier replays the
 * records to recompute the PCRs and compares them with a quote. */
#ifndef KETTLE_ATTEST_EVENTLOG_H
#define KETTLE_ATTEST_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define EVENTLOG_CONTENT_TYPE "kettle"
/* Events up to this size are logged in full, larger ones by digest. */
#define EVENTLOG_INLINE_MAX 1024
/* The PCRs Kettle measures into and quotes: 0-15 (static root of trust,
 * reset to zero at startup, extendable from locality 0) and 23
 * (application). 16 (debug) and 17-22 (dynamic root of trust) are not
 * used, so a record naming them is an error. */
#define EVENTLOG_PCR_MASK 0x0080FFFFu

/* A new empty log (a JSON array); NULL if out of memory. */
json_t *eventlog_new(void);

/* Appends the record for one extend. `sha384` may be NULL when that bank
 * is not extended. 0, -EINVAL (pcr not in EVENTLOG_PCR_MASK, empty type)
 * or -ENOMEM. */
int eventlog_append(json_t *log, unsigned pcr, const char *event_type,
		    const void *event, size_t len,
		    const uint8_t sha256[32], const uint8_t sha384[48]);

/* Recomputes the SHA-256 PCR bank from the log (PCRs start at zero).
 * Strict: records numbered 0, 1, 2, ... in order, pcr within
 * EVENTLOG_PCR_MASK, exactly one digest per known hash algorithm with the
 * right hex length, a sha256 digest present, content_type "kettle" and
 * content that matches the sha256 digest. 0 or -EINVAL. */
int eventlog_replay(json_t *log, uint8_t pcrs[24][32]);

/* The same, with one line naming the first bad record in `err`
 * (e.g. "record 3: recnum is 4, expected 3"). */
int eventlog_replay_err(json_t *log, uint8_t pcrs[24][32], char *err,
			size_t err_len);

#endif
