/* SPDX-License-Identifier: Apache-2.0 */
/* statx: the same facts as the stat family in the statx layout. Rust's
 * standard library asks statx first. */

#include "guest/sys/sys_internal.h"

#define STATX_SIZE 256
#define STATX_BASIC 0x7ffu /* type, mode, nlink, uid, gid, times, ino, size, blocks */
#define STATX_FLAGS (LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | LX_AT_NO_AUTOMOUNT | 0x6000 /* sync type */)

static int write_statx(struct sys_task *t, uint64_t gva, const struct sys_kstat *k)
{
	uint8_t b[STATX_SIZE] = { 0 };
	uint32_t mask = STATX_BASIC, blksize = (uint32_t)k->blksize, nlink = (uint32_t)k->nlink;
	uint16_t mode = (uint16_t)k->mode;
	uint32_t dev_minor = (uint32_t)k->dev;

	memcpy(b + 0, &mask, 4);
	memcpy(b + 4, &blksize, 4);
	memcpy(b + 16, &nlink, 4);
	memcpy(b + 20, &k->uid, 4);
	memcpy(b + 24, &k->gid, 4);
	memcpy(b + 28, &mode, 2);
	memcpy(b + 32, &k->ino, 8);
	memcpy(b + 40, &k->size, 8);
	memcpy(b + 48, &k->blocks, 8);
	memcpy(b + 140, &dev_minor, 4);
	return sys_mem_write(t, gva, b, sizeof b);
}

int64_t sys_statx(struct sys_task *t, const uint64_t a[6])
{
	int64_t dirfd = (int32_t)a[0];
	struct sys_kstat k;
	struct sys_walk w;
	const char *p;
	int rc;

	if (a[2] & ~(uint64_t)STATX_FLAGS)
		return -LX_EINVAL;
	if (a[1] == 0 && !(a[2] & LX_AT_EMPTY_PATH))
		return -LX_EFAULT;
	p = a[1] ? sys_mem(t, a[1], 1) : "";
	if (!p)
		return -LX_EFAULT;
	if (*p == 0 && (a[2] & LX_AT_EMPTY_PATH)) {
		struct sys_file *f = dirfd == LX_AT_FDCWD ? NULL : sys_fd_get(t, dirfd);

		if (dirfd != LX_AT_FDCWD && !f)
			return -LX_EBADF;
		if (f)
			sys_stat_file(t, f, &k);
		else
			sys_stat_node(t, t->cwd, &k);
		return write_statx(t, a[4], &k);
	}
	rc = sys_vfs_resolve(t, dirfd, a[1], &w);
	if (rc < 0)
		return rc;
	if (w.node < 0)
		return -LX_ENOENT;
	sys_stat_node(t, (size_t)w.node, &k);
	return write_statx(t, a[4], &k);
}
