/* SPDX-License-Identifier: Apache-2.0 */
/* The embedded blob store: content-addressed files under one directory,
 * each named by the lowercase hex SHA-256 of its plaintext bytes and sealed
 * at rest like every value (record.h, AES-256-GCM under the keyring's
 * current key; the AAD binds the name, so a sealed blob cannot be moved to
 * another name). A blob is written under a temporary name (".tmp-*"),
 * fsynced, renamed into place and the directory fsynced, so a crash leaves
 * either the whole blob or a temporary file that blob_clean_tmp() removes
 * at the next start. */
#ifndef KETTLE_STORAGE_BLOB_H
#define KETTLE_STORAGE_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "services/storage/keyring.h"

#define BLOB_DIGEST_HEX_LEN 64
#define BLOB_SIZE_MAX ((size_t)64 << 20)

/* Stores data; digest gets the hex SHA-256. -E2BIG above BLOB_SIZE_MAX. */
int blob_put(const char *dir, const struct keyring *kr, const void *data,
	     size_t len, char digest[BLOB_DIGEST_HEX_LEN + 1]);

/* Reads a blob into *data (malloc'd). -EINVAL if digest is not 64
 * lowercase hex digits, -ENOENT if absent, -EBADMSG if the stored bytes do
 * not open or no longer hash to their name, -ENOKEY if sealed under a key
 * the ring lacks. A plaintext blob written before blobs were sealed is
 * still read when it hashes to its name (blob_rewrap seals it). */
int blob_get(const char *dir, const struct keyring *kr, const char *digest,
	     uint8_t **data, size_t *len);

/* Re-seals every blob not under the ring's current key (and every legacy
 * plaintext blob); *count gets how many. Blobs that fail to open (altered
 * on disk) are left as they are. Safe to interrupt and rerun. */
int blob_rewrap(const char *dir, const struct keyring *kr, size_t *count);

/* Removes the temporary files an interrupted blob_put left behind (call
 * before serving); *count gets how many. */
int blob_clean_tmp(const char *dir, size_t *count);

int blob_digest_valid(const char *digest);

#endif
