/* SPDX-License-Identifier: Apache-2.0 */
/* Process jail: rlimits, own root and user (jail_root.c), no
 * capabilities, no_new_privs, Landlock (jail_landlock.c), seccomp
 * allowlist. See jail.h for the order and why. */
#include "lib/jail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>
#include <sys/capability.h>

#include "lib/bytes.h"
#include "lib/jail_internal.h"

#define SYS(name) SCMP_SYS(name)

/* Every jailed process: its open descriptors, memory, time, signals, exit. */
const int jail_base_syscalls[] = {
	SYS(read), SYS(write), SYS(readv), SYS(writev), /* its open descriptors */
	SYS(close), SYS(fcntl),          /* closing, O_NONBLOCK on sockets */
	SYS(brk), SYS(mmap), SYS(munmap), SYS(mremap), SYS(madvise),
	SYS(mprotect),                   /* malloc and OpenSSL */
	SYS(futex),                      /* locks inside libc and OpenSSL */
	SYS(clock_gettime), SYS(gettimeofday), /* timestamps and deadlines */
	SYS(getrandom),                  /* OpenSSL's DRBG, request ids */
	SYS(rt_sigreturn), SYS(rt_sigprocmask), SYS(rt_sigaction),
	SYS(restart_syscall),            /* SIGTERM handling */
	SYS(getpid), SYS(gettid), SYS(tgkill), /* abort() and raise() */
	SYS(exit), SYS(exit_group),
};
const size_t jail_base_syscalls_count = ARRAY_SIZE(jail_base_syscalls);

/* A server on already-bound listeners (libevent + OpenSSL). */
const int jail_server_syscalls[] = {
	SYS(accept), SYS(accept4),       /* new connections */
	SYS(recvfrom), SYS(sendto), SYS(recvmsg), SYS(sendmsg), /* socket I/O */
	SYS(shutdown),                   /* closing a connection gracefully */
	SYS(getsockname), SYS(getpeername), /* peer address for logs, limits */
	SYS(setsockopt), SYS(getsockopt), /* TCP_NODELAY, pending errors */
	SYS(epoll_wait), SYS(epoll_pwait), SYS(epoll_ctl), /* the event loop */
};
const size_t jail_server_syscalls_count = ARRAY_SIZE(jail_server_syscalls);

/* A client of peer services; socket() is added with its arguments. */
const int jail_net_client_syscalls[] = {
	SYS(connect),                    /* a new connection to a peer */
	SYS(poll), SYS(ppoll),           /* waiting for it with a deadline */
};
const size_t jail_net_client_syscalls_count =
	ARRAY_SIZE(jail_net_client_syscalls);

/* Reading and writing files under directories it already knows. */
const int jail_file_syscalls[] = {
	SYS(openat), SYS(newfstatat), SYS(fstat), SYS(statx), SYS(lseek),
	SYS(pread64), SYS(pwrite64),     /* opening and reading files */
	SYS(fsync), SYS(fdatasync), SYS(msync), /* durable writes */
	SYS(ftruncate), SYS(fallocate),  /* LMDB growing its map */
	SYS(renameat), SYS(renameat2), SYS(rename), /* atomic replace */
	SYS(unlinkat), SYS(unlink), SYS(mkdirat), SYS(mkdir),
	SYS(getdents64),                 /* listing a directory */
	SYS(flock),                      /* LMDB's and the platform's locks */
	SYS(faccessat), SYS(faccessat2), SYS(access),
};
const size_t jail_file_syscalls_count = ARRAY_SIZE(jail_file_syscalls);

#ifdef JAIL_SANITIZED
/* A sanitizer build is a test build: its runtime reads /proc and, for the
 * leak check at exit, clones a tracer thread that ptraces the process. */
static const int jail_sanitizer_syscalls[] = {
	SYS(open), SYS(openat), SYS(newfstatat), SYS(fstat), SYS(stat),
	SYS(lstat), SYS(readlink),
	SYS(getdents), SYS(getdents64), SYS(close_range), SYS(mincore),
	SYS(clone), SYS(clone3), SYS(ptrace), SYS(wait4), SYS(waitid),
	SYS(prctl), SYS(sched_yield), SYS(sigaltstack), SYS(rt_sigaction),
	SYS(lseek), SYS(pread64), SYS(getppid), SYS(kill), SYS(nanosleep),
	SYS(clock_nanosleep), SYS(sched_getaffinity), SYS(getrlimit),
	SYS(prlimit64), SYS(set_robust_list), SYS(rseq),
};
#endif

static int set_limit(int resource, rlim_t value)
{
	struct rlimit rl = { value, value };
	return setrlimit(resource, &rl) == 0 ? 0 : -errno;
}

static int apply_rlimits(const struct jail_spec *spec)
{
	int rc = set_limit(RLIMIT_CORE, 0);
	if (!rc)
		rc = set_limit(RLIMIT_NOFILE, spec->nofile ? spec->nofile : 1024);
	if (!rc && spec->nproc)
		rc = set_limit(RLIMIT_NPROC, spec->nproc);
	return rc;
}

/* What jail_enter_root() did, for jail_enter() to complete. */
static struct {
	int entered;
	unsigned short ports[JAIL_MAX_PORTS];
	size_t n_ports;
} root_state;

static int drop_capabilities(void)
{
	int rc = jail_drop_bounding();
	if (rc)
		return rc;
	cap_t none = cap_init();
	if (!none)
		return -ENOMEM;
	rc = cap_set_proc(none) == 0 ? 0 : -errno;
	cap_free(none);
	return rc;
}

int jail_enter_root(const struct jail_spec *spec, const char **failed_step)
{
	const char *step = NULL;
	int rc = 0;
	int switch_user = spec->uid && geteuid() == 0;
	if (root_state.entered || (!spec->n_binds && !switch_user))
		goto out;
	step = "binds";
	rc = jail_new_root(spec);
	if (!rc && switch_user) {
		step = "user";
		rc = jail_drop_bounding();
		if (!rc)
			rc = jail_switch_user(spec);
		if (!rc)
			rc = drop_capabilities();
	}
	if (!rc) {
		root_state.entered = 1;
		memcpy(root_state.ports, spec->connect_ports, sizeof(root_state.ports));
		root_state.n_ports = spec->n_connect_ports;
	}
out:
	if (failed_step)
		*failed_step = rc ? step : NULL;
	return rc;
}

static int add_rules(scmp_filter_ctx ctx, const int *nrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* A syscall this architecture lacks resolves negative; skip. */
		if (nrs[i] < 0)
			continue;
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nrs[i], 0);
		if (rc && rc != -EEXIST)
			return rc;
	}
	return 0;
}

static int add_ioctl(scmp_filter_ctx ctx, unsigned long request)
{
	/* The kernel takes the request as a 32-bit int; compare only those bits. */
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
					request & 0xffffffffu));
}

/* socket() only as a stream socket of an allowed family: the filter sees
 * the arguments (not connect's address, which is behind a pointer). */
static int add_socket_rules(scmp_filter_ctx ctx, unsigned families)
{
	static const struct { unsigned flag; int family, protocol; } allowed[] = {
		{ JAIL_SOCK_INET, AF_INET, 0 }, { JAIL_SOCK_INET, AF_INET, IPPROTO_TCP },
		{ JAIL_SOCK_INET6, AF_INET6, 0 }, { JAIL_SOCK_INET6, AF_INET6, IPPROTO_TCP },
		{ JAIL_SOCK_UNIX, AF_UNIX, 0 },
	};
	const unsigned type_mask = ~(unsigned)(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!families)
		families = JAIL_SOCK_INET | JAIL_SOCK_INET6;
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		if (!(families & allowed[i].flag))
			continue;
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)allowed[i].family),
			SCMP_A1(SCMP_CMP_MASKED_EQ, type_mask, SOCK_STREAM),
			SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)allowed[i].protocol));
		if (rc)
			return rc;
	}
	return 0;
}

/* Threads, and no other child: clone() only with CLONE_THREAD; clone3()
 * answers ENOSYS (its flags are behind a pointer), so glibc falls back to
 * clone(). A sanitizer build already allows both without condition. */
static int add_thread_rules(scmp_filter_ctx ctx)
{
	static const int each_thread[] = {
		SYS(set_robust_list), SYS(rseq), /* a new thread's own set-up */
		SYS(sched_yield),                /* contended locks in libc */
	};
	int rc = add_rules(ctx, each_thread, ARRAY_SIZE(each_thread));
#ifndef JAIL_SANITIZED
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
#endif
	return rc;
}

static int load_seccomp(const struct jail_spec *spec)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	int rc = add_rules(ctx, jail_base_syscalls, jail_base_syscalls_count);
	if (!rc && spec->server)
		rc = add_rules(ctx, jail_server_syscalls,
			       jail_server_syscalls_count);
	/* libevent sizes socket reads with FIONREAD. */
	if (!rc && spec->server)
		rc = add_ioctl(ctx, FIONREAD);
	if (!rc && spec->net_client)
		rc = add_rules(ctx, jail_net_client_syscalls,
			       jail_net_client_syscalls_count);
	if (!rc && spec->net_client)
		rc = add_socket_rules(ctx, spec->socket_families);
	if (!rc && spec->files)
		rc = add_rules(ctx, jail_file_syscalls, jail_file_syscalls_count);
	if (!rc && spec->threads)
		rc = add_thread_rules(ctx);
#ifdef JAIL_SANITIZED
	if (!rc)
		rc = add_rules(ctx, jail_sanitizer_syscalls,
			       ARRAY_SIZE(jail_sanitizer_syscalls));
#endif
	if (!rc && spec->syscalls)
		rc = add_rules(ctx, spec->syscalls, spec->n_syscalls);
	for (size_t i = 0; !rc && i < spec->n_ioctls; i++)
		rc = add_ioctl(ctx, spec->ioctls[i]);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int jail_enter(const struct jail_spec *spec, const char **failed_step)
{
	const char *step = "rlimits";
	int rc = apply_rlimits(spec);
	if (!rc && !root_state.entered && (spec->n_binds || spec->uid)) {
		rc = jail_enter_root(spec, &step);
	} else if (!rc && !root_state.entered && spec->empty_root) {
		step = "empty root";
		rc = jail_new_root(&(struct jail_spec){ .n_binds = 0 });
	}
	if (!rc) {
		step = "capabilities";
		rc = drop_capabilities();
	}
	if (!rc) {
		step = "no_new_privs";
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
			rc = -errno;
	}
	if (!rc) {
		step = "landlock";
		unsigned short ports[2 * JAIL_MAX_PORTS];
		size_t n = 0;
		for (size_t i = 0; i < root_state.n_ports; i++)
			ports[n++] = root_state.ports[i];
		for (size_t i = 0; i < spec->n_connect_ports && i < JAIL_MAX_PORTS; i++)
			ports[n++] = spec->connect_ports[i];
		rc = jail_landlock(ports, n);
	}
	if (!rc) {
		step = "seccomp";
		rc = load_seccomp(spec);
	}
	if (failed_step)
		*failed_step = rc ? step : NULL;
	return rc;
}
