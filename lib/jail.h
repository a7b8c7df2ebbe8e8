/* SPDX-License-Identifier: Apache-2.0 */
/* The jail every Kettle host process enters once it has opened what it
 * needs (listening sockets, certificates, database files, /dev/kvm):
 *
 *   1. rlimits: RLIMIT_CORE 0, RLIMIT_NOFILE and RLIMIT_NPROC from the spec;
 *   2. optionally a fresh mount namespace whose root is an empty tmpfs
 *      (pivot_root), for processes that open no file afterwards;
 *   3. every capability dropped: bounding and ambient sets cleared, then
 *      effective, permitted and inheritable emptied (libcap);
 *   4. PR_SET_NO_NEW_PRIVS;
 *   5. a seccomp allowlist (libseccomp) whose default action kills the
 *      process: jail_base_syscalls plus the sets and extras the spec names.
 *
 * Must be called while the process has a single thread.
 *
 * A sanitizer build (-fsanitize=address/undefined) is a test build: the
 * filter also allows what LeakSanitizer's exit-time check uses (clone,
 * ptrace, open, getdents, ...) and the empty root keeps a bind of /proc. */
#ifndef KETTLE_LIB_JAIL_H
#define KETTLE_LIB_JAIL_H

#include <stddef.h>
#include <sys/resource.h>

/* Every jailed process: read/write/close on its open descriptors, memory,
 * time, randomness, signals, exit. No open, no socket, no exec, no fork. */
extern const int jail_base_syscalls[];
extern const size_t jail_base_syscalls_count;

/* What a libevent + OpenSSL server adds once its listeners are bound
 * (accept, socket I/O, epoll, FIONREAD), with .server. */
extern const int jail_server_syscalls[];
extern const size_t jail_server_syscalls_count;

/* What an RPC client to peer services adds: socket, connect, poll. */
extern const int jail_net_client_syscalls[];
extern const size_t jail_net_client_syscalls_count;

/* What reading and writing files under an already-known directory adds
 * (openat, fstat, fsync, rename, unlink, ...). */
extern const int jail_file_syscalls[];
extern const size_t jail_file_syscalls_count;

struct jail_spec {
	const int *syscalls;        /* extra syscall numbers (SCMP_SYS(...)) */
	size_t n_syscalls;
	const unsigned long *ioctls; /* allowed ioctl request numbers */
	size_t n_ioctls;
	rlim_t nofile;              /* RLIMIT_NOFILE; 0 = 1024 */
	rlim_t nproc;               /* RLIMIT_NPROC; 0 = leave unchanged */
	int server;                 /* add jail_server_syscalls */
	int net_client;             /* add jail_net_client_syscalls */
	int files;                  /* add jail_file_syscalls */
	int empty_root;             /* new mount ns on an empty tmpfs root */
};

/* Returns 0, or -errno from the first step that failed, whose name
 * ("rlimits", "empty root", "capabilities", "no_new_privs", "seccomp") is
 * then stored in *failed_step if given. The process may be partly jailed:
 * the caller should report and exit. */
int jail_enter(const struct jail_spec *spec, const char **failed_step);

#endif
