/* SPDX-License-Identifier: Apache-2.0 */
/* The body of POST and PUT /v1/functions: every field checked and bounded
 * before anything is stored. */
#include "services/management/functions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/management/check.h"

static bool executor_valid(const struct mgmt *m, const char *executor)
{
	if (!strcmp(executor, "builtin") || !strcmp(executor, "native"))
		return true;
	return json_list_has(m->script_executors, executor);
}

static bool arguments_check(const json_t *args, char *err)
{
	static const struct field spec[] = {
		{ "key", FIELD_STRING, true },
		{ "default_value", FIELD_ANY, false },
		{ "allow_overwrite", FIELD_BOOL, true },
	};
	size_t i;
	json_t *a;

	if (json_array_size(args) > MAX_ARGUMENTS) {
		snprintf(err, CHECK_ERR_MAX,
			 "A function takes at most %d arguments.", MAX_ARGUMENTS);
		return false;
	}
	json_array_foreach(args, i, a) {
		const char *key;
		if (!fields_check(a, spec, 3, err))
			return false;
		key = json_string_value(json_object_get(a, "key"));
		if (!name_valid(key, MAX_NAME)) {
			snprintf(err, CHECK_ERR_MAX,
				 "Argument %zu: the key must be 1 to %d of A-Z a-z 0-9 . _ -.",
				 i, MAX_NAME);
			return false;
		}
		if (!json_is_true(json_object_get(a, "allow_overwrite")) &&
		    !json_object_get(a, "default_value")) {
			snprintf(err, CHECK_ERR_MAX,
				 "The argument \"%s\" cannot be overwritten, so it needs a default_value.",
				 key);
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(json_string_value(json_object_get(
					    json_array_get(args, j), "key")),
				    key)) {
				snprintf(err, CHECK_ERR_MAX,
					 "The argument \"%s\" appears twice.",
					 key);
				return false;
			}
	}
	return true;
}

static bool files_check(const json_t *files, const char *field, char *err)
{
	static const struct field spec[] = {
		{ "name", FIELD_STRING, true },
		{ "description", FIELD_STRING, true },
		{ "optional", FIELD_BOOL, true },
	};
	size_t i;
	json_t *f;

	if (json_array_size(files) > MAX_FILES) {
		snprintf(err, CHECK_ERR_MAX, "A function has at most %d %s.",
			 MAX_FILES, field);
		return false;
	}
	json_array_foreach(files, i, f) {
		const char *name;
		if (!fields_check(f, spec, 3, err))
			return false;
		name = json_string_value(json_object_get(f, "name"));
		if (!name_valid(name, MAX_NAME) ||
		    strlen(json_string_value(json_object_get(
			    f, "description"))) > MAX_DESCRIPTION) {
			snprintf(err, CHECK_ERR_MAX,
				 "Entry %zu of %s needs a name of 1 to %d of A-Z a-z 0-9 . _ - and a description of at most %d bytes.",
				 i, field, MAX_NAME, MAX_DESCRIPTION);
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(json_string_value(json_object_get(
					    json_array_get(files, j), "name")),
				    name)) {
				snprintf(err, CHECK_ERR_MAX,
					 "The name \"%s\" appears twice in %s.",
					 name, field);
				return false;
			}
	}
	return true;
}

bool function_body_check(const struct mgmt *m, const json_t *body,
			 uint8_t **payload, size_t *payload_len, char *err)
{
	static const struct field spec[] = {
		{ "name", FIELD_STRING, true },
		{ "description", FIELD_STRING, true },
		{ "executor", FIELD_STRING, true },
		{ "payload", FIELD_STRING, false },
		{ "public", FIELD_BOOL, true },
		{ "arguments", FIELD_ARRAY, true },
		{ "inputs", FIELD_ARRAY, true },
		{ "outputs", FIELD_ARRAY, true },
		{ "user_allowlist", FIELD_ARRAY, true },
		{ "usage_quota", FIELD_INT, false },
	};
	const char *name, *executor;
	const json_t *quota;

	*payload = NULL;
	if (!fields_check(body, spec, sizeof(spec) / sizeof(spec[0]), err))
		return false;
	name = json_string_value(json_object_get(body, "name"));
	executor = json_string_value(json_object_get(body, "executor"));
	if (!name_valid(name, MAX_FUNCTION_NAME)) {
		snprintf(err, CHECK_ERR_MAX,
			 "The name must be 1 to %d of A-Z a-z 0-9 . _ -.",
			 MAX_FUNCTION_NAME);
		return false;
	}
	if (strlen(json_string_value(json_object_get(body, "description"))) >
	    MAX_DESCRIPTION) {
		snprintf(err, CHECK_ERR_MAX,
			 "The description must be at most %d bytes.",
			 MAX_DESCRIPTION);
		return false;
	}
	if (!executor_valid(m, executor)) {
		snprintf(err, CHECK_ERR_MAX,
			 "The executor must be builtin, native or a script executor of the image.");
		return false;
	}
	if (!strcmp(executor, "builtin") && strncmp(name, "builtin-", 8)) {
		snprintf(err, CHECK_ERR_MAX,
			 "A builtin function's name names the built-in, e.g. builtin-echo.");
		return false;
	}
	quota = json_object_get(body, "usage_quota");
	if (quota && (json_integer_value(quota) < 1 ||
		      json_integer_value(quota) > 2147483647)) {
		snprintf(err, CHECK_ERR_MAX,
			 "The usage_quota must be an integer from 1 to 2147483647.");
		return false;
	}
	if (!arguments_check(json_object_get(body, "arguments"), err) ||
	    !files_check(json_object_get(body, "inputs"), "inputs", err) ||
	    !files_check(json_object_get(body, "outputs"), "outputs", err) ||
	    !user_list_check(json_object_get(body, "user_allowlist"),
			     "user_allowlist", MAX_ALLOWLIST, true, err))
		return false;
	return payload_check(executor, json_object_get(body, "payload"),
			     payload, payload_len, err);
}
