/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded JSON body parsing; see rpc_body.h. */
#include "services/common/rpc_body.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

unsigned rpc_json_depth(const json_t *v)
{
	unsigned deepest = 0;
	if (json_is_object(v)) {
		const char *key;
		json_t *child;
		json_object_foreach((json_t *)v, key, child) {
			unsigned d = rpc_json_depth(child);
			if (d > deepest)
				deepest = d;
		}
		return deepest + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child) {
			unsigned d = rpc_json_depth(child);
			if (d > deepest)
				deepest = d;
		}
		return deepest + 1;
	}
	return 0;
}

/* Depth before parsing: jansson itself recurses up to its own compile-time
 * limit (2048), so a cheap scan keeps deep input from reaching it at all. */
static unsigned scan_depth(const unsigned char *p, size_t len)
{
	unsigned depth = 0, deepest = 0;
	int in_string = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '{' || c == '[') {
			if (++depth > deepest)
				deepest = depth;
		} else if ((c == '}' || c == ']') && depth > 0)
			depth--;
	}
	return deepest;
}

/* What is wrong, said to the sender; jansson's own text names its flags. */
static const char *json_problem(const json_error_t *jerr)
{
	switch (json_error_code(jerr)) {
	case json_error_invalid_utf8: return "the body is not valid UTF-8";
	case json_error_null_character:
		return "the body contains a NUL character (\\u0000), which is not accepted";
	case json_error_duplicate_key: return "the body has an object with the same key twice";
	case json_error_premature_end_of_input: return "the JSON body ends too early";
	case json_error_end_of_input_expected: return "the JSON body has data after its end";
	case json_error_numeric_overflow: return "a number in the body is too large";
	default: return "the body is not valid JSON";
	}
}

int rpc_body_parse(const void *data, size_t len, unsigned max_depth,
		   json_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (scan_depth(data, len) > max_depth) {
		snprintf(err, errlen, "the JSON body is nested deeper than %u levels",
			 max_depth);
		return -EINVAL;
	}
	json_error_t jerr;
	json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		snprintf(err, errlen, "%s (near byte %d)", json_problem(&jerr), jerr.position);
		return -EINVAL;
	}
	*out = v;
	return 0;
}
