/* SPDX-License-Identifier: Apache-2.0 */
/* Object ids: a type prefix and 32 lowercase hex digits of randomness
 * ("task-0f3a..."), and user ids as authentication spells them. Every id
 * that arrives from outside is checked here before it reaches a storage
 * key, so a key can never hold '/', "..", NUL or a foreign prefix. */
#ifndef KETTLE_MANAGEMENT_IDS_H
#define KETTLE_MANAGEMENT_IDS_H

#include <stdbool.h>
#include <stddef.h>

enum object_kind { OBJ_FUNCTION, OBJ_INPUT, OBJ_OUTPUT, OBJ_TASK };

#define ID_RANDOM_HEX 32
/* "function-" (9) + 32 hex + NUL */
#define ID_MAX 48
#define USER_ID_MAX 64
#define ATTRIBUTE_MAX 128

/* "function-", "input-", "output-", "task-". */
const char *object_prefix(enum object_kind kind);
/* "function", "input", "output", "task" (for messages). */
const char *object_name(enum object_kind kind);

/* A fresh random id of the kind into out (ID_MAX bytes). 0 or -EIO. */
int object_id_new(enum object_kind kind, char out[ID_MAX]);
/* Exactly the prefix of kind followed by 32 lowercase hex digits. */
bool object_id_valid(enum object_kind kind, const char *id);
/* The kind of a well-formed input or output id, or -1. */
int file_id_kind(const char *id);

/* 1..64 of [A-Za-z0-9._@-], not "." or ".." (authentication's rule). */
bool user_id_valid(const char *id);
/* A user's attribute (organisation): 0..128 of the same characters. */
bool attribute_valid(const char *attr);

#endif
