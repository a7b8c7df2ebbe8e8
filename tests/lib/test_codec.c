/* SPDX-License-Identifier: Apache-2.0 */
/* lib/codec: each value has exactly one accepted spelling (storage's values,
 * the evidence bundle and Azure's reports rely on it), and lib/bytes'
 * little-endian fields. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/bytes.h"
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
	CHECK(refused("aGl="), "non-zero unused bits are refused (aGl= for \"hi\")");
	uint8_t small[2];
	size_t n;
	CHECK(base64_decode("YWJj", 4, small, sizeof(small), &n) == -EFBIG,
	      "a result larger than the buffer is -EFBIG");

	uint8_t u[8];
	CHECK(base64url_decode("-_8", 3, u, sizeof(u), &n) == 0 && n == 2 &&
		      u[0] == 0xfb && u[1] == 0xff,
	      "base64url: '-' and '_', padding optional");
	CHECK(base64url_decode("-_8=", 4, u, sizeof(u), &n) == 0 && n == 2,
	      "base64url: padding accepted where it belongs");
	CHECK(base64url_decode("+/8", 3, u, sizeof(u), &n) == -EINVAL,
	      "base64url: the standard alphabet's '+' and '/' are refused");
	CHECK(base64url_decode("-_9", 3, u, sizeof(u), &n) == -EINVAL,
	      "base64url: non-zero unused bits are refused");

	char hex[9];
	hex_encode("\x00\xab\x10\xff", 4, hex);
	CHECK(!strcmp(hex, "00ab10ff"), "hex is lower case");
	CHECK(hex_decode("00AB10ff", u, 4) == 0 && u[1] == 0xab && u[3] == 0xff,
	      "hex decodes either case");
	CHECK(hex_decode("00ab10f", u, 4) == -EINVAL && hex_decode("00ab10fg", u, 4) == -EINVAL,
	      "hex: a wrong length or a non-digit is refused");
	CHECK(hex_decode_max("abcd", u, 2, &n) == 0 && n == 2 &&
		      hex_decode_max("abcdef", u, 2, &n) == -EFBIG &&
		      hex_decode_max("abc", u, 2, &n) == -EINVAL && hex_decode_max("", u, 2, &n) == -EINVAL,
	      "hex_decode_max: even, non-empty, bounded");
	CHECK(hex_digit('7') == 7 && hex_digit('F') == 15 && hex_digit('g') == -1,
	      "hex_digit");

	uint8_t le[8];
	le32_put(le + 1, 0x11223344u);
	CHECK(le[1] == 0x44 && le[4] == 0x11 && le32_get(le + 1) == 0x11223344u,
	      "le32 at an odd offset");
	le64_put(le, 0x0102030405060708ull);
	CHECK(le[0] == 8 && le[7] == 1 && le64_get(le) == 0x0102030405060708ull &&
		      le16_get(le) == 0x0708,
	      "le64 and le16");

	TAP_DONE();
}
