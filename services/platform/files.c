/* SPDX-License-Identifier: Apache-2.0 */
/* File helpers: exclusive creation, atomic replacement, bounded reads. */
#include "services/platform/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int path_join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int file_create(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	int rc = write_all(fd, data, len);
	if (!rc && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && !rc)
		rc = -errno;
	return rc;
}

int file_create_json(const char *path, json_t *value, mode_t mode)
{
	char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		return -ENOMEM;
	size_t n = strlen(text);
	char *line = realloc(text, n + 2);
	if (!line) {
		free(text);
		return -ENOMEM;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	int rc = file_create(path, line, n + 1, mode);
	free(line);
	return rc;
}

int file_replace(const char *path, const char *text, mode_t mode)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	int rc = file_create(tmp, text, strlen(text), mode);
	if (!rc && rename(tmp, path) != 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

json_t *file_read_json(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	enum { MAX = 1 << 20 };
	char *buf = malloc(MAX + 1);
	size_t n = buf ? fread(buf, 1, MAX + 1, f) : 0;
	fclose(f);
	if (!buf || n > MAX) {
		free(buf);
		errno = buf ? EFBIG : ENOMEM;
		return NULL;
	}
	json_t *v = json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	if (!v)
		errno = EINVAL;
	return v;
}
