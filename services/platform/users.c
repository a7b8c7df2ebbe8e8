/* SPDX-License-Identifier: Apache-2.0 */
/* Per-service users; see users.h. */
#include "services/platform/users.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#define BLOCKS (1u << 20) /* blocks of 16 ids */
#define TRIES 64

static int parse_id(const char *s, char **end, unsigned *out)
{
	errno = 0;
	unsigned long v = strtoul(s, end, 10);
	if (errno || *end == s || v == 0 || v > 0x7ffffffeul || s[0] == '-')
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int users_parse(const char *arg, struct service_user *u)
{
	const char *eq = strchr(arg, '=');
	static char names[16][64];
	static size_t used;
	char *end;
	unsigned uid, gid;
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(names[0]) || used == 16)
		return -EINVAL;
	if (parse_id(eq + 1, &end, &uid))
		return -EINVAL;
	gid = uid;
	if (*end == ':' && parse_id(end + 1, &end, &gid))
		return -EINVAL;
	if (*end)
		return -EINVAL;
	snprintf(names[used], sizeof(names[used]), "%.*s", (int)(eq - arg), arg);
	u->name = names[used++];
	u->uid = uid;
	u->gid = gid;
	return 0;
}

static int id_free(unsigned id)
{
	return !getpwuid(id) && !getgrgid(id);
}

int users_allocate(struct service_user *users, size_t n)
{
	if (n > 16)
		return -E2BIG;
	for (int t = 0; t < TRIES; t++) {
		unsigned r;
		if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
			return -EIO;
		unsigned base = USERS_FIRST_ID + 16 * (r % BLOCKS);
		int ok = 1;
		for (size_t i = 0; ok && i < n; i++)
			ok = id_free(base + (unsigned)i);
		if (!ok)
			continue;
		for (size_t i = 0; i < n; i++)
			if (!users[i].uid) {
				users[i].uid = base + (unsigned)i;
				users[i].gid = base + (unsigned)i;
			}
		return 0;
	}
	return -EAGAIN;
}

int users_own(const char *dir, const char *rel, const struct service_user *u,
	      mode_t mode)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	/* Not through a symbolic link someone placed in DIR. */
	if (lchown(path, u->uid, u->gid) != 0 || fchmodat(AT_FDCWD, path, mode, 0) != 0)
		return -errno;
	return 0;
}
