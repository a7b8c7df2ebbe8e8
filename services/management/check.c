/* SPDX-License-Identifier: Apache-2.0 */
#include "services/management/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/codec.h"
#include "services/management/ids.h"

static const char *const type_names[] = {
	[FIELD_STRING] = "a string", [FIELD_BOOL] = "true or false",
	[FIELD_INT] = "an integer", [FIELD_ARRAY] = "an array",
	[FIELD_OBJECT] = "an object", [FIELD_ANY] = "a value",
};

static bool type_ok(const json_t *v, enum field_type t)
{
	switch (t) {
	case FIELD_STRING:
		return json_is_string(v) &&
		       strlen(json_string_value(v)) == json_string_length(v);
	case FIELD_BOOL:
		return json_is_boolean(v);
	case FIELD_INT:
		return json_is_integer(v);
	case FIELD_ARRAY:
		return json_is_array(v);
	case FIELD_OBJECT:
		return json_is_object(v);
	case FIELD_ANY:
		return v != NULL;
	}
	return false;
}

bool fields_check(const json_t *obj, const struct field *spec, size_t n,
		  char *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, CHECK_ERR_MAX, "The body must be a JSON object.");
		return false;
	}
	json_object_foreach((json_t *)obj, key, v) {
		size_t i;
		for (i = 0; i < n && strcmp(spec[i].name, key); i++)
			;
		if (i == n) {
			/* The key is user bytes: name it only if it is tame. */
			if (name_valid(key, MAX_NAME))
				snprintf(err, CHECK_ERR_MAX,
					 "Unknown field \"%s\".", key);
			else
				snprintf(err, CHECK_ERR_MAX,
					 "The body has an unknown field.");
			return false;
		}
	}
	for (size_t i = 0; i < n; i++) {
		v = json_object_get(obj, spec[i].name);
		if (!v && spec[i].required) {
			snprintf(err, CHECK_ERR_MAX,
				 "The field \"%s\" is missing.", spec[i].name);
			return false;
		}
		if (v && !type_ok(v, spec[i].type)) {
			snprintf(err, CHECK_ERR_MAX,
				 "The field \"%s\" must be %s.", spec[i].name,
				 type_names[spec[i].type]);
			return false;
		}
	}
	return true;
}

bool name_valid(const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len > max || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

bool json_list_has(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	return false;
}

bool user_list_check(const json_t *arr, const char *field, size_t max,
		     bool may_be_empty, char *err)
{
	size_t i, n = json_array_size(arr);
	json_t *v;

	if (!json_is_array(arr) || n > max || (n == 0 && !may_be_empty)) {
		snprintf(err, CHECK_ERR_MAX,
			 "The field \"%s\" must be a list of %s to %zu user ids.",
			 field, may_be_empty ? "0" : "1", max);
		return false;
	}
	json_array_foreach(arr, i, v) {
		const char *id = json_string_value(v);
		if (!json_is_string(v) || strlen(id) != json_string_length(v) ||
		    !user_id_valid(id)) {
			snprintf(err, CHECK_ERR_MAX,
				 "Entry %zu of \"%s\" is not a valid user id.",
				 i, field);
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(json_string_value(json_array_get(arr, j)),
				    id)) {
				snprintf(err, CHECK_ERR_MAX,
					 "The user \"%s\" appears twice in \"%s\".",
					 id, field);
				return false;
			}
	}
	return true;
}

bool digest_valid(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool url_check(const char *url, char *err)
{
	size_t len = strlen(url);
	const char *rest;

	if (len == 0 || len > MAX_URL) {
		snprintf(err, CHECK_ERR_MAX,
			 "The url must be 1 to %d bytes long.", MAX_URL);
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if (url[i] <= 0x20 || url[i] >= 0x7f) {
			snprintf(err, CHECK_ERR_MAX,
				 "The url must be printable ASCII without spaces.");
			return false;
		}
	if (starts(url, "kettle://blob/")) {
		rest = url + strlen("kettle://blob/");
		if (*rest && !digest_valid(rest)) {
			snprintf(err, CHECK_ERR_MAX,
				 "A kettle://blob/ url must end with nothing or a 64-digit lowercase hex digest.");
			return false;
		}
		return true;
	}
	if (starts(url, "file://")) {
		rest = url + strlen("file://");
		if (rest[0] != '/' || strstr(rest, "/../") ||
		    (len >= 3 && !strcmp(url + len - 3, "/.."))) {
			snprintf(err, CHECK_ERR_MAX,
				 "A file:// url must name an absolute path without \"..\".");
			return false;
		}
		return true;
	}
	if (starts(url, "https://") || starts(url, "http://")) {
		rest = strstr(url, "://") + 3;
		if (!*rest || *rest == '/') {
			snprintf(err, CHECK_ERR_MAX,
				 "An http(s) url must name a host.");
			return false;
		}
		return true;
	}
	if (starts(url, "data:")) {
		if (!strchr(url, ',')) {
			snprintf(err, CHECK_ERR_MAX,
				 "A data: url must have a comma before its data.");
			return false;
		}
		return true;
	}
	snprintf(err, CHECK_ERR_MAX,
		 "The url scheme is not allowed: use kettle://blob/, file://, http://, https:// or data:.");
	return false;
}

/* A base64 string of exactly want bytes. */
static bool b64_exact(const json_t *v, size_t want)
{
	uint8_t buf[64];
	size_t n;

	return json_is_string(v) &&
	       base64_decode(json_string_value(v), json_string_length(v), buf,
			     sizeof(buf), &n) == 0 &&
	       n == want;
}

bool crypto_check(const json_t *crypto, char *err)
{
	static const struct field spec[] = {
		{ "schema", FIELD_STRING, true },
		{ "key", FIELD_STRING, false },
		{ "iv", FIELD_STRING, false },
	};
	const char *schema;
	size_t key_len;

	if (!json_is_object(crypto)) {
		snprintf(err, CHECK_ERR_MAX, "The field \"crypto\" must be an object.");
		return false;
	}
	if (!fields_check(crypto, spec, 3, err))
		return false;
	schema = json_string_value(json_object_get(crypto, "schema"));
	if (!strcmp(schema, "raw")) {
		if (json_object_size(crypto) != 1) {
			snprintf(err, CHECK_ERR_MAX,
				 "The schema raw takes no key or iv.");
			return false;
		}
		return true;
	}
	if (!strcmp(schema, "aes-256-gcm"))
		key_len = 32;
	else if (!strcmp(schema, "aes-128-gcm"))
		key_len = 16;
	else {
		snprintf(err, CHECK_ERR_MAX,
			 "The schema must be aes-256-gcm, aes-128-gcm or raw.");
		return false;
	}
	if (!b64_exact(json_object_get(crypto, "key"), key_len)) {
		snprintf(err, CHECK_ERR_MAX,
			 "The key must be %zu bytes in base64 for %s.", key_len,
			 schema);
		return false;
	}
	if (!b64_exact(json_object_get(crypto, "iv"), 12)) {
		snprintf(err, CHECK_ERR_MAX,
			 "The iv must be 12 bytes in base64 for %s.", schema);
		return false;
	}
	return true;
}

bool nonce_check(const char *hex, char *err)
{
	uint8_t buf[NONCE_MAX];
	size_t n;

	if (hex_decode_max(hex, buf, sizeof(buf), &n) < 0 || n < NONCE_MIN) {
		snprintf(err, CHECK_ERR_MAX,
			 "The nonce must be %d to %d bytes in hex.", NONCE_MIN,
			 NONCE_MAX);
		return false;
	}
	return true;
}

/* A static x86-64 executable: ELF64, little endian, ET_EXEC, EM_X86_64. */
static bool elf_x86_64(const uint8_t *p, size_t len)
{
	return len >= 64 && !memcmp(p, "\x7f" "ELF", 4) && p[4] == 2 &&
	       p[5] == 1 && p[16] == 2 && p[17] == 0 && p[18] == 62 &&
	       p[19] == 0;
}

bool payload_check(const char *executor, const json_t *payload, uint8_t **raw,
		   size_t *len, char *err)
{
	bool builtin = !strcmp(executor, "builtin");

	*raw = NULL;
	*len = 0;
	if (!payload || json_is_null(payload)) {
		if (builtin)
			return true;
		snprintf(err, CHECK_ERR_MAX,
			 "The executor %s needs a payload.", executor);
		return false;
	}
	if (builtin) {
		snprintf(err, CHECK_ERR_MAX,
			 "A builtin function takes no payload.");
		return false;
	}
	if (!json_is_string(payload) ||
	    json_string_length(payload) > (MAX_PAYLOAD + 2) / 3 * 4 ||
	    base64_decode_alloc(json_string_value(payload),
				json_string_length(payload), raw, len) < 0) {
		snprintf(err, CHECK_ERR_MAX,
			 "The payload must be base64 of at most %u bytes.",
			 MAX_PAYLOAD);
		return false;
	}
	if (*len == 0 || *len > MAX_PAYLOAD) {
		snprintf(err, CHECK_ERR_MAX,
			 "The payload must be 1 to %u bytes.", MAX_PAYLOAD);
		goto bad;
	}
	if (!strcmp(executor, "native") && !elf_x86_64(*raw, *len)) {
		snprintf(err, CHECK_ERR_MAX,
			 "A native payload must be a static x86-64 ELF executable.");
		goto bad;
	}
	return true;
bad:
	free(*raw);
	*raw = NULL;
	return false;
}
