/* The embedded blob store: content-addressed files under one directory,
 * each named by the lowercase hex SHA-256 of its bytes. A blob is written
 * under a temporary name, fsynced, renamed into place and the directory
 * fsynced, so a crash leaves either the whole blob or none. */
#ifndef KETTLE_STORAGE_BLOB_H
#define KETTLE_STORAGE_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define BLOB_DIGEST_HEX_LEN 64
#define BLOB_SIZE_MAX ((size_t)64 << 20)

/* Stores data; digest gets the hex SHA-256. -E2BIG above BLOB_SIZE_MAX. */
int blob_put(const char *dir, const void *data, size_t len,
	     char digest[BLOB_DIGEST_HEX_LEN + 1]);

/* Reads a blob into *data (malloc'd). -EINVAL if digest is not 64
 * lowercase hex digits, -ENOENT if absent, -EBADMSG if the stored bytes no
 * longer hash to their name. */
int blob_get(const char *dir, const char *digest, uint8_t **data,
	     size_t *len);

int blob_digest_valid(const char *digest);

#endif
