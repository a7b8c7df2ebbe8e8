/* Private state of the syscall layer, shared by its files. Nothing here is
 * part of the interface; see sys.h for that. */
#ifndef KETTLE_GUEST_SYS_INTERNAL_H
#define KETTLE_GUEST_SYS_INTERNAL_H

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

typedef int64_t (*sys_handler)(struct sys_task *t, const uint64_t a[6]);

/* table.c */
sys_handler sys_handler_for(uint64_t nr);

/* sys.c */
void sys_log(struct sys_task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sys_stop_task(struct sys_task *t, enum sys_stop why);

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
struct sys_file *sys_file_new(enum sys_file_kind kind, size_t node, int flags);
void sys_file_put(struct sys_file *f);
int64_t sys_output_grant(struct sys_task *t, uint64_t want);
void sys_output_commit(struct sys_task *t, uint64_t granted, uint64_t want);
int sys_node_reserve(struct sys_node *n, uint64_t end);

/* dev.c */
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

/* handler prototypes, by family */
#define SYS_HANDLER(name) int64_t name(struct sys_task *t, const uint64_t a[6])
/* fs*.c */
SYS_HANDLER(sys_read);
SYS_HANDLER(sys_write);
SYS_HANDLER(sys_readv);
SYS_HANDLER(sys_writev);
SYS_HANDLER(sys_pread64);
SYS_HANDLER(sys_lseek);
SYS_HANDLER(sys_open);
SYS_HANDLER(sys_openat);
SYS_HANDLER(sys_close);
SYS_HANDLER(sys_fstat);
SYS_HANDLER(sys_stat);
SYS_HANDLER(sys_lstat);
SYS_HANDLER(sys_newfstatat);
SYS_HANDLER(sys_getdents64);
SYS_HANDLER(sys_ioctl);
SYS_HANDLER(sys_fcntl);
SYS_HANDLER(sys_dup);
SYS_HANDLER(sys_dup2);
SYS_HANDLER(sys_dup3);
SYS_HANDLER(sys_access);
SYS_HANDLER(sys_faccessat);
SYS_HANDLER(sys_faccessat2);
SYS_HANDLER(sys_readlink);
SYS_HANDLER(sys_readlinkat);
SYS_HANDLER(sys_getcwd);
SYS_HANDLER(sys_chdir);
SYS_HANDLER(sys_fchdir);
SYS_HANDLER(sys_umask);
SYS_HANDLER(sys_pwrite64);
SYS_HANDLER(sys_ftruncate);
SYS_HANDLER(sys_fsync);
SYS_HANDLER(sys_statx);
SYS_HANDLER(sys_poll);
SYS_HANDLER(sys_ppoll);
SYS_HANDLER(sys_mkdir);
SYS_HANDLER(sys_mkdirat);
SYS_HANDLER(sys_unlink);
SYS_HANDLER(sys_unlinkat);
SYS_HANDLER(sys_rmdir);
SYS_HANDLER(sys_rename);
SYS_HANDLER(sys_utimensat);
/* mm.c */
SYS_HANDLER(sys_brk);
SYS_HANDLER(sys_mmap);
SYS_HANDLER(sys_munmap);
SYS_HANDLER(sys_mremap);
SYS_HANDLER(sys_mprotect);
SYS_HANDLER(sys_madvise);
/* time.c */
SYS_HANDLER(sys_clock_gettime);
SYS_HANDLER(sys_clock_getres);
SYS_HANDLER(sys_gettimeofday);
SYS_HANDLER(sys_time);
SYS_HANDLER(sys_nanosleep);
SYS_HANDLER(sys_clock_nanosleep);
SYS_HANDLER(sys_getrusage);
SYS_HANDLER(sys_times);
/* proc.c, ident.c */
SYS_HANDLER(sys_exit);
SYS_HANDLER(sys_exit_group);
SYS_HANDLER(sys_arch_prctl);
SYS_HANDLER(sys_set_tid_address);
SYS_HANDLER(sys_set_robust_list);
SYS_HANDLER(sys_rseq);
SYS_HANDLER(sys_prlimit64);
SYS_HANDLER(sys_getrlimit);
SYS_HANDLER(sys_getrandom);
SYS_HANDLER(sys_uname);
SYS_HANDLER(sys_getpid);
SYS_HANDLER(sys_getppid);
SYS_HANDLER(sys_getuid);
SYS_HANDLER(sys_getgid);
SYS_HANDLER(sys_sched_getaffinity);
SYS_HANDLER(sys_sched_yield);
SYS_HANDLER(sys_getcpu);
SYS_HANDLER(sys_sysinfo);
SYS_HANDLER(sys_prctl);
SYS_HANDLER(sys_setuid);
SYS_HANDLER(sys_setgid);
SYS_HANDLER(sys_setreuid);
SYS_HANDLER(sys_setregid);
SYS_HANDLER(sys_setresuid);
SYS_HANDLER(sys_setresgid);
SYS_HANDLER(sys_getresuid);
SYS_HANDLER(sys_getresgid);
SYS_HANDLER(sys_getgroups);
SYS_HANDLER(sys_sendfile);
/* signal.c */
SYS_HANDLER(sys_rt_sigaction);
SYS_HANDLER(sys_rt_sigprocmask);
SYS_HANDLER(sys_sigaltstack);
SYS_HANDLER(sys_kill);
SYS_HANDLER(sys_tkill);
SYS_HANDLER(sys_tgkill);
/* futex.c */
SYS_HANDLER(sys_futex);

#endif
