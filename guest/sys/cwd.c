/* SPDX-License-Identifier: Apache-2.0 */
/* The working directory: getcwd, chdir, fchdir. It starts at the root;
 * relative paths and AT_FDCWD start from it. */

#include "guest/sys/sys_internal.h"

/* Builds the absolute path of a directory from the end of buf backwards;
 * returns where it starts, or NULL if it does not fit. */
static char *dir_path(const struct sys_task *t, size_t dir, char *buf, size_t cap)
{
	char *p = buf + cap - 1;

	*p = 0;
	if (dir == 0)
		*--p = '/';
	for (size_t n = dir; n != 0; n = t->nodes[n].parent) {
		size_t len = sys_strlen(t->nodes[n].name);

		if ((size_t)(p - buf) < len + 1)
			return NULL;
		p -= len;
		memcpy(p, t->nodes[n].name, len);
		*--p = '/';
	}
	return p;
}

int64_t sys_getcwd(struct sys_task *t, const uint64_t a[6])
{
	char buf[SYS_PATH_MAX];
	char *p = dir_path(t, t->cwd, buf, sizeof buf);
	size_t len;

	if (!p)
		return -LX_ENAMETOOLONG;
	len = sys_strlen(p) + 1;
	if (a[1] < len)
		return -LX_ERANGE;
	if (sys_mem_write(t, a[0], p, len) < 0)
		return -LX_EFAULT;
	return (int64_t)len;
}

int64_t sys_chdir(struct sys_task *t, const uint64_t a[6])
{
	struct sys_walk w;
	int rc = sys_vfs_resolve(t, LX_AT_FDCWD, a[0], &w);

	if (rc < 0)
		return rc;
	if (w.node < 0)
		return -LX_ENOENT;
	if (!t->nodes[w.node].is_dir)
		return -LX_ENOTDIR;
	t->cwd = (size_t)w.node;
	return 0;
}

int64_t sys_fchdir(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);

	if (!f)
		return -LX_EBADF;
	if (f->kind != SYS_FILE_NODE || !t->nodes[f->node].is_dir)
		return -LX_ENOTDIR;
	t->cwd = f->node;
	return 0;
}
