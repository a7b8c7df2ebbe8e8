/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/harness/file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/io.h"

char *harness_read_file(const char *path, size_t *len)
{
	uint8_t *data = NULL;
	size_t n = 0;

	if (read_file_max(path, HARNESS_FILE_MAX, &data, &n) < 0)
		return NULL;
	if (len)
		*len = n;
	return (char *)data;
}

char *harness_read_file_in(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	return harness_read_file(path, len);
}
