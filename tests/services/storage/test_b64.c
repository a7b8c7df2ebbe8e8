/* Strict base64 for JSON values, and the request field checks. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "services/storage/b64.h"
#include "services/storage/json_check.h"
#include "tests/tap.h"

static int decodes_to(const char *text, const char *want, size_t want_len)
{
	uint8_t *out = NULL;
	size_t len = 0;
	int ok;

	if (b64_decode(text, strlen(text), &out, &len) < 0)
		return 0;
	ok = len == want_len && !memcmp(out, want, len);
	free(out);
	return ok;
}

static int refused(const char *text)
{
	uint8_t *out = NULL;
	size_t len;

	return b64_decode(text, strlen(text), &out, &len) == -EINVAL && !out;
}

int main(void)
{
	char *enc, err[JSON_CHECK_ERR_MAX];
	const char *s;
	size_t len;
	unsigned long long n;
	json_t *body;

	enc = b64_encode("hello", 5);
	CHECK(enc && !strcmp(enc, "aGVsbG8="), "encode pads to a multiple of 4");
	free(enc);
	enc = b64_encode("", 0);
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

	body = json_loads("{\"key\":\"k\",\"n\":5,\"neg\":-1,\"s\":7}", 0, NULL);
	CHECK(json_check_fields(body,
				(const char *const[]){ "key", "n", "neg", "s",
						       NULL },
				err),
	      "known fields pass");
	CHECK(!json_check_fields(body, (const char *const[]){ "key", NULL },
				 err) &&
		      strstr(err, "unknown field"),
	      "an unknown field is named");
	CHECK(json_check_string(body, "key", true, &s, &len, err) &&
		      len == 1 && !strcmp(s, "k"),
	      "a string field reads");
	CHECK(!json_check_string(body, "s", true, &s, &len, err) &&
		      strstr(err, "must be a string"),
	      "a number where a string belongs is refused");
	CHECK(!json_check_string(body, "absent", true, &s, &len, err) &&
		      strstr(err, "required"),
	      "a missing required field is refused");
	CHECK(json_check_string(body, "absent", false, &s, &len, err) && !s,
	      "a missing optional field is fine");
	CHECK(json_check_uint(body, "n", true, 10, &n, err) && n == 5,
	      "an integer field in range reads");
	CHECK(!json_check_uint(body, "n", true, 4, &n, err) &&
		      !json_check_uint(body, "neg", true, 10, &n, err),
	      "integers above the bound or negative are refused");
	json_decref(body);
	body = json_pack("{s:s%}", "key", "a\0b", (size_t)3);
	CHECK(!json_check_string(body, "key", true, &s, &len, err),
	      "a string with NUL is refused");
	json_decref(body);
	body = json_array();
	CHECK(!json_check_fields(body, (const char *const[]){ NULL }, err),
	      "an array body is refused");
	json_decref(body);
	TAP_DONE();
}
