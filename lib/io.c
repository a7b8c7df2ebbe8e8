/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int sock = 1;
	while (len) {
		ssize_t n = sock ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
		if (n < 0 && sock && errno == ENOTSOCK) {
			sock = 0;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads to end of file into a buffer sized from fstat, growing it (up to
 * max + 1 bytes, to notice growth past max) only if the file grew. */
static int read_to_end(int fd, size_t size, size_t max, uint8_t **out,
		       size_t *len)
{
	size_t cap = size + 1, got = 0;
	uint8_t *buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (got == cap) {
			size_t more = cap > max / 2 ? max + 1 : cap * 2;
			uint8_t *nb = more > cap ? realloc(buf, more + 1) : NULL;
			if (!nb) {
				free(buf);
				return more > cap ? -ENOMEM : -EFBIG;
			}
			buf = nb;
			cap = more;
		}
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;
			free(buf);
			return rc;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[got] = 0;
	*out = buf;
	*len = got;
	return 0;
}

int read_file_max(const char *path, size_t max, uint8_t **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	int rc;
	if (fstat(fd, &st) != 0)
		rc = -errno;
	else if (S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		rc = -EINVAL;
	else if ((uint64_t)st.st_size > max)
		rc = -EFBIG;
	else
		rc = read_to_end(fd, (size_t)st.st_size, max, out, len);
	close(fd);
	return rc;
}
