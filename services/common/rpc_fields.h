/* SPDX-License-Identifier: Apache-2.0 */
/* Field checks for JSON request bodies, the same for every service: each
 * returns false and writes one sentence into err (which the handler sends
 * as a 400 bad_request). */
#ifndef KETTLE_SERVICES_COMMON_RPC_FIELDS_H
#define KETTLE_SERVICES_COMMON_RPC_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define JSON_CHECK_ERR_MAX 160

/* body must be an object whose keys are all in allowed (NULL-terminated). */
bool json_check_fields(const json_t *body, const char *const *allowed,
		       char err[JSON_CHECK_ERR_MAX]);

/* A string field: required or optional (absent: *out NULL, *len 0). A
 * string holding NUL is refused. */
bool json_check_string(const json_t *body, const char *name, bool required,
		       const char **out, size_t *len,
		       char err[JSON_CHECK_ERR_MAX]);

/* A non-negative integer field, at most max. */
bool json_check_uint(const json_t *body, const char *name, bool required,
		     unsigned long long max, unsigned long long *out,
		     char err[JSON_CHECK_ERR_MAX]);

#endif
