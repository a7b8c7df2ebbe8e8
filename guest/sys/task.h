/* SPDX-License-Identifier: Apache-2.0 */
/* The task's state and the few services every other file of the layer
 * uses: logging, stopping the task, memory through ops, and the output
 * budget. task.c is a leaf: it calls nothing else of the layer (only
 * str.c), so no file that uses it is ever called back from here. */
#ifndef KETTLE_GUEST_SYS_TASK_H
#define KETTLE_GUEST_SYS_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "guest/sys/sys.h"

#define SYS_PAGE 4096ull
#define SYS_PATH_MAX 4096
#define SYS_NAME_MAX 255
#define SYS_DEFAULT_OPEN_FILES 64u
/* Linux never moves more than this in one call (MAX_RW_COUNT). */
#define SYS_RW_MAX 0x7ffff000ull
#define SYS_PID 1
#define SYS_UID 1000
#define SYS_GID 1000

/* One file or directory of the task's tree. Nodes are never removed, so
 * indices stay valid for the task's life; the inode number is index + 1. */
enum sys_device { SYS_DEV_NONE, SYS_DEV_NULL, SYS_DEV_ZERO, SYS_DEV_RANDOM };

struct sys_node {
	char *name;    /* last component; "" for the root */
	size_t parent; /* index; the root is its own parent */
	int is_dir;
	int writable;     /* /output and the files the guest created there */
	enum sys_device device; /* a /dev node: no data, served by dev.c */
	uint8_t *data;
	size_t len, cap;
};

enum sys_file_kind { SYS_FILE_STDIN, SYS_FILE_STREAM, SYS_FILE_NODE };

/* An open file description: dup'd descriptors share it, so they share the
 * offset as on Linux. */
struct sys_file {
	unsigned refs;
	enum sys_file_kind kind;
	int stream_fd; /* 1 or 2 for SYS_FILE_STREAM */
	size_t node;
	uint64_t pos;  /* byte offset, or entry index for a directory */
	int flags;     /* the open flags the status calls report */
};

struct sys_fd {
	struct sys_file *file; /* NULL when the slot is free */
	int cloexec;
};

struct sys_task {
	struct sys_config cfg;
	struct sys_ops ops;
	void *ctx;
	char hostname[65];

	enum sys_stop stop;
	int exit_code;
	int out_of_memory;
	uint64_t syscalls;
	uint64_t *unsupported;
	size_t n_unsupported, cap_unsupported;

	/* files */
	uint64_t output_used;
	struct sys_node *nodes;
	size_t n_nodes, cap_nodes;
	size_t *outputs; /* node indices of created /output files, in order */
	size_t n_outputs;
	struct sys_fd *fds;
	unsigned n_fds;
	size_t cwd; /* node index of the working directory */

	/* memory: one bit per page of [heap_lo, heap_hi), set when the page
	 * belongs to the guest (brk or mmap) */
	uint8_t *used;
	uint64_t n_pages;
	uint64_t brk_cur;

	uint64_t fs_base;
	char comm[16]; /* prctl(PR_SET_NAME) */
	uint64_t limits[16][2]; /* rlimits: remembered, not enforced */

	/* signal state is only remembered, never delivered */
	uint64_t sigmask, sigpending;
	uint8_t sigactions[64][32];
	uint8_t altstack[24];
};

/* One diagnostic line through ops->log (see sys_format for what fmt may
 * contain). */
void sys_log(struct sys_task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records why the task must stop; the first reason wins. Returns 0. */
int sys_stop_task(struct sys_task *t, enum sys_stop why);

/* The layer's memory, all through ops: n * size bytes, zeroed (NULL on
 * overflow or without memory); resizing keeps the contents; NULL may be
 * released. */
void *sys_alloc(struct sys_task *t, size_t n, size_t size);
void *sys_resize(struct sys_task *t, void *p, size_t n, size_t size);
void sys_release(struct sys_task *t, void *p);
char *sys_strdup(struct sys_task *t, const char *s);

/* The output budget (stdout, stderr and /output share max_output), in two
 * steps so a write that fails costs nothing:
 *
 * sys_output_grant: how many of want bytes may be written, when the write
 * is useless with fewer than need of them (1 <= need <= want): with less
 * room the task stops and the answer is -EFBIG. 0 for want 0.
 * sys_output_charge: after writing granted of want bytes, charges them;
 * the task stops when it got fewer than it wanted. This is the one place
 * that stops a task for output (SYS_STOP_OUTPUT_LIMIT). */
int64_t sys_output_grant(struct sys_task *t, uint64_t want, uint64_t need);
void sys_output_charge(struct sys_task *t, uint64_t granted, uint64_t want);

#endif
