/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm/eventlog.h"

#include <errno.h>
#include <string.h>


#include "lib/codec.h"

json_t *eventlog_new(void)
{
	return json_array();
}

static json_t *digest_entry(const char *alg, const uint8_t *d, size_t n)
{
	char hex[2 * 64 + 1];

	hex_encode(d, n, hex);
	return json_pack("{s:s, s:s}", "hashAlg", alg, "digest", hex);
}

static json_t *content(const char *event_type, const void *event, size_t len,
		       const uint8_t sha256[32])
{
	char small[2 * EVENTLOG_INLINE_MAX + 1];
	char digest[2 * 32 + 1];

	if (len <= EVENTLOG_INLINE_MAX) {
		hex_encode(event, len, small);
		return json_pack("{s:s, s:s}", "event_type", event_type,
				 "event_data", small);
	}
	hex_encode(sha256, 32, digest);
	return json_pack("{s:s, s:s}", "event_type", event_type,
			 "event_data_sha256", digest);
}

int eventlog_append(json_t *log, unsigned pcr, const char *event_type,
		    const void *event, size_t len,
		    const uint8_t sha256[32], const uint8_t sha384[48])
{
	json_t *digests, *rec;

	if (!json_is_array(log) || pcr >= 24 ||
	    !(EVENTLOG_PCR_MASK & (1u << pcr)) || !event_type ||
	    !*event_type || (len && !event))
		return -EINVAL;
	digests = json_array();
	if (!digests ||
	    json_array_append_new(digests,
				  digest_entry("sha256", sha256, 32)) ||
	    (sha384 && json_array_append_new(
			       digests, digest_entry("sha384", sha384, 48)))) {
		json_decref(digests);
		return -ENOMEM;
	}
	rec = json_pack("{s:I, s:I, s:o, s:s, s:o}", "recnum",
			(json_int_t)json_array_size(log), "pcr",
			(json_int_t)pcr, "digests", digests, "content_type",
			EVENTLOG_CONTENT_TYPE, "content",
			content(event_type, event, len, sha256));
	if (!rec || json_array_append_new(log, rec))
		return -ENOMEM;
	return 0;
}
