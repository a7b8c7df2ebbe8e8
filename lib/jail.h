/* SPDX-License-Identifier: Apache-2.0 */
/* The jail every Kettle host process enters, in two steps.
 *
 * jail_enter_root(), right after reading the configuration and before
 * opening anything else:
 *   1. a fresh mount namespace whose root is a read-only tmpfs holding only
 *      the spec's binds, each at the same absolute path as on the host (so
 *      paths in the configuration keep working inside), the writable ones
 *      (data and log directories) read-write, everything nosuid/nodev/
 *      noexec; the working directory is kept when it exists inside;
 *   2. when started as root with a uid in the spec: the bounding and
 *      ambient capability sets cleared (that needs CAP_SETPCAP, so first),
 *      then setgroups(0), setresgid, setresuid: the process is its own
 *      unprivileged user, which the kernel strips of every capability.
 * Not started as root, step 2 is skipped (the process keeps its uid) and
 * step 1 uses a user namespace; jail_describe() says which applies.
 *
 * jail_enter(), once the process has opened what it needs (listening
 * sockets, certificates, database files, /dev/kvm), completes it:
 *   1. rlimits: RLIMIT_CORE 0, RLIMIT_NOFILE and RLIMIT_NPROC from the spec;
 *   2. the root of jail_enter_root() if it has not been entered yet, or an
 *      empty one (.empty_root) for processes that open no file afterwards;
 *   3. every capability dropped: bounding and ambient sets cleared, then
 *      effective, permitted and inheritable emptied (libcap);
 *   4. PR_SET_NO_NEW_PRIVS;
 *   5. Landlock (kernel ABI >= 4): no TCP bind, TCP connect only to the
 *      ports of jail_enter_root()'s spec and this one; from ABI 6 also no
 *      signals and no abstract unix sockets beyond the process. Below ABI 4
 *      connect is limited by the seccomp family filter only;
 *   6. a seccomp allowlist (libseccomp) whose default action kills the
 *      process: jail_base_syscalls plus the sets and extras the spec names;
 *      socket() only for SOCK_STREAM in the families allowed; with
 *      .threads, clone() only for threads (clone3 answers ENOSYS).
 *
 * Both must be called while the process has a single thread.
 *
 * A sanitizer build (-fsanitize=address/undefined) is a test build: the
 * filter also allows what LeakSanitizer's exit-time check uses (clone,
 * ptrace, open, getdents, ...) and the empty root keeps a bind of /proc. */
#ifndef KETTLE_LIB_JAIL_H
#define KETTLE_LIB_JAIL_H

#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <jansson.h>

/* Every jailed process: read/write/close on its open descriptors, memory,
 * time, randomness, signals, exit. No open, no socket, no exec, no fork. */
extern const int jail_base_syscalls[];
extern const size_t jail_base_syscalls_count;

/* What a libevent + OpenSSL server adds once its listeners are bound
 * (accept, socket I/O, epoll, FIONREAD), with .server. */
extern const int jail_server_syscalls[];
extern const size_t jail_server_syscalls_count;

/* What an RPC client to peer services adds: connect, poll (socket is
 * allowed by family and type, see jail_spec.socket_families). */
extern const int jail_net_client_syscalls[];
extern const size_t jail_net_client_syscalls_count;

/* What reading and writing files under an already-known directory adds
 * (openat, fstat, fsync, rename, unlink, ...). */
extern const int jail_file_syscalls[];
extern const size_t jail_file_syscalls_count;

/* Families a net_client may open stream sockets in. */
#define JAIL_SOCK_INET 1u
#define JAIL_SOCK_INET6 2u
#define JAIL_SOCK_UNIX 4u

#define JAIL_MAX_BINDS 16
#define JAIL_MAX_PORTS 16

struct jail_bind {
	const char *path; /* file or directory; relative to jail_spec.base_dir */
	int writable;     /* read-write (a data or log directory); else read-only */
};

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
	unsigned socket_families;   /* net_client: JAIL_SOCK_*; 0 = INET|INET6 */
	int threads;                /* may start threads after the jail (clone
				     * with CLONE_THREAD only: no fork) */
	/* The service's own root and user (jail_enter_root), usually read
	 * from its configuration with jail_spec_load(). */
	struct jail_bind binds[JAIL_MAX_BINDS];
	size_t n_binds;
	const char *base_dir;       /* relative bind paths; NULL = the cwd */
	uid_t uid;                  /* 0 = keep the uid (and gid) */
	gid_t gid;
	/* TCP ports it may connect to (Landlock): its peers' ports. */
	unsigned short connect_ports[JAIL_MAX_PORTS];
	size_t n_connect_ports;
};

/* Fills uid, gid, binds and connect_ports of spec from a configuration's
 *   "jail": {"uid": 1879048208, "gid": 1879048208,
 *            "read": ["certs/storage.pem", ...], "write": ["data/storage"],
 *            "connect": [40001]}
 * (every member optional; jail may be NULL). Paths point into jail, which
 * must outlive spec. 0, or -EINVAL with one line in err. */
int jail_spec_load(struct jail_spec *spec, const json_t *jail,
		   const char *base_dir, char *err, size_t errlen);

/* One line saying what the jail of spec will hold on this machine (uid
 * switch or not, own root, Landlock ABI), for the service's log. */
void jail_describe(const struct jail_spec *spec, char *out, size_t len);

/* The Landlock ABI of the running kernel, 0 when it has none. */
int jail_landlock_abi(void);

/* Step one (see above). Doing nothing when spec has no binds and no uid.
 * 0 or -errno, the step's name ("binds", "user") in *failed_step. */
int jail_enter_root(const struct jail_spec *spec, const char **failed_step);

/* Returns 0, or -errno from the first step that failed, whose name
 * ("rlimits", "binds", "user", "empty root", "capabilities",
 * "no_new_privs", "landlock", "seccomp") is
 * then stored in *failed_step if given. The process may be partly jailed:
 * the caller should report and exit. */
int jail_enter(const struct jail_spec *spec, const char **failed_step);

#endif
