/* SPDX-License-Identifier: Apache-2.0 */
/* Calls that would reshape the tree. The tree only ever grows by files
 * created in /output, and an output once created is part of the result,
 * so directories are never made and nothing is removed or renamed: an
 * existing target gets Linux's "exists"/"is a directory" answer, anything
 * else "read-only file system". */

#include "guest/sys/sys_internal.h"

static int64_t make_dir(struct sys_task *t, int64_t dirfd, uint64_t path)
{
	struct sys_walk w;
	int rc = sys_vfs_resolve(t, dirfd, path, &w);

	if (rc < 0)
		return rc;
	return w.node >= 0 ? -LX_EEXIST : -LX_EROFS;
}

int64_t sys_mkdir(struct sys_task *t, const uint64_t a[6])
{
	return make_dir(t, LX_AT_FDCWD, a[0]);
}

int64_t sys_mkdirat(struct sys_task *t, const uint64_t a[6])
{
	return make_dir(t, (int32_t)a[0], a[1]);
}

static int64_t remove_path(struct sys_task *t, int64_t dirfd, uint64_t path, int want_dir)
{
	struct sys_walk w;
	int rc = sys_vfs_resolve(t, dirfd, path, &w);

	if (rc < 0)
		return rc;
	if (w.node < 0)
		return -LX_ENOENT;
	if (t->nodes[w.node].is_dir && !want_dir)
		return -LX_EISDIR;
	if (!t->nodes[w.node].is_dir && want_dir)
		return -LX_ENOTDIR;
	return -LX_EROFS;
}

int64_t sys_unlink(struct sys_task *t, const uint64_t a[6])
{
	return remove_path(t, LX_AT_FDCWD, a[0], 0);
}

int64_t sys_rmdir(struct sys_task *t, const uint64_t a[6])
{
	return remove_path(t, LX_AT_FDCWD, a[0], 1);
}

int64_t sys_unlinkat(struct sys_task *t, const uint64_t a[6])
{
	if (a[2] & ~(uint64_t)LX_AT_REMOVEDIR)
		return -LX_EINVAL;
	return remove_path(t, (int32_t)a[0], a[1], !!(a[2] & LX_AT_REMOVEDIR));
}

int64_t sys_rename(struct sys_task *t, const uint64_t a[6])
{
	int64_t rc = remove_path(t, LX_AT_FDCWD, a[0], 0);

	return rc == -LX_EISDIR ? -LX_EROFS : rc;
}

/* Timestamps are not kept (every node reads as 1970), so setting them
 * succeeds where a write would be allowed and is EROFS elsewhere; touch
 * then creates a missing output through open. */
int64_t sys_utimensat(struct sys_task *t, const uint64_t a[6])
{
	int64_t dirfd = (int32_t)a[0];
	uint8_t times[32];
	size_t node;

	if (a[3] & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	if (a[2] && sys_mem_read(t, times, a[2], sizeof times) < 0)
		return -LX_EFAULT;
	if (a[1] == 0) {
		struct sys_file *f = sys_fd_get(t, dirfd);

		if (!f)
			return -LX_EBADF;
		if (f->kind != SYS_FILE_NODE)
			return 0;
		node = f->node;
	} else {
		struct sys_walk w;
		int rc = sys_vfs_resolve(t, dirfd, a[1], &w);

		if (rc < 0)
			return rc;
		if (w.node < 0)
			return -LX_ENOENT;
		node = (size_t)w.node;
	}
	return t->nodes[node].writable ? 0 : -LX_EROFS;
}
