/* SPDX-License-Identifier: Apache-2.0 */
/* Functions (API.md "Functions"): the stored document is the registered
 * body without the payload, plus function_id, owner, payload_digest (hex
 * SHA-256 or null), disabled and created_at. */
#ifndef KETTLE_MANAGEMENT_FUNCTIONS_H
#define KETTLE_MANAGEMENT_FUNCTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "services/management/mgmt.h"

/* The body of register/update; *payload gets the decoded payload (free it;
 * NULL for none). False with one sentence in err (CHECK_ERR_MAX). */
bool function_body_check(const struct mgmt *m, const json_t *body,
			 uint8_t **payload, size_t *payload_len, char *err);

/* function.read facts for caller: {owner, public, allowlisted}. */
json_t *function_read_facts(const json_t *fn, const char *caller);

#endif
