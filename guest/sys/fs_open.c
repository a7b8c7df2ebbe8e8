/* SPDX-License-Identifier: Apache-2.0 */
/* Opening and descriptor management: open, openat, close, dup, dup2, dup3,
 * fcntl, ioctl. */

#include "guest/sys/sys_internal.h"

/* The kernel's O_LARGEFILE: the host headers define it as 0 on x86-64, but
 * Linux sets this bit on every 64-bit open and F_GETFL reports it. */
#define KERNEL_O_LARGEFILE 0100000

/* Flags an open description remembers for F_GETFL; the creation-time ones
 * are spent by open itself. */
#define KEPT_FLAGS (LX_O_ACCMODE | LX_O_APPEND | LX_O_NONBLOCK | LX_O_DIRECTORY | LX_O_NOATIME)
#define SETFL_FLAGS (LX_O_APPEND | LX_O_NONBLOCK | LX_O_NOATIME)

static int free_slot_exists(const struct sys_task *t)
{
	for (unsigned i = 0; i < t->n_fds; i++)
		if (!t->fds[i].file)
			return 1;
	return 0;
}

/* Finds or creates the node an open names, with Linux's checks in
 * Linux's order. */
static int64_t open_node(struct sys_task *t, int64_t dirfd, uint64_t path, int flags)
{
	struct sys_walk w;
	const struct sys_node *n;
	int acc = flags & LX_O_ACCMODE;
	size_t idx;
	int rc = sys_vfs_resolve(t, dirfd, path, &w);

	if (rc < 0)
		return rc;
	if (w.node < 0) {
		if (!(flags & LX_O_CREAT))
			return -LX_ENOENT;
		rc = sys_vfs_create_output(t, &w, &idx);
		return rc < 0 ? rc : (int64_t)idx;
	}
	if ((flags & (LX_O_CREAT | LX_O_EXCL)) == (LX_O_CREAT | LX_O_EXCL))
		return -LX_EEXIST;
	n = &t->nodes[w.node];
	if (n->is_dir) {
		if (acc != LX_O_RDONLY || (flags & (LX_O_CREAT | LX_O_TRUNC)))
			return -LX_EISDIR;
		return w.node;
	}
	if (flags & LX_O_DIRECTORY)
		return -LX_ENOTDIR;
	if ((acc != LX_O_RDONLY || (flags & LX_O_TRUNC)) && !n->writable && !n->device)
		return -LX_EROFS;
	return w.node;
}

static int64_t do_open(struct sys_task *t, int64_t dirfd, uint64_t path, uint64_t flags64)
{
	int flags = (int)flags64;
	struct sys_file *f;
	int64_t node;
	int fd;

	if ((flags & LX_O_ACCMODE) == LX_O_ACCMODE)
		return -LX_EINVAL;
	if ((flags & LX_O_TMPFILE) == LX_O_TMPFILE)
		return -LX_EOPNOTSUPP;
	if (!free_slot_exists(t))
		return -LX_EMFILE;
	node = open_node(t, dirfd, path, flags);
	if (node < 0)
		return node;
	if ((flags & LX_O_TRUNC) && t->nodes[node].writable && !t->nodes[node].is_dir)
		t->nodes[node].len = 0;
	f = sys_file_new(t, SYS_FILE_NODE, (size_t)node, (flags & KEPT_FLAGS) | KERNEL_O_LARGEFILE);
	if (!f)
		return -LX_ENOMEM;
	fd = sys_fd_install(t, f, 0, !!(flags & LX_O_CLOEXEC));
	if (fd < 0)
		sys_file_put(t, f);
	return fd;
}

int64_t sys_open(struct sys_task *t, const uint64_t a[6])
{
	return do_open(t, LX_AT_FDCWD, a[0], a[1]);
}

int64_t sys_openat(struct sys_task *t, const uint64_t a[6])
{
	return do_open(t, (int32_t)a[0], a[1], a[2]);
}

int64_t sys_close(struct sys_task *t, const uint64_t a[6])
{
	return sys_fd_close(t, (int32_t)a[0]);
}

static int64_t dup_from(struct sys_task *t, int64_t oldfd, unsigned min_fd, int cloexec)
{
	struct sys_file *f = sys_fd_get(t, oldfd);
	int fd;

	if (!f)
		return -LX_EBADF;
	f->refs++;
	fd = sys_fd_install(t, f, min_fd, cloexec);
	if (fd < 0)
		sys_file_put(t, f);
	return fd;
}

int64_t sys_dup(struct sys_task *t, const uint64_t a[6])
{
	return dup_from(t, (int32_t)a[0], 0, 0);
}

static int64_t dup_onto(struct sys_task *t, int64_t oldfd, int64_t newfd, int cloexec)
{
	struct sys_file *f = sys_fd_get(t, oldfd);

	if (!f || newfd < 0 || newfd >= (int64_t)t->n_fds)
		return -LX_EBADF;
	f->refs++;
	sys_fd_close(t, newfd);
	t->fds[newfd].file = f;
	t->fds[newfd].cloexec = cloexec;
	return newfd;
}

int64_t sys_dup2(struct sys_task *t, const uint64_t a[6])
{
	int64_t oldfd = (int32_t)a[0], newfd = (int32_t)a[1];

	if (oldfd == newfd)
		return sys_fd_get(t, oldfd) ? newfd : -LX_EBADF;
	return dup_onto(t, oldfd, newfd, 0);
}

int64_t sys_dup3(struct sys_task *t, const uint64_t a[6])
{
	int64_t oldfd = (int32_t)a[0], newfd = (int32_t)a[1];

	if (a[2] & ~(uint64_t)LX_O_CLOEXEC)
		return -LX_EINVAL;
	if (oldfd == newfd)
		return -LX_EINVAL;
	return dup_onto(t, oldfd, newfd, !!(a[2] & LX_O_CLOEXEC));
}

int64_t sys_fcntl(struct sys_task *t, const uint64_t a[6])
{
	int64_t fd = (int32_t)a[0];
	struct sys_file *f = sys_fd_get(t, fd);

	if (!f)
		return -LX_EBADF;
	switch ((int)a[1]) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		if (a[2] >= t->n_fds)
			return -LX_EINVAL;
		return dup_from(t, fd, (unsigned)a[2], (int)a[1] == LX_F_DUPFD_CLOEXEC);
	case LX_F_GETFD:
		return t->fds[fd].cloexec ? LX_FD_CLOEXEC : 0;
	case LX_F_SETFD:
		t->fds[fd].cloexec = !!(a[2] & LX_FD_CLOEXEC);
		return 0;
	case LX_F_GETFL:
		return f->flags;
	case LX_F_SETFL:
		f->flags = (f->flags & ~SETFL_FLAGS) | ((int)a[2] & SETFL_FLAGS);
		return 0;
	default:
		return -LX_EINVAL;
	}
}

/* Nothing here is a terminal, so every request but the close-on-exec pair
 * is "not a typewriter"; libcs take that to mean "not interactive". */
int64_t sys_ioctl(struct sys_task *t, const uint64_t a[6])
{
	int64_t fd = (int32_t)a[0];

	if (!sys_fd_get(t, fd))
		return -LX_EBADF;
	switch ((uint32_t)a[1]) {
	case LX_FIOCLEX:
		t->fds[fd].cloexec = 1;
		return 0;
	case LX_FIONCLEX:
		t->fds[fd].cloexec = 0;
		return 0;
	default:
		return -LX_ENOTTY;
	}
}
