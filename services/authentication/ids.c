/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/ids.h"

#include <string.h>

static const char *const role_names[] = {
	[ROLE_PLATFORM_ADMIN] = "platform_admin",
	[ROLE_FUNCTION_OWNER] = "function_owner",
	[ROLE_DATA_OWNER_MANAGER] = "data_owner_manager",
	[ROLE_DATA_OWNER] = "data_owner",
};

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	       c == '-';
}

static bool chars_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!id_char(s[i]))
			return false;
	return true;
}

bool authn_id_valid(const char *id, size_t len)
{
	if (!id || len == 0 || len > AUTHN_ID_MAX || !chars_valid(id, len))
		return false;
	return !(len == 1 && id[0] == '.') &&
	       !(len == 2 && id[0] == '.' && id[1] == '.');
}

bool authn_attribute_valid(const char *attr, size_t len)
{
	return attr && len <= AUTHN_ATTR_MAX && chars_valid(attr, len);
}

bool authn_role_needs_attribute(enum authn_role role)
{
	return role == ROLE_DATA_OWNER_MANAGER || role == ROLE_DATA_OWNER;
}

bool authn_password_valid(const char *pw, size_t len)
{
	return pw && len >= AUTHN_PASSWORD_MIN && len <= AUTHN_PASSWORD_MAX &&
	       memchr(pw, 0, len) == NULL;
}

enum authn_role authn_role_parse(const char *name)
{
	if (!name)
		return ROLE_NONE;
	for (size_t i = 1; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (!strcmp(name, role_names[i]))
			return (enum authn_role)i;
	return ROLE_NONE;
}

const char *authn_role_name(enum authn_role role)
{
	if (role <= ROLE_NONE || role > ROLE_DATA_OWNER)
		return "none";
	return role_names[role];
}
