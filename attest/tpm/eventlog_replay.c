/* SPDX-License-Identifier: Apache-2.0 */
/* Replaying the event log: the verifier's side of eventlog.h. Every field
 * comes from an untrusted bundle, so each is type- and length-checked
 * before use and the first problem is reported with its record number. */
#include "attest/tpm/eventlog.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/bytes.h"
#include "lib/codec.h"

struct replay {
	char *err;
	size_t err_len;
};

static int fail(struct replay *r, size_t rec, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->err && r->err_len) {
		n = snprintf(r->err, r->err_len, "event log record %zu: ", rec);
		if (n >= 0 && (size_t)n < r->err_len) {
			va_start(ap, fmt);
			vsnprintf(r->err + n, r->err_len - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

static size_t alg_size(const char *alg)
{
	static const struct { const char *name; size_t size; } algs[] = {
		{"sha1", 20}, {"sha256", 32}, {"sha384", 48}, {"sha512", 64},
	};

	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (!strcmp(alg, algs[i].name))
			return algs[i].size;
	return 0;
}

/* Checks every digest entry; returns the SHA-256 one in `sha256`. */
static int read_digests(struct replay *r, size_t rec, json_t *digests,
			uint8_t sha256[32])
{
	uint8_t buf[64];
	unsigned seen = 0; /* bit per alg index, to refuse duplicates */
	size_t i;
	json_t *d;

	if (!json_is_array(digests) || json_array_size(digests) == 0)
		return fail(r, rec, "digests is not a non-empty array");
	json_array_foreach(digests, i, d) {
		const char *alg = json_string_value(json_object_get(d, "hashAlg"));
		const char *hex = json_string_value(json_object_get(d, "digest"));
		if (!alg || !hex)
			return fail(r, rec, "digest %zu lacks hashAlg or digest", i);
		size_t n = alg_size(alg);
		if (!n)
			return fail(r, rec, "unknown hashAlg \"%.16s\"", alg);
		if (hex_decode(hex, buf, n))
			return fail(r, rec, "%s digest is not %zu hex bytes", alg, n);
		unsigned bit = 1u << (n / 16); /* 20,32,48,64 → distinct bits */
		if (seen & bit)
			return fail(r, rec, "two %s digests", alg);
		seen |= bit;
		if (n == 32)
			memcpy(sha256, buf, 32);
	}
	if (!(seen & (1u << 2)))
		return fail(r, rec, "no sha256 digest");
	return 0;
}

/* The content must be what was measured, or a record could claim any
 * event for a genuine digest. */
static int check_content(struct replay *r, size_t rec, json_t *content,
			 const uint8_t sha256[32])
{
	uint8_t data[EVENTLOG_INLINE_MAX], digest[32];
	unsigned int dl = 0;

	const char *type = json_string_value(json_object_get(content, "event_type"));
	if (!type || !*type)
		return fail(r, rec, "content has no event_type");
	const char *inl = json_string_value(json_object_get(content, "event_data"));
	const char *ref = json_string_value(json_object_get(content, "event_data_sha256"));
	if (!!inl == !!ref)
		return fail(r, rec, "content needs exactly one of event_data, event_data_sha256");
	if (ref) {
		if (hex_decode(ref, digest, 32))
			return fail(r, rec, "event_data_sha256 is not 32 hex bytes");
	} else {
		size_t n = strlen(inl) / 2;
		if (n > EVENTLOG_INLINE_MAX || hex_decode(inl, data, n))
			return fail(r, rec, "event_data is not hex of at most %d bytes",
				    EVENTLOG_INLINE_MAX);
		if (EVP_Digest(data, n, digest, &dl, EVP_sha256(), NULL) != 1)
			return -EIO;
	}
	if (memcmp(digest, sha256, 32))
		return fail(r, rec, "event data does not match its sha256 digest");
	return 0;
}

static int extend(uint8_t pcr[32], const uint8_t digest[32])
{
	uint8_t buf[64];
	unsigned int n = 0;

	memcpy(buf, pcr, 32);
	memcpy(buf + 32, digest, 32);
	return EVP_Digest(buf, sizeof(buf), pcr, &n, EVP_sha256(), NULL) == 1
		       ? 0
		       : -EIO;
}

static int replay_record(struct replay *r, size_t i, json_t *rec,
			 uint8_t pcrs[24][32])
{
	uint8_t sha256[32];
	json_t *num = json_object_get(rec, "recnum");
	json_t *pcr = json_object_get(rec, "pcr");
	const char *ctype = json_string_value(json_object_get(rec, "content_type"));
	int rc;

	if (!json_is_object(rec))
		return fail(r, i, "is not an object");
	if (!json_is_integer(num))
		return fail(r, i, "recnum is missing or not an integer");
	if (json_integer_value(num) != (json_int_t)i)
		return fail(r, i, "recnum is %lld, expected %zu",
			    (long long)json_integer_value(num), i);
	if (!json_is_integer(pcr))
		return fail(r, i, "pcr is missing or not an integer");
	json_int_t p = json_integer_value(pcr);
	if (p < 0 || p > 23 || !(EVENTLOG_PCR_MASK & (1u << p)))
		return fail(r, i, "pcr %lld is not one Kettle measures into (0-15, 23)",
			    (long long)p);
	if ((rc = read_digests(r, i, json_object_get(rec, "digests"), sha256)))
		return rc;
	if (!ctype || strcmp(ctype, EVENTLOG_CONTENT_TYPE))
		return fail(r, i, "content_type is not \"%s\"", EVENTLOG_CONTENT_TYPE);
	if ((rc = check_content(r, i, json_object_get(rec, "content"), sha256)))
		return rc;
	return extend(pcrs[p], sha256);
}

int eventlog_replay_err(json_t *log, uint8_t pcrs[24][32], char *err,
			size_t err_len)
{
	struct replay r = {err, err_len};
	size_t i;
	json_t *rec;
	int rc;

	if (err && err_len)
		err[0] = '\0';
	memset(pcrs, 0, 24 * 32);
	if (!json_is_array(log)) {
		if (err && err_len)
			snprintf(err, err_len, "event log is not a JSON array");
		return -EINVAL;
	}
	json_array_foreach(log, i, rec) {
		if ((rc = replay_record(&r, i, rec, pcrs))) {
			memset(pcrs, 0, 24 * 32);
			return rc;
		}
	}
	return 0;
}

int eventlog_replay(json_t *log, uint8_t pcrs[24][32])
{
	return eventlog_replay_err(log, pcrs, NULL, 0);
}
