/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/harness/tmp.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

int harness_temp_dir(char *out, size_t len, const char *tag)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(out, len, "%s/kettle-%s-XXXXXX",
			 base && *base ? base : "/tmp", tag);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return mkdtemp(out) ? 0 : -errno;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void harness_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
