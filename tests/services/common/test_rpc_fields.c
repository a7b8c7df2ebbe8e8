/* SPDX-License-Identifier: Apache-2.0 */
/* The request field checks every service applies to JSON bodies. */
#include <string.h>

#include "services/common/rpc_fields.h"
#include "tests/tap.h"

int main(void)
{
	char err[JSON_CHECK_ERR_MAX];
	const char *s;
	size_t len;
	unsigned long long n;
	json_t *body;

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
