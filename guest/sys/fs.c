/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing: read, write, readv, writev, pread64, lseek. */

#include "guest/sys/sys_internal.h"

#define IOV_MAX_COUNT 1024

static int readable(const struct sys_file *f)
{
	return (f->flags & LX_O_ACCMODE) != LX_O_WRONLY;
}

static int writable(const struct sys_file *f)
{
	return (f->flags & LX_O_ACCMODE) != LX_O_RDONLY;
}

/* Reads into host memory dst (already checked) at *pos for a node. */
int64_t sys_file_read(struct sys_task *t, struct sys_file *f, void *dst, uint64_t len, uint64_t *pos)
{
	const struct sys_node *n;
	uint64_t avail;

	if (!readable(f))
		return -LX_EBADF;
	if (f->kind == SYS_FILE_STDIN)
		return len ? t->ops.read_stdin(t->ctx, dst, (size_t)len) : 0;
	if (f->kind == SYS_FILE_STREAM)
		return -LX_EBADF;
	n = &t->nodes[f->node];
	if (n->is_dir)
		return -LX_EISDIR;
	if (n->device)
		return len ? sys_dev_read(t, n, dst, len) : 0;
	if (*pos >= n->len)
		return 0;
	avail = n->len - *pos;
	if (len > avail)
		len = avail;
	memcpy(dst, n->data + *pos, (size_t)len);
	*pos += len;
	return (int64_t)len;
}

static int64_t stream_write(struct sys_task *t, struct sys_file *f, const void *src, uint64_t len)
{
	int64_t granted = sys_output_grant(t, len, 1);
	int rc;

	if (granted <= 0)
		return granted;
	rc = t->ops.write_stream(t->ctx, f->stream_fd, src, (size_t)granted);
	if (rc < 0)
		return rc;
	sys_output_charge(t, (uint64_t)granted, len);
	return granted;
}

/* Writing past the end fills the gap with zeros; the gap counts against
 * the output budget too, so a seek to a huge offset cannot make the layer
 * allocate more than max_output. Writes at pos and returns the count. */
static int64_t node_write_at(struct sys_task *t, struct sys_node *n, uint64_t pos, const void *src, uint64_t len)
{
	uint64_t gap = pos > n->len ? pos - n->len : 0;
	uint64_t count;
	int64_t granted;

	if (len == 0)
		return 0;
	/* a write that cannot get past the gap writes nothing */
	granted = sys_output_grant(t, gap + len, gap + 1);
	if (granted < 0)
		return granted;
	count = (uint64_t)granted - gap;
	if (sys_node_reserve(t, n, pos + count) < 0)
		return -LX_ENOSPC;
	if (gap)
		memset(n->data + n->len, 0, (size_t)gap);
	memcpy(n->data + pos, src, (size_t)count);
	if (pos + count > n->len)
		n->len = (size_t)(pos + count);
	sys_output_charge(t, (uint64_t)granted, gap + len);
	return (int64_t)count;
}

static int64_t node_write(struct sys_task *t, struct sys_file *f, const void *src, uint64_t len)
{
	struct sys_node *n = &t->nodes[f->node];
	uint64_t pos = (f->flags & LX_O_APPEND) ? n->len : f->pos;
	int64_t done = node_write_at(t, n, pos, src, len);

	if (done > 0)
		f->pos = pos + (uint64_t)done;
	return done;
}

int64_t sys_file_write(struct sys_task *t, struct sys_file *f, const void *src, uint64_t len)
{
	if (!writable(f))
		return -LX_EBADF;
	if (f->kind == SYS_FILE_STREAM)
		return len ? stream_write(t, f, src, len) : 0;
	if (f->kind != SYS_FILE_NODE || t->nodes[f->node].is_dir)
		return -LX_EBADF;
	if (t->nodes[f->node].device)
		return (int64_t)len; /* swallowed, not output */
	return node_write(t, f, src, len);
}

int64_t sys_read(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	uint64_t len = a[2] > SYS_RW_MAX ? SYS_RW_MAX : a[2];
	void *dst;

	if (!f)
		return -LX_EBADF;
	if (len == 0)
		return readable(f) ? 0 : -LX_EBADF;
	dst = sys_mem(t, a[1], len);
	if (!dst)
		return -LX_EFAULT;
	return sys_file_read(t, f, dst, len, &f->pos);
}

int64_t sys_write(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	uint64_t len = a[2] > SYS_RW_MAX ? SYS_RW_MAX : a[2];
	const void *src;

	if (!f)
		return -LX_EBADF;
	if (len == 0)
		return sys_file_write(t, f, "", 0);
	src = sys_mem(t, a[1], len);
	if (!src)
		return -LX_EFAULT;
	return sys_file_write(t, f, src, len);
}

int64_t sys_pread64(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	uint64_t len = a[2] > SYS_RW_MAX ? SYS_RW_MAX : a[2];
	uint64_t pos = a[3];
	void *dst;

	if (!f)
		return -LX_EBADF;
	if ((int64_t)pos < 0)
		return -LX_EINVAL;
	if (f->kind != SYS_FILE_NODE)
		return -LX_ESPIPE;
	if (len == 0)
		return readable(f) ? 0 : -LX_EBADF;
	dst = sys_mem(t, a[1], len);
	if (!dst)
		return -LX_EFAULT;
	return sys_file_read(t, f, dst, len, &pos);
}

struct iov {
	uint64_t base, len;
};

/* Loads and checks the whole vector before anything moves, as Linux does:
 * a bad entry anywhere fails the call with nothing transferred. */
static int load_iov(struct sys_task *t, uint64_t gva, uint64_t cnt, struct iov *v)
{
	uint64_t total = 0;

	if (cnt > IOV_MAX_COUNT)
		return -LX_EINVAL;
	if (cnt && sys_mem_read(t, v, gva, cnt * sizeof *v) < 0)
		return -LX_EFAULT;
	for (uint64_t i = 0; i < cnt; i++) {
		if ((int64_t)v[i].len < 0 || v[i].len > INT64_MAX - total)
			return -LX_EINVAL;
		total += v[i].len;
		if (v[i].len && !sys_mem(t, v[i].base, v[i].len))
			return -LX_EFAULT;
	}
	return 0;
}

static int64_t vector_io(struct sys_task *t, const uint64_t a[6], int is_write)
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	struct iov v[IOV_MAX_COUNT];
	uint64_t done = 0;
	int rc;

	if (!f)
		return -LX_EBADF;
	rc = load_iov(t, a[1], a[2], v);
	if (rc < 0)
		return rc;
	if (is_write ? !writable(f) : !readable(f))
		return -LX_EBADF;
	for (uint64_t i = 0; i < a[2] && done < SYS_RW_MAX; i++) {
		uint64_t len = v[i].len;
		int64_t n;

		if (len == 0)
			continue;
		if (len > SYS_RW_MAX - done)
			len = SYS_RW_MAX - done;
		if (is_write)
			n = sys_file_write(t, f, sys_mem(t, v[i].base, len), len);
		else
			n = sys_file_read(t, f, sys_mem(t, v[i].base, len), len, &f->pos);
		if (n < 0)
			return done ? (int64_t)done : n;
		done += (uint64_t)n;
		if ((uint64_t)n < len)
			break;
	}
	return (int64_t)done;
}

int64_t sys_readv(struct sys_task *t, const uint64_t a[6])
{
	return vector_io(t, a, 0);
}

int64_t sys_writev(struct sys_task *t, const uint64_t a[6])
{
	return vector_io(t, a, 1);
}

int64_t sys_lseek(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	int64_t off = (int64_t)a[1], base;

	if (!f)
		return -LX_EBADF;
	if (f->kind != SYS_FILE_NODE)
		return -LX_ESPIPE;
	if (t->nodes[f->node].device) {
		f->pos = 0; /* character devices have no position */
		return 0;
	}
	switch (a[2]) {
	case LX_SEEK_SET:
		base = 0;
		break;
	case LX_SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case LX_SEEK_END:
		if (t->nodes[f->node].is_dir)
			return -LX_EINVAL;
		base = (int64_t)t->nodes[f->node].len;
		break;
	default:
		return -LX_EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -LX_EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

/* As on Linux, pwrite on an O_APPEND file appends. */
int64_t sys_pwrite64(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	uint64_t len = a[2] > SYS_RW_MAX ? SYS_RW_MAX : a[2];
	const void *src;
	struct sys_node *n;

	if (!f)
		return -LX_EBADF;
	if ((int64_t)a[3] < 0)
		return -LX_EINVAL;
	if (f->kind != SYS_FILE_NODE)
		return -LX_ESPIPE;
	n = &t->nodes[f->node];
	if (!writable(f) || n->is_dir)
		return -LX_EBADF;
	if (len == 0)
		return 0;
	src = sys_mem(t, a[1], len);
	if (!src)
		return -LX_EFAULT;
	if (n->device)
		return (int64_t)len;
	return node_write_at(t, n, (f->flags & LX_O_APPEND) ? n->len : a[3], src, len);
}

/* Growing counts against the output budget like a write of zeros. */
int64_t sys_ftruncate(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	struct sys_node *n;
	int64_t granted;

	if (!f)
		return -LX_EBADF;
	if ((int64_t)a[1] < 0)
		return -LX_EINVAL;
	if (f->kind != SYS_FILE_NODE || !t->nodes[f->node].writable || t->nodes[f->node].is_dir || !writable(f))
		return -LX_EINVAL;
	n = &t->nodes[f->node];
	if (a[1] <= n->len) {
		n->len = (size_t)a[1];
		return 0;
	}
	/* growing is all or nothing */
	granted = sys_output_grant(t, a[1] - n->len, a[1] - n->len);
	if (granted < 0)
		return granted;
	if (sys_node_reserve(t, n, a[1]) < 0)
		return -LX_ENOSPC;
	memset(n->data + n->len, 0, (size_t)(a[1] - n->len));
	n->len = (size_t)a[1];
	sys_output_charge(t, (uint64_t)granted, (uint64_t)granted);
	return 0;
}

/* Nothing is buffered below the layer: syncing is checking the fd. */
int64_t sys_fsync(struct sys_task *t, const uint64_t a[6])
{
	return sys_fd_get(t, (int32_t)a[0]) ? 0 : -LX_EBADF;
}
