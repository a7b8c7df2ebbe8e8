/* SPDX-License-Identifier: Apache-2.0 */
/* A fake host for the syscall layer's tests: guest memory is a calloc'd
 * buffer, the streams are byte arrays, the clock is a number the test sets.
 * Each test binary includes this once. */
#ifndef KETTLE_TESTS_GUEST_SYS_FAKE_H
#define KETTLE_TESTS_GUEST_SYS_FAKE_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest/sys/sys.h"
#include "guest/sys/libc_memory.h"
#include "tests/tap.h"

#define MEM_SIZE (32ull << 20)
#define USER_LO 0x10000ull
#define SCRATCH 0x100000ull
#define HEAP_LO (8ull << 20)
#define HEAP_HI (24ull << 20)
#define PAGE 4096ull

struct fake {
	uint8_t *mem;
	struct sys_task *t;
	uint8_t out[3][1 << 16];
	size_t out_len[3];
	const char *in;
	size_t in_len, in_pos;
	int64_t clock[2];
	int64_t slept;
	uint64_t fs_base;
	int random_calls;
	int logs;
	char last_log[256];
	uint64_t discarded;
	int stream_error;
	uint64_t scratch; /* bump pointer for guest strings and buffers */
};

static int64_t fake_read_stdin(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;
	size_t n = f->in_len - f->in_pos;

	if (n > len)
		n = len;
	memcpy(buf, f->in + f->in_pos, n);
	f->in_pos += n;
	return (int64_t)n;
}

static int fake_write_stream(void *ctx, int fd, const void *buf, size_t len)
{
	struct fake *f = ctx;

	if (f->stream_error)
		return -EIO;
	if (fd < 1 || fd > 2 || len > sizeof f->out[fd] - f->out_len[fd])
		return -ENOSPC;
	memcpy(f->out[fd] + f->out_len[fd], buf, len);
	f->out_len[fd] += len;
	return 0;
}

static int64_t fake_clock(void *ctx, int id)
{
	struct fake *f = ctx;

	return f->clock[id ? 1 : 0];
}

static void fake_sleep(void *ctx, int64_t ns)
{
	struct fake *f = ctx;

	/* saturating: a wait for the deadline passes INT64_MAX */
	f->slept = ns > INT64_MAX - f->slept ? INT64_MAX : f->slept + ns;
	for (int i = 0; i < 2; i++)
		f->clock[i] = ns > INT64_MAX - f->clock[i] ? INT64_MAX : f->clock[i] + ns;
}

static int fake_random(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;

	f->random_calls++;
	memset(buf, 0xA5, len);
	return 0;
}

static int fake_set_fs(void *ctx, uint64_t base)
{
	struct fake *f = ctx;

	f->fs_base = base;
	return 0;
}

static void fake_discard(void *ctx, uint64_t gva, uint64_t len)
{
	struct fake *f = ctx;

	memset(f->mem + gva, 0, len);
	f->discarded += len;
}

static void fake_log(void *ctx, const char *line)
{
	struct fake *f = ctx;

	f->logs++;
	snprintf(f->last_log, sizeof f->last_log, "%s", line);
}

static const struct sys_ops fake_ops = {
	.read_stdin = fake_read_stdin,
	.write_stream = fake_write_stream,
	.clock_ns = fake_clock,
	.sleep_ns = fake_sleep,
	.random = fake_random,
	.set_fs_base = fake_set_fs,
	.discard = fake_discard,
	.log = fake_log,
	.alloc = sys_libc_alloc,
	.resize = sys_libc_resize,
	.release = sys_libc_release,
};

static inline struct sys_config fake_config(uint8_t *mem)
{
	struct sys_config c = {
		.mem = { .base = mem, .size = MEM_SIZE, .user_lo = USER_LO, .user_hi = MEM_SIZE },
		.heap_lo = HEAP_LO,
		.heap_hi = HEAP_HI,
		.brk_start = HEAP_LO,
		.max_output = 1 << 20,
		.max_output_files = 4,
		.max_open_files = 16,
		.hostname = "testhost",
	};
	return c;
}

/* Sets up a task with cfg (or the default one when NULL). */
static inline struct fake *fake_new(const struct sys_config *cfg)
{
	struct fake *f = calloc(1, sizeof *f);
	struct sys_config c;

	if (!f)
		abort();
	f->mem = calloc(1, MEM_SIZE);
	if (!f->mem)
		abort();
	c = cfg ? *cfg : fake_config(f->mem);
	c.mem.base = f->mem;
	f->t = sys_task_new(&c, &fake_ops, f);
	if (!f->t)
		abort();
	f->scratch = SCRATCH;
	return f;
}

static inline void fake_free(struct fake *f)
{
	sys_task_free(f->t);
	free(f->mem);
	free(f);
}

/* Guest copy of len bytes (or a string with its NUL when len is 0). */
static inline uint64_t gput(struct fake *f, const void *data, size_t len)
{
	uint64_t at = f->scratch;

	if (len == 0)
		len = strlen(data) + 1;
	memcpy(f->mem + at, data, len);
	f->scratch = (f->scratch + len + 15) & ~15ull;
	return at;
}

/* Guest buffer of len zero bytes. */
static inline uint64_t gbuf(struct fake *f, size_t len)
{
	uint64_t at = f->scratch;

	memset(f->mem + at, 0, len);
	f->scratch = (f->scratch + len + 15) & ~15ull;
	return at;
}

static inline int64_t sc(struct fake *f, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		  uint64_t a5)
{
	const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };

	return sys_dispatch(f->t, nr, args);
}

#define SC0(f, nr) sc(f, nr, 0, 0, 0, 0, 0, 0)
#define SC1(f, nr, a) sc(f, nr, (uint64_t)(a), 0, 0, 0, 0, 0)
#define SC2(f, nr, a, b) sc(f, nr, (uint64_t)(a), (uint64_t)(b), 0, 0, 0, 0)
#define SC3(f, nr, a, b, c) sc(f, nr, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0, 0)
#define SC4(f, nr, a, b, c, d) sc(f, nr, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0, 0)
#define SC6(f, nr, a, b, c, d, e, g)                                                                   \
	sc(f, nr, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), (uint64_t)(g))

#endif
