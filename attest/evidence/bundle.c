/* SPDX-License-Identifier: Apache-2.0 */
/* The first check: every field of the bundle present, of the right type,
 * decodable and within its bound, before any cryptography runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attest/evidence/evidence_int.h"
#include "lib/codec.h"

#define BAD(...) evidence_fail(err, errlen, EVIDENCE_E_MALFORMED, __VA_ARGS__)

static const char *str_field(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

/* base64 field of at least min and at most cap bytes. */
static int b64_field(const json_t *j, const char *key, uint8_t *out, size_t min,
		     size_t cap, size_t *len)
{
	const char *s = str_field(j, key);
	return s && base64_decode(s, strlen(s), out, cap, len) == 0 && *len >= min ? 0 : -EINVAL;
}

static enum evidence_result parse_quote(const json_t *q, struct evidence_bundle *b,
					char *err, size_t errlen)
{
	if (!json_is_object(q))
		return BAD("bundle: quote is not an object");
	if (b64_field(q, "attest", b->attest, 1, sizeof b->attest, &b->attest_len))
		return BAD("bundle: quote.attest is not base64 of 1-%d bytes", EVIDENCE_ATTEST_MAX);
	if (b64_field(q, "signature", b->sig, 1, sizeof b->sig, &b->sig_len))
		return BAD("bundle: quote.signature is not base64 of 1-%d bytes", EVIDENCE_SIG_MAX);
	json_t *mask = json_object_get(q, "pcr_mask");
	if (!json_is_integer(mask) || json_integer_value(mask) <= 0 ||
	    json_integer_value(mask) >= (1 << 24))
		return BAD("bundle: quote.pcr_mask is not a PCR bit mask (1 to 2^24-1)");
	b->pcr_mask = (uint32_t)json_integer_value(mask);
	json_t *pcrs = json_object_get(q, "pcrs");
	if (!json_is_object(pcrs))
		return BAD("bundle: quote.pcrs is not an object");
	size_t n = 0;
	for (unsigned i = 0; i < 24; i++) {
		if (!(b->pcr_mask & (1u << i)))
			continue;
		char key[4];
		snprintf(key, sizeof key, "%u", i);
		if (hex_decode(str_field(pcrs, key), b->pcrs[i], 32))
			return BAD("bundle: quote.pcrs[\"%u\"] is not 64 hex digits", i);
		n++;
	}
	if (json_object_size(pcrs) != n)
		return BAD("bundle: quote.pcrs has values for PCRs outside pcr_mask");
	return EVIDENCE_OK;
}

enum evidence_result bundle_parse(const json_t *j, struct evidence_bundle *b,
				  char *err, size_t errlen)
{
	size_t len;
	memset(b, 0, sizeof *b);
	if (!json_is_object(j))
		return BAD("bundle: not a JSON object");
	json_t *v = json_object_get(j, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return BAD("bundle: version is not 1");
	if (hex_decode_max(str_field(j, "nonce"), b->nonce, sizeof b->nonce, &b->nonce_len))
		return BAD("bundle: nonce is not hex of 1-%d bytes", EVIDENCE_NONCE_MAX);
	if (hex_decode(str_field(j, "measurement"), b->measurement, sizeof b->measurement))
		return BAD("bundle: measurement is not 96 hex digits");
	if (b64_field(j, "report", b->report, SNP_REPORT_SIZE, SNP_REPORT_SIZE, &len))
		return BAD("bundle: report is not base64 of %u bytes", SNP_REPORT_SIZE);
	/* The bytes after the signature are reserved and outside what the
	 * signature covers; must-be-zero keeps them from carrying anything. */
	for (size_t i = 0x330; i < SNP_REPORT_SIZE; i++)
		if (b->report[i])
			return BAD("bundle: report byte 0x%zx (reserved, unsigned) is not zero", i);
	const char *chain = str_field(j, "cert_chain");
	if (!chain || strlen(chain) > EVIDENCE_CHAIN_MAX)
		return BAD("bundle: cert_chain is not a string of at most %d bytes", EVIDENCE_CHAIN_MAX);
	int rc = chain_split(chain, strlen(chain), &b->vcek, &b->ask, &b->ark);
	if (rc == -ENOMEM)
		return evidence_fail(err, errlen, EVIDENCE_E_NOMEM, "out of memory reading cert_chain");
	if (rc)
		return BAD("bundle: cert_chain is not exactly three PEM certificates (VCEK, ASK, ARK)");
	if (b64_field(j, "ak_public", b->ak, 1, sizeof b->ak, &b->ak_len))
		return BAD("bundle: ak_public is not base64 of 1-%d bytes", EVIDENCE_AK_MAX);
	enum evidence_result r = parse_quote(json_object_get(j, "quote"), b, err, errlen);
	if (r)
		return r;
	b->event_log = json_object_get(j, "event_log");
	if (!json_is_array(b->event_log) || json_array_size(b->event_log) == 0 ||
	    json_array_size(b->event_log) > EVIDENCE_LOG_MAX)
		return BAD("bundle: event_log is not an array of 1-%d records", EVIDENCE_LOG_MAX);
	b->manifest = str_field(j, "task_manifest");
	if (!b->manifest)
		return BAD("bundle: task_manifest is not a string");
	b->manifest_len = json_string_length(json_object_get(j, "task_manifest"));
	if (b->manifest_len == 0 || b->manifest_len > EVIDENCE_MANIFEST_MAX ||
	    strlen(b->manifest) != b->manifest_len)
		return BAD("bundle: task_manifest is empty, longer than %d bytes or has a NUL",
			   EVIDENCE_MANIFEST_MAX);
	return EVIDENCE_OK;
}

void bundle_clear(struct evidence_bundle *b)
{
	X509_free(b->vcek);
	X509_free(b->ask);
	X509_free(b->ark);
	b->vcek = b->ask = b->ark = NULL;
}
