/* SPDX-License-Identifier: Apache-2.0 */
/* Request bodies: malformed JSON, invalid UTF-8, nesting and duplicates. */
#include <string.h>

#include "services/common/rpc_body.h"
#include "tests/tap.h"

static int parses(const char *text, size_t len, unsigned depth)
{
	json_t *v;
	char err[256];
	int rc = rpc_body_parse(text, len, depth, &v, err, sizeof(err));
	json_decref(v);
	return rc == 0;
}

#define P(s, d) parses(s, sizeof(s) - 1, d)

int main(void)
{
	CHECK(P("{\"a\":[1,2,{\"b\":\"c\"}]}", 32), "a valid object parses");
	CHECK(P("{\"name\":\"caf\xc3\xa9\"}", 32), "valid UTF-8 parses");
	CHECK(!P("{\"name\":\"caf\xe9\"}", 32), "Latin-1 byte (invalid UTF-8) refused");
	CHECK(!P("{\"n\":\"\xed\xa0\x80\"}", 32), "UTF-8-encoded surrogate refused");
	CHECK(!P("{\"n\":\"\xc0\xaf\"}", 32), "overlong UTF-8 refused");
	CHECK(!P("{\"n\":\"\\ud800\"}", 32), "lone surrogate escape refused");
	CHECK(!P("{\"n\":\"a\\u0000b\"}", 32), "NUL inside a string refused");
	CHECK(!P("{\"a\":1", 32), "truncated JSON refused");
	CHECK(!P("{\"a\":1}{", 32), "trailing garbage refused");
	CHECK(!P("{\"a\":1,\"a\":2}", 32), "duplicate keys refused");
	CHECK(!P("", 32), "empty input refused");
	CHECK(P("[[[[1]]]]", 4), "depth 4 allowed at limit 4");
	CHECK(!P("[[[[[1]]]]]", 4), "depth 5 refused at limit 4");
	CHECK(P("{\"s\":\"[[[[[[[[\"}", 2), "brackets inside strings do not count");
	CHECK(P("{\"s\":\"\\\"[[[[[[\"}", 2), "escaped quotes keep string state");

	char deep[5000];
	memset(deep, '[', 2500);
	memset(deep + 2500, ']', 2500);
	CHECK(!parses(deep, sizeof(deep), 32), "very deep nesting refused before parsing");

	json_t *v = json_loads("{\"a\":{\"b\":[1,{}]}}", 0, NULL);
	CHECK(rpc_json_depth(v) == 4, "depth of nested value");
	json_decref(v);
	TAP_DONE();
}
