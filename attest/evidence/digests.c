/* SPDX-License-Identifier: Apache-2.0 */
/* The replay extends and checks only the SHA-256 digests (the bank the
 * quote covers). A record logged inline also carries digests for other
 * banks; they are checked against the data here so that no digest in a
 * verified log is unchecked text. A record logged by digest only has no
 * data to check its other digests against: they are vouched for by
 * nothing and no claim uses them (README.md). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "attest/evidence/evidence_int.h"
#include "lib/codec.h"

static const EVP_MD *md_of(const char *alg)
{
	if (!strcmp(alg, "sha1"))
		return EVP_sha1();
	if (!strcmp(alg, "sha384"))
		return EVP_sha384();
	if (!strcmp(alg, "sha512"))
		return EVP_sha512();
	return NULL; /* sha256: the replay checked it */
}

static enum evidence_result check_record(json_t *rec, size_t i, char *err, size_t errlen)
{
	const char *hex = json_string_value(json_object_get(json_object_get(rec, "content"), "event_data"));
	if (!hex)
		return EVIDENCE_OK;
	size_t n = strlen(hex) / 2, got = 0;
	uint8_t *data = malloc(n ? n : 1), want[64], have[EVP_MAX_MD_SIZE];
	if (!data)
		return evidence_fail(err, errlen, EVIDENCE_E_NOMEM, "out of memory");
	if (n && hex_decode_max(hex, data, n, &got)) {
		free(data);
		return evidence_fail(err, errlen, EVIDENCE_E_EVENT_LOG, "event log record %zu: event_data is not hex", i);
	}
	json_t *d;
	size_t k;
	enum evidence_result r = EVIDENCE_OK;
	json_array_foreach(json_object_get(rec, "digests"), k, d) {
		const char *alg = json_string_value(json_object_get(d, "hashAlg"));
		const EVP_MD *md = alg ? md_of(alg) : NULL;
		unsigned len = 0;
		if (!md)
			continue;
		if (!EVP_Digest(data, got, have, &len, md, NULL)) {
			r = evidence_fail(err, errlen, EVIDENCE_E_NOMEM, "%s failed", alg);
			break;
		}
		if (hex_decode(json_string_value(json_object_get(d, "digest")), want, len) ||
		    memcmp(want, have, len)) {
			r = evidence_fail(err, errlen, EVIDENCE_E_EVENT_LOG,
					  "event log record %zu: event data does not match its %s digest", i, alg);
			break;
		}
	}
	free(data);
	return r;
}

enum evidence_result log_check_digests(json_t *log, char *err, size_t errlen)
{
	size_t i;
	json_t *rec;
	json_array_foreach(log, i, rec) {
		enum evidence_result r = check_record(rec, i, err, errlen);
		if (r)
			return r;
	}
	return EVIDENCE_OK;
}
