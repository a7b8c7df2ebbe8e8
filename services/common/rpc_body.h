/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing a request body as bounded JSON. */
#ifndef KETTLE_SERVICES_COMMON_RPC_BODY_H
#define KETTLE_SERVICES_COMMON_RPC_BODY_H

#include <stddef.h>

#include <jansson.h>

/* Parse len bytes as a JSON object or array: UTF-8 only (jansson rejects
 * anything else), no duplicate keys, no NUL in strings, at most max_depth
 * levels of nesting. Returns 0 with *out set, or -EINVAL with one line in
 * err. */
int rpc_body_parse(const void *data, size_t len, unsigned max_depth,
		   json_t **out, char *err, size_t errlen);
/* Nesting depth of a value: 0 for a scalar, 1 for [] or {}. */
unsigned rpc_json_depth(const json_t *v);

#endif
