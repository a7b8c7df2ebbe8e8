/* SPDX-License-Identifier: Apache-2.0 */
/* Checks on the fields of a parsed JSON request body. */
#include "services/common/rpc_fields.h"

#include <stdio.h>
#include <string.h>

bool json_check_fields(const json_t *body, const char *const *allowed,
		       char err[JSON_CHECK_ERR_MAX])
{
	const char *key;
	json_t *value;

	if (!json_is_object(body)) {
		snprintf(err, JSON_CHECK_ERR_MAX,
			 "the request body must be a JSON object");
		return false;
	}
	json_object_foreach((json_t *)body, key, value) {
		const char *const *a = allowed;
		while (*a && strcmp(*a, key))
			a++;
		if (!*a) {
			snprintf(err, JSON_CHECK_ERR_MAX,
				 "unknown field \"%.40s\" in the request", key);
			return false;
		}
	}
	return true;
}

/* The field, or NULL; *ok says whether its absence is fine. */
static json_t *field(const json_t *body, const char *name, bool required,
		     bool *ok, char err[JSON_CHECK_ERR_MAX])
{
	json_t *v = json_object_get(body, name);

	*ok = v || !required;
	if (!v && required)
		snprintf(err, JSON_CHECK_ERR_MAX, "the field \"%s\" is required",
			 name);
	return v;
}

bool json_check_string(const json_t *body, const char *name, bool required,
		       const char **out, size_t *len,
		       char err[JSON_CHECK_ERR_MAX])
{
	bool ok;
	json_t *v = field(body, name, required, &ok, err);

	*out = NULL;
	*len = 0;
	if (!v)
		return ok;
	if (!json_is_string(v)) {
		snprintf(err, JSON_CHECK_ERR_MAX,
			 "the field \"%s\" must be a string", name);
		return false;
	}
	*out = json_string_value(v);
	*len = json_string_length(v);
	if (memchr(*out, 0, *len)) {
		snprintf(err, JSON_CHECK_ERR_MAX,
			 "the field \"%s\" must not contain NUL", name);
		return false;
	}
	return true;
}

bool json_check_uint(const json_t *body, const char *name, bool required,
		     unsigned long long max, unsigned long long *out,
		     char err[JSON_CHECK_ERR_MAX])
{
	bool ok;
	json_t *v = field(body, name, required, &ok, err);

	*out = 0;
	if (!v)
		return ok;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (unsigned long long)json_integer_value(v) > max) {
		snprintf(err, JSON_CHECK_ERR_MAX,
			 "the field \"%s\" must be an integer from 0 to %llu",
			 name, max);
		return false;
	}
	*out = (unsigned long long)json_integer_value(v);
	return true;
}
