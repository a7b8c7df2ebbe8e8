/* SPDX-License-Identifier: Apache-2.0 */
/* What the VMM offers the syscall layer: stdin, stdout/stderr (passed
 * through or captured), clocks, sleeping and randomness bounded by the
 * task's deadline, the FS base register, dropping freed guest pages, and
 * the layer's own memory from the VMM's heap. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "guest/sys/libc_memory.h"
#include "lib/io.h"
#include "vmm/layout.h"
#include "vmm/task.h"

int64_t host_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int host_buf_append(struct vmm_buf *b, const void *data, size_t len)
{
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->len < len)
			cap *= 2;
		uint8_t *p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

static int64_t remaining_ns(struct vmm_task *t)
{
	int64_t left = t->deadline_ns - host_now_ns();
	return left > 0 ? left : 0;
}

static int64_t host_read_stdin(void *ctx, void *buf, size_t len)
{
	struct vmm_task *t = ctx;
	struct pollfd p = { .fd = 0, .events = POLLIN };
	/* Waiting for input must not outlive the task's wall-time limit. */
	for (;;) {
		int64_t left = remaining_ns(t);
		int ms = (int)(left / 1000000 + (left % 1000000 != 0));
		int n = poll(&p, 1, ms);
		if (n == 0 || left == 0) {
			t->timed_out = 1;
			return -EINTR;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		ssize_t got = read(0, buf, len);
		if (got < 0 && errno == EINTR)
			continue;
		return got < 0 ? -errno : got;
	}
}

static int host_write_stream(void *ctx, int fd, const void *buf, size_t len)
{
	struct vmm_task *t = ctx;
	if (fd != 1 && fd != 2)
		return -EBADF;
	if (t->stream_hash[fd - 1] && !EVP_DigestUpdate(t->stream_hash[fd - 1], buf, len))
		return -EIO;
	if (t->o->capture)
		return host_buf_append(fd == 1 ? &t->r->out : &t->r->err, buf, len);
	return write_all(fd, buf, len);
}

static int64_t host_clock_ns(void *ctx, int clock_id)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(clock_id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void host_sleep_ns(void *ctx, int64_t ns)
{
	struct vmm_task *t = ctx;
	int64_t left = remaining_ns(t);
	if (ns > left) {
		ns = left;
		t->timed_out = 1;
	}
	struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !t->timed_out)
		;
}

static int host_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	uint8_t *p = buf;
	while (len) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int host_set_fs_base(void *ctx, uint64_t base)
{
	struct vmm_task *t = ctx;
	return kvm_set_fs_base(&t->kvm, base);
}

static void host_discard(void *ctx, uint64_t gva, uint64_t len)
{
	struct vmm_task *t = ctx;
	uint8_t *p = gmem_ptr(&t->mem, gva, len);
	/* Private anonymous memory reads back as zero after MADV_DONTNEED. */
	if (p && gva % GUEST_PAGE == 0 && len % GUEST_PAGE == 0 && madvise(p, len, MADV_DONTNEED) == 0)
		return;
	if (p)
		memset(p, 0, len);
}

static void host_log(void *ctx, const char *line)
{
	struct vmm_task *t = ctx;
	if (t->o->verbose)
		fprintf(stderr, "kettle-vmm: %s\n", line);
}

const struct sys_ops host_sys_ops = {
	.read_stdin = host_read_stdin,
	.write_stream = host_write_stream,
	.clock_ns = host_clock_ns,
	.sleep_ns = host_sleep_ns,
	.random = host_random,
	.set_fs_base = host_set_fs_base,
	.discard = host_discard,
	.log = host_log,
	.alloc = sys_libc_alloc,
	.resize = sys_libc_resize,
	.release = sys_libc_release,
};
