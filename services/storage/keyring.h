/* SPDX-License-Identifier: Apache-2.0 */
/* A keyring of AES-256 keys for values at rest: several key ids stay
 * readable, one of them is current and seals every new write, so keys can
 * rotate without rewriting the database at once. */
#ifndef KETTLE_STORAGE_KEYRING_H
#define KETTLE_STORAGE_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#define KEYRING_KEY_LEN 32
#define KEYRING_ID_MAX 32 /* bytes of a key id, [A-Za-z0-9._-] */
#define KEYRING_MAX_KEYS 16

struct keyring;

int keyring_new(struct keyring **out);
void keyring_free(struct keyring *kr);

/* Adds a key under id (1..KEYRING_ID_MAX chars). -EEXIST if id is taken,
 * -EINVAL for a bad id, -ENOSPC when the ring is full. The first key added
 * becomes current. */
int keyring_add(struct keyring *kr, const char *id,
		const uint8_t key[KEYRING_KEY_LEN]);

/* Reads a key file: exactly 32 raw bytes, or 64 hex digits with an optional
 * trailing newline. Refuses a file that others may read (-EPERM). */
int keyring_load_file(struct keyring *kr, const char *id, const char *path);

int keyring_set_current(struct keyring *kr, const char *id);
const char *keyring_current_id(const struct keyring *kr);

/* The key for id (not NUL-terminated, id_len bytes), or NULL. */
const uint8_t *keyring_find(const struct keyring *kr, const char *id,
			    size_t id_len);

int keyring_id_valid(const char *id, size_t len);

#endif
