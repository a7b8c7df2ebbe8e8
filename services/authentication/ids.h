/* SPDX-License-Identifier: Apache-2.0 */
/* What a user id, a role, an attribute and a password may look like. */
#ifndef KETTLE_AUTHN_IDS_H
#define KETTLE_AUTHN_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define AUTHN_ID_MAX 64
#define AUTHN_ATTR_MAX 128
#define AUTHN_PASSWORD_MIN 8
#define AUTHN_PASSWORD_MAX 256

enum authn_role {
	ROLE_NONE = 0,
	ROLE_PLATFORM_ADMIN,
	ROLE_FUNCTION_OWNER,
	ROLE_DATA_OWNER_MANAGER,
	ROLE_DATA_OWNER,
};

/* 1..64 chars of [A-Za-z0-9._@-], not "." or ".." (so an id can never name
 * a path or carry a NUL, a slash or a space). len is the byte length, so an
 * embedded NUL is caught. */
bool authn_id_valid(const char *id, size_t len);

/* 0..128 chars of the id alphabet; the data-owner roles need a non-empty
 * one (the organisation). */
bool authn_attribute_valid(const char *attr, size_t len);
bool authn_role_needs_attribute(enum authn_role role);

/* AUTHN_PASSWORD_MIN..MAX bytes, no NUL. */
bool authn_password_valid(const char *pw, size_t len);

/* "platform_admin" etc. to the enum; ROLE_NONE for anything else. */
enum authn_role authn_role_parse(const char *name);
const char *authn_role_name(enum authn_role role);

#endif
