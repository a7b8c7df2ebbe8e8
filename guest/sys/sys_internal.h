/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of the syscall layer share beyond the task state
 * (task.h). Nothing here is part of the interface; see sys.h for that. */
#ifndef KETTLE_GUEST_SYS_INTERNAL_H
#define KETTLE_GUEST_SYS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "guest/sys/abi.h"
#include "guest/sys/str.h"
#include "guest/sys/task.h"

typedef int64_t (*sys_handler)(struct sys_task *t, const uint64_t a[6]);

/* table.c */
sys_handler sys_handler_for(uint64_t nr);

/* proc.c */
void sys_limits_init(struct sys_task *t);

/* mem.c: the one checked way from guest pointers to host pointers */
void *sys_mem(struct sys_task *t, uint64_t gva, uint64_t len);
void *sys_mem_at(const struct sys_task *t, uint64_t gva);
int sys_mem_read(struct sys_task *t, void *dst, uint64_t gva, uint64_t len);
int sys_mem_write(struct sys_task *t, uint64_t gva, const void *src, uint64_t len);
int sys_mem_string(struct sys_task *t, uint64_t gva, char *buf, size_t cap);

/* vfs.c: the tree and the descriptor table */
int sys_vfs_init(struct sys_task *t);
void sys_vfs_free(struct sys_task *t);
/* Where a path leads: node is the existing target or -1; then parent and
 * name say where it would be created. */
struct sys_walk {
	int64_t node;
	size_t parent;
	char name[SYS_NAME_MAX + 1];
	int trailing_slash;
};
int sys_vfs_walk(const struct sys_task *t, size_t start, const char *path, struct sys_walk *w);
int sys_vfs_resolve(struct sys_task *t, int64_t dirfd, uint64_t path_gva, struct sys_walk *w);
int sys_vfs_add(struct sys_task *t, size_t parent, const char *name, int is_dir, int writable, size_t *out);
int sys_vfs_create_output(struct sys_task *t, const struct sys_walk *w, size_t *out);
struct sys_file *sys_fd_get(struct sys_task *t, int64_t fd);
int sys_fd_install(struct sys_task *t, struct sys_file *f, unsigned min_fd, int cloexec);
int sys_fd_close(struct sys_task *t, int64_t fd);
struct sys_file *sys_file_new(struct sys_task *t, enum sys_file_kind kind, size_t node, int flags);
void sys_file_put(struct sys_task *t, struct sys_file *f);
int sys_node_reserve(struct sys_task *t, struct sys_node *n, uint64_t end);

/* dev.c (sys_dev_init runs after sys_vfs_init, from sys.c) */
int sys_dev_init(struct sys_task *t);
int64_t sys_dev_read(struct sys_task *t, const struct sys_node *n, void *dst, uint64_t len);
uint64_t sys_dev_rdev(const struct sys_node *n);

/* fs.c: moving bytes through a descriptor (pos is the offset to use and
 * update; the destination or source is host memory already checked) */
int64_t sys_file_read(struct sys_task *t, struct sys_file *f, void *dst, uint64_t len, uint64_t *pos);
int64_t sys_file_write(struct sys_task *t, struct sys_file *f, const void *src, uint64_t len);

/* fs_meta.c: what the stat family reports, before its ABI layout */
struct sys_kstat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid;
	uint64_t rdev;
	int64_t size, blksize, blocks;
};
void sys_stat_node(const struct sys_task *t, size_t idx, struct sys_kstat *k);
void sys_stat_file(const struct sys_task *t, const struct sys_file *f, struct sys_kstat *k);

/* The handlers, one per SYSCALL line of syscalls.def (defined in the
 * files of their family; README.md has the map). */
#define SYSCALL(nr, name, handler) int64_t handler(struct sys_task *t, const uint64_t a[6]);
#define UNSERVED(nr, name)
#include "guest/sys/syscalls.def"
#undef SYSCALL
#undef UNSERVED

#endif
