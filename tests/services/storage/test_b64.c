/* SPDX-License-Identifier: Apache-2.0 */
/* Values travel as base64 in JSON: storage relies on lib/codec decoding
 * only the canonical spelling, so one value has one encoding. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/codec.h"
#include "tests/tap.h"

static int decodes_to(const char *text, const char *want, size_t want_len)
{
	uint8_t *out = NULL;
	size_t len = 0;
	int ok;

	if (base64_decode_alloc(text, strlen(text), &out, &len) < 0)
		return 0;
	ok = len == want_len && !memcmp(out, want, len);
	free(out);
	return ok;
}

static int refused(const char *text)
{
	uint8_t *out = NULL;
	size_t len;

	return base64_decode_alloc(text, strlen(text), &out, &len) == -EINVAL && !out;
}

int main(void)
{
	char *enc;

	enc = base64_encode("hello", 5);
	CHECK(enc && !strcmp(enc, "aGVsbG8="), "encode pads to a multiple of 4");
	free(enc);
	enc = base64_encode("", 0);
	CHECK(enc && !strcmp(enc, ""), "the empty string encodes to nothing");
	free(enc);
	CHECK(decodes_to("aGVsbG8=", "hello", 5) && decodes_to("aGk=", "hi", 2) &&
		      decodes_to("YWJj", "abc", 3) && decodes_to("", "", 0),
	      "canonical base64 decodes with padding removed");
	CHECK(decodes_to("AAEC", "\x00\x01\x02", 3), "binary bytes decode");
	CHECK(refused("aGVsbG8") && refused("aGk"), "missing padding is refused");
	CHECK(refused("aGVs bG8=") && refused("aGVs\nbG8="),
	      "whitespace is refused");
	CHECK(refused("aGV*bG8="), "characters outside the alphabet are refused");
	CHECK(refused("a=Vs"), "padding in the middle is refused");

	TAP_DONE();
}
