/* SPDX-License-Identifier: Apache-2.0 */
/* Metadata: the stat family, access, readlink, umask. */

#include "guest/sys/sys_internal.h"
#include "lib/bytes.h"

#define STAT_SIZE 144
#define STREAM_BLKSIZE 65536 /* glibc sizes stdio buffers by it: fewer exits */
#define FILE_BLKSIZE 4096

/* struct stat of x86-64 Linux, written field by field at its ABI offsets
 * so the host's own struct layout never matters. */
static int write_stat(struct sys_task *t, uint64_t gva, const struct sys_kstat *k)
{
	uint8_t b[STAT_SIZE] = { 0 };

	le64_put(b + 0, k->dev);
	le64_put(b + 8, k->ino);
	le64_put(b + 16, k->nlink);
	le32_put(b + 24, k->mode);
	le32_put(b + 28, k->uid);
	le32_put(b + 32, k->gid);
	le64_put(b + 40, k->rdev);
	le64_put(b + 48, (uint64_t)k->size);
	le64_put(b + 56, (uint64_t)k->blksize);
	le64_put(b + 64, (uint64_t)k->blocks);
	return sys_mem_write(t, gva, b, sizeof b);
}

void sys_stat_node(const struct sys_task *t, size_t idx, struct sys_kstat *k)
{
	const struct sys_node *n = &t->nodes[idx];

	memset(k, 0, sizeof *k);
	k->dev = 1;
	k->ino = idx + 1;
	k->uid = SYS_UID;
	k->gid = SYS_GID;
	k->blksize = FILE_BLKSIZE;
	if (n->is_dir) {
		k->mode = LX_S_IFDIR | (n->writable ? 0755 : 0555);
		k->nlink = 2;
		k->size = FILE_BLKSIZE;
	} else if (n->device) {
		k->mode = LX_S_IFCHR | 0666;
		k->nlink = 1;
		k->rdev = sys_dev_rdev(n);
	} else {
		k->mode = LX_S_IFREG | (n->writable ? 0644 : 0444);
		k->nlink = 1;
		k->size = (int64_t)n->len;
	}
	k->blocks = (k->size + 511) / 512;
}

/* stdin, stdout and stderr look like pipes: not terminals, not seekable. */
void sys_stat_file(const struct sys_task *t, const struct sys_file *f, struct sys_kstat *k)
{
	if (f->kind == SYS_FILE_NODE) {
		sys_stat_node(t, f->node, k);
		return;
	}
	memset(k, 0, sizeof *k);
	k->dev = 2;
	k->ino = f->kind == SYS_FILE_STDIN ? 1 : (uint64_t)f->stream_fd + 1;
	k->nlink = 1;
	k->mode = LX_S_IFIFO | 0600;
	k->uid = SYS_UID;
	k->gid = SYS_GID;
	k->blksize = STREAM_BLKSIZE;
}

int64_t sys_fstat(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	struct sys_kstat k;

	if (!f)
		return -LX_EBADF;
	sys_stat_file(t, f, &k);
	return write_stat(t, a[1], &k);
}

static int64_t stat_path(struct sys_task *t, int64_t dirfd, uint64_t path, uint64_t buf)
{
	struct sys_walk w;
	struct sys_kstat k;
	int rc = sys_vfs_resolve(t, dirfd, path, &w);

	if (rc < 0)
		return rc;
	if (w.node < 0)
		return -LX_ENOENT;
	sys_stat_node(t, (size_t)w.node, &k);
	return write_stat(t, buf, &k);
}

int64_t sys_stat(struct sys_task *t, const uint64_t a[6])
{
	return stat_path(t, LX_AT_FDCWD, a[0], a[1]);
}

/* The tree has no symbolic links, so lstat is stat. */
int64_t sys_lstat(struct sys_task *t, const uint64_t a[6])
{
	return stat_path(t, LX_AT_FDCWD, a[0], a[1]);
}

/* True when the guest passed an empty path (or, as Linux 6.11 allows, a
 * NULL one) together with AT_EMPTY_PATH. */
static int empty_path(struct sys_task *t, uint64_t gva, int *err)
{
	const char *p;

	*err = 0;
	if (gva == 0)
		return 1;
	p = sys_mem(t, gva, 1);
	if (!p) {
		*err = -LX_EFAULT;
		return 0;
	}
	return *p == 0;
}

int64_t sys_newfstatat(struct sys_task *t, const uint64_t a[6])
{
	int64_t dirfd = (int32_t)a[0];
	uint64_t flags = a[3];
	int err = 0;

	if (flags & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | LX_AT_NO_AUTOMOUNT))
		return -LX_EINVAL;
	if ((flags & LX_AT_EMPTY_PATH) && empty_path(t, a[1], &err)) {
		struct sys_file *f;
		struct sys_kstat k;

		if (dirfd == LX_AT_FDCWD) {
			sys_stat_node(t, t->cwd, &k);
			return write_stat(t, a[2], &k);
		}
		f = sys_fd_get(t, dirfd);
		if (!f)
			return -LX_EBADF;
		sys_stat_file(t, f, &k);
		return write_stat(t, a[2], &k);
	}
	if (err)
		return err;
	return stat_path(t, dirfd, a[1], a[2]);
}

static int64_t check_access(struct sys_task *t, int64_t dirfd, uint64_t path, uint64_t mode)
{
	struct sys_walk w;
	const struct sys_node *n;
	int rc;

	if (mode & ~(uint64_t)(LX_R_OK | LX_W_OK | LX_X_OK))
		return -LX_EINVAL;
	rc = sys_vfs_resolve(t, dirfd, path, &w);
	if (rc < 0)
		return rc;
	if (w.node < 0)
		return -LX_ENOENT;
	n = &t->nodes[w.node];
	if ((mode & LX_W_OK) && !n->writable && !n->device)
		return -LX_EROFS;
	if ((mode & LX_X_OK) && !n->is_dir)
		return -LX_EACCES;
	return 0;
}

int64_t sys_access(struct sys_task *t, const uint64_t a[6])
{
	return check_access(t, LX_AT_FDCWD, a[0], a[1]);
}

int64_t sys_faccessat(struct sys_task *t, const uint64_t a[6])
{
	return check_access(t, (int32_t)a[0], a[1], a[2]);
}

int64_t sys_faccessat2(struct sys_task *t, const uint64_t a[6])
{
	if (a[3] & ~(uint64_t)(LX_AT_EACCESS | LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	return check_access(t, (int32_t)a[0], a[1], a[2]);
}

/* No node is a link: an existing path is -EINVAL, a missing one -ENOENT
 * (so /proc/self/exe is -ENOENT, which both libcs accept). */
static int64_t read_link(struct sys_task *t, int64_t dirfd, uint64_t path, int64_t size)
{
	struct sys_walk w;
	int rc;

	if (size <= 0)
		return -LX_EINVAL;
	rc = sys_vfs_resolve(t, dirfd, path, &w);
	if (rc < 0)
		return rc;
	return w.node < 0 ? -LX_ENOENT : -LX_EINVAL;
}

int64_t sys_readlink(struct sys_task *t, const uint64_t a[6])
{
	return read_link(t, LX_AT_FDCWD, a[0], (int32_t)a[2]);
}

int64_t sys_readlinkat(struct sys_task *t, const uint64_t a[6])
{
	return read_link(t, (int32_t)a[0], a[1], (int32_t)a[3]);
}

int64_t sys_umask(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return 022;
}
