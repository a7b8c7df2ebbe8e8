/* SPDX-License-Identifier: Apache-2.0 */
#include "services/management/ids.h"

#include <errno.h>
#include <string.h>

#include <openssl/rand.h>

#include "lib/codec.h"

static const char *const prefixes[] = {
	[OBJ_FUNCTION] = "function-",
	[OBJ_INPUT] = "input-",
	[OBJ_OUTPUT] = "output-",
	[OBJ_TASK] = "task-",
};

static const char *const names[] = {
	[OBJ_FUNCTION] = "function",
	[OBJ_INPUT] = "input",
	[OBJ_OUTPUT] = "output",
	[OBJ_TASK] = "task",
};

const char *object_prefix(enum object_kind kind)
{
	return prefixes[kind];
}

const char *object_name(enum object_kind kind)
{
	return names[kind];
}

int object_id_new(enum object_kind kind, char out[ID_MAX])
{
	unsigned char rnd[ID_RANDOM_HEX / 2];
	size_t n = strlen(prefixes[kind]);

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -EIO;
	memcpy(out, prefixes[kind], n);
	hex_encode(rnd, sizeof(rnd), out + n);
	return 0;
}

bool object_id_valid(enum object_kind kind, const char *id)
{
	size_t n = strlen(prefixes[kind]);

	if (!id || strncmp(id, prefixes[kind], n) != 0 ||
	    strlen(id + n) != ID_RANDOM_HEX)
		return false;
	for (const char *p = id + n; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

int file_id_kind(const char *id)
{
	if (object_id_valid(OBJ_INPUT, id))
		return OBJ_INPUT;
	if (object_id_valid(OBJ_OUTPUT, id))
		return OBJ_OUTPUT;
	return -1;
}

static bool id_chars(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '@' || c == '-'))
			return false;
	}
	return true;
}

bool user_id_valid(const char *id)
{
	size_t len;

	if (!id)
		return false;
	len = strlen(id);
	if (len == 0 || len > USER_ID_MAX || !strcmp(id, ".") ||
	    !strcmp(id, ".."))
		return false;
	return id_chars(id, len);
}

bool attribute_valid(const char *attr)
{
	size_t len = attr ? strlen(attr) : 0;

	return len <= ATTRIBUTE_MAX && id_chars(attr ? attr : "", len);
}
