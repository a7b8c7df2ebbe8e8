/* Calls that would reshape the tree. The tree only ever grows by files
 * created in /output, and an output once created is part of the result,
 * so directories are never made and nothing is removed or renamed: an
 * existing target gets Linux's "exists"/"is a directory" answer, anything
 * else "read-only file system". */
#include <errno.h>
#include <fcntl.h>

#include "sys_internal.h"

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
