/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/harness/json.h"

const char *harness_json_str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "";
}

long long harness_json_int(const json_t *j, const char *key,
			   long long fallback)
{
	const json_t *v = json_object_get(j, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : fallback;
}

int harness_json_has(const json_t *j, const char *key)
{
	return json_object_get(j, key) != NULL;
}

long long harness_json_file_int(const char *path, const char *object,
				const char *key, long long fallback)
{
	json_t *doc = json_load_file(path, 0, NULL);
	long long v = harness_json_int(json_object_get(doc, object), key,
				       fallback);

	json_decref(doc);
	return v;
}
