/* SPDX-License-Identifier: Apache-2.0 */
/* Whole reads and writes on descriptors, and whole bounded files: each
 * retries EINTR and returns 0 or a negative errno. */
#ifndef KETTLE_LIB_IO_H
#define KETTLE_LIB_IO_H

#include <stddef.h>
#include <stdint.h>

/* Writes all len bytes (send() with MSG_NOSIGNAL on sockets, so a closed
 * peer is -EPIPE, not a signal). A socket timeout is -ETIMEDOUT. */
int write_all(int fd, const void *buf, size_t len);
/* Reads exactly len bytes; end of file first is -EPIPE, a socket timeout
 * -ETIMEDOUT. */
int read_all(int fd, void *buf, size_t len);
/* A whole regular file of at most max bytes, malloc'd with one spare NUL
 * byte after the data. -EISDIR for a directory, -EINVAL for another
 * non-regular file, -EFBIG above max (also when it grows while read). */
int read_file_max(const char *path, size_t max, uint8_t **out, size_t *len);

#endif
