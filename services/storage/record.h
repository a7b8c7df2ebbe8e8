/* SPDX-License-Identifier: Apache-2.0 */
/* The at-rest record: every stored value is sealed with AES-256-GCM.
 *
 *   byte 0        format version (RECORD_VERSION)
 *   byte 1        key id length n (1..KEYRING_ID_MAX)
 *   bytes 2..     key id (n bytes)
 *   12 bytes      random nonce
 *   ...           ciphertext (same length as the plaintext)
 *   16 bytes      GCM tag
 *
 * The header (version, key id) and the caller's context (the record's name in
 * the database) are authenticated as AAD, so a record cannot be moved to
 * another name or relabelled with another key id without detection. */
#ifndef KETTLE_STORAGE_RECORD_H
#define KETTLE_STORAGE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "services/storage/keyring.h"

#define RECORD_VERSION 1
#define RECORD_NONCE_LEN 12
#define RECORD_TAG_LEN 16
#define RECORD_OVERHEAD_MAX                                                   \
	(2 + KEYRING_ID_MAX + RECORD_NONCE_LEN + RECORD_TAG_LEN)

/* Seals pt under the current key into a new buffer (*out, malloc'd). */
int record_seal(const struct keyring *kr, const uint8_t *ctx, size_t ctx_len,
		const uint8_t *pt, size_t pt_len, uint8_t **out,
		size_t *out_len);

/* Opens a record into *pt (malloc'd, NUL-terminated beyond *pt_len);
 * -EBADMSG if it was altered or sealed for another context,
 * -ENOKEY if its key id is not in the ring, -EINVAL if malformed. */
int record_open(const struct keyring *kr, const uint8_t *ctx, size_t ctx_len,
		const uint8_t *rec, size_t rec_len, uint8_t **pt,
		size_t *pt_len);

#endif
