/* Calls that would reshape the tree. The tree only ever grows by files
 * created in /output, and an output once created is part of the result,
 * so directories are never made and nothing is removed or renamed: an
 * existing target gets Linux's "exists"/"is a directory" answer, anything
 * else "read-only file system". */
#include <errno.h>
#include <fcntl.h>

#include "guest/sys/sys_internal.h"

static int64_t make_dir(struct sys_task *t, int64_t dirfd, uint64_t path)
{
	struct sys_walk w;
	int rc = sys_vfs_resolve(t, dirfd, path, &w);

	if (rc < 0)
		return rc;
	return w.node >= 0 ? -EEXIST : -EROFS;
}

SYS_HANDLER(sys_mkdir)
{
	return make_dir(t, AT_FDCWD, a[0]);
}

SYS_HANDLER(sys_mkdirat)
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
		return -ENOENT;
	if (t->nodes[w.node].is_dir && !want_dir)
		return -EISDIR;
	if (!t->nodes[w.node].is_dir && want_dir)
		return -ENOTDIR;
	return -EROFS;
}

SYS_HANDLER(sys_unlink)
{
	return remove_path(t, AT_FDCWD, a[0], 0);
}

SYS_HANDLER(sys_rmdir)
{
	return remove_path(t, AT_FDCWD, a[0], 1);
}

SYS_HANDLER(sys_unlinkat)
{
	if (a[2] & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return remove_path(t, (int32_t)a[0], a[1], !!(a[2] & AT_REMOVEDIR));
}

SYS_HANDLER(sys_rename)
{
	int64_t rc = remove_path(t, AT_FDCWD, a[0], 0);

	return rc == -EISDIR ? -EROFS : rc;
}

/* Timestamps are not kept (every node reads as 1970), so setting them
 * succeeds where a write would be allowed and is EROFS elsewhere; touch
 * then creates a missing output through open. */
SYS_HANDLER(sys_utimensat)
{
	int64_t dirfd = (int32_t)a[0];
	uint8_t times[32];
	size_t node;

	if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a[2] && sys_mem_read(t, times, a[2], sizeof times) < 0)
		return -EFAULT;
	if (a[1] == 0) {
		struct sys_file *f = sys_fd_get(t, dirfd);

		if (!f)
			return -EBADF;
		if (f->kind != SYS_FILE_NODE)
			return 0;
		node = f->node;
	} else {
		struct sys_walk w;
		int rc = sys_vfs_resolve(t, dirfd, a[1], &w);

		if (rc < 0)
			return rc;
		if (w.node < 0)
			return -ENOENT;
		node = (size_t)w.node;
	}
	return t->nodes[node].writable ? 0 : -EROFS;
}
