/* SPDX-License-Identifier: Apache-2.0 */
/* Small file helpers for the platform directory. */
#ifndef KETTLE_PLATFORM_FILES_H
#define KETTLE_PLATFORM_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/* "DIR/name" into out; -ENAMETOOLONG if it does not fit. */
int path_join(char *out, size_t len, const char *dir, const char *name);
/* Create path with mode, refusing to overwrite (O_EXCL). 0 or -errno. */
int file_create(const char *path, const void *data, size_t len, mode_t mode);
/* Write JSON (indented) to a new file. */
int file_create_json(const char *path, json_t *value, mode_t mode);
/* Replace path atomically (temp file + rename), for pid and url files. */
int file_replace(const char *path, const char *text, mode_t mode);
/* Read a small JSON file (< 1 MiB); NULL with errno set on failure. */
json_t *file_read_json(const char *path);

#endif
