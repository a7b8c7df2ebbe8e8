/* SPDX-License-Identifier: Apache-2.0 */
/* The Linux-ABI syscall layer: freestanding C that serves one guest's
 * syscalls against its memory and its file table.
 *
 * It touches nothing on the host by itself and calls no C library (it is
 * built with -ffreestanding -nostdinc). Everything outside guest memory
 * (stdin, stdout/stderr sinks, the clock, randomness, sleeping, the FS base
 * register, the layer's own memory) goes through struct sys_ops, so the
 * same code can later run inside the guest as a ring-0 shim. Guest memory is one contiguous range
 * that is directly addressable from here (true for the VMM, which maps it,
 * and for an identity-mapped in-guest shim); every guest pointer is checked
 * against the user range before it is touched.
 *
 * Return values follow the kernel: >= 0 on success, -errno (Linux values)
 * on failure. */
#ifndef KETTLE_GUEST_SYS_H
#define KETTLE_GUEST_SYS_H

#include <stddef.h>
#include <stdint.h>

struct sys_task;

/* What the layer needs from its host. ctx is passed back unchanged. */
struct sys_ops {
	/* Reads up to len bytes of the task's stdin; 0 at end, -errno. */
	int64_t (*read_stdin)(void *ctx, void *buf, size_t len);
	/* Delivers stdout (fd 1) or stderr (fd 2) bytes that the layer has
	 * already counted against the output limit. Returns 0 or -errno. */
	int (*write_stream)(void *ctx, int fd, const void *buf, size_t len);
	/* Nanoseconds on CLOCK_REALTIME (0) or CLOCK_MONOTONIC (1). */
	int64_t (*clock_ns)(void *ctx, int clock_id);
	/* Sleeps up to ns; returns early (0) if the task's deadline comes. */
	void (*sleep_ns)(void *ctx, int64_t ns);
	/* Fills buf with len random bytes; 0 or -errno. */
	int (*random)(void *ctx, void *buf, size_t len);
	/* Sets the FS base register of the vCPU (arch_prctl ARCH_SET_FS). */
	int (*set_fs_base)(void *ctx, uint64_t base);
	/* Gives back guest pages [gva, gva+len) that become free, so the host
	 * may drop their backing; they must read as zero when mapped again.
	 * May be NULL, then the layer zeroes them itself. */
	void (*discard)(void *ctx, uint64_t gva, uint64_t len);
	/* One human-readable diagnostic line (no newline), e.g. the first use
	 * of an unsupported syscall. May be NULL. */
	void (*log)(void *ctx, const char *line);
	/* Memory for the layer's own state (the task, its file tree, output
	 * data up to max_output), as calloc(1, size), realloc and free do:
	 * the layer calls no allocator of its own. */
	void *(*alloc)(void *ctx, size_t size);
	void *(*resize)(void *ctx, void *p, size_t size);
	void (*release)(void *ctx, void *p);
};

/* Guest memory as the layer sees it. Address g of the guest is at base + g.
 * The guest may pass pointers only inside [user_lo, user_hi). */
struct sys_memory {
	uint8_t *base;
	uint64_t size;
	uint64_t user_lo, user_hi;
};

struct sys_config {
	struct sys_memory mem;
	/* Page-aligned range the layer manages for brk (growing up from
	 * heap_lo, starting at brk_start) and anonymous/file mmap (from the
	 * top down). Outside it everything is the loader's (ELF, stack). */
	uint64_t heap_lo, heap_hi, brk_start;
	/* Total bytes of stdout + stderr + /output files the task may write. */
	uint64_t max_output;
	/* Most files the task may create under /output, and open at once. */
	unsigned max_output_files, max_open_files;
	/* uname() answers; NULL gives defaults. */
	const char *hostname;
};

/* Why the layer wants the task stopped (see sys_task_stop_reason). */
enum sys_stop {
	SYS_RUNNING = 0,
	SYS_STOP_EXIT,         /* exit or exit_group; exit code recorded */
	SYS_STOP_OUTPUT_LIMIT, /* a write went past max_output */
	SYS_STOP_FILE_LIMIT,   /* too many /output files */
};

/* Setup and teardown; all memory comes from ops. NULL for a bad config,
 * a missing op or no memory. */
struct sys_task *sys_task_new(const struct sys_config *cfg, const struct sys_ops *ops, void *ctx);
void sys_task_free(struct sys_task *t);

/* Adds a read-only file at an absolute path (e.g. "/input/data"); the layer
 * keeps its own copy. Parent directories appear implicitly. 0 or -errno
 * (-EINVAL for a bad path, -EEXIST, -ENOMEM). */
int sys_task_add_file(struct sys_task *t, const char *path, const void *data, size_t len);

/* Serves one syscall: nr and its six arguments as the guest passed them in
 * rax, rdi, rsi, rdx, r10, r8, r9. Returns the value for rax. After each
 * call the host checks sys_task_stop_reason(). */
int64_t sys_dispatch(struct sys_task *t, uint64_t nr, const uint64_t args[6]);

enum sys_stop sys_task_stop_reason(const struct sys_task *t);
int sys_task_exit_code(const struct sys_task *t);

/* True once a brk or mmap failed with ENOMEM because guest memory ran out. */
int sys_task_ran_out_of_memory(const struct sys_task *t);

/* Counters for the result. */
uint64_t sys_task_syscall_count(const struct sys_task *t);
/* Distinct unsupported syscall numbers, in first-seen order. */
size_t sys_task_unsupported(const struct sys_task *t, const uint64_t **nrs);

/* Files the task created under /output, in creation order. name is the
 * bare file name (no "/output/"). Returns -ENOENT past the last one. */
int sys_task_output(const struct sys_task *t, size_t i, const char **name, const uint8_t **data, size_t *len);

/* "read", "openat", ... or NULL for a number the layer has no name for. */
const char *sys_name(uint64_t nr);

#endif
