/* SPDX-License-Identifier: Apache-2.0 */
/* Process jail: rlimits, optional empty root, no capabilities,
 * no_new_privs, seccomp allowlist. See jail.h for the order and why. */
#include "lib/jail.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <seccomp.h>
#include <sys/capability.h>

#include "lib/bytes.h"

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

/* A client of peer services. */
const int jail_net_client_syscalls[] = {
	SYS(socket), SYS(connect),       /* a new connection to a peer */
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

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define JAIL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JAIL_SANITIZED 1
#endif
#endif

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

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int rc = n == (ssize_t)strlen(text) ? 0 : -EIO;
	if (n < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Without CAP_SYS_ADMIN a user namespace (mapping our own ids) grants the
 * right to make a private mount namespace. */
static int unshare_mounts(void)
{
	if (unshare(CLONE_NEWNS) == 0)
		return 0;
	if (errno != EPERM)
		return -errno;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		return -errno;
	char map[64];
	int rc = write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (!rc)
		rc = write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (!rc)
		rc = write_file("/proc/self/gid_map", map);
	return rc;
}

static int enter_empty_root(void)
{
	int rc = unshare_mounts();
	if (rc)
		return rc;
	/* Keep our mounts from propagating back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -errno;
	const char *where = access("/tmp", F_OK) == 0 ? "/tmp" : "/mnt";
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (mount("kettle-jail", where, "tmpfs", flags,
		  "size=16k,nr_inodes=8,mode=0555") != 0)
		return -errno;
#ifdef JAIL_SANITIZED
	/* LeakSanitizer's exit-time check reads /proc/self; a test build
	 * keeps it, nothing else. */
	char proc[64];
	snprintf(proc, sizeof(proc), "%s/proc", where);
	if (mkdir(proc, 0555) != 0 ||
	    mount("/proc", proc, NULL, MS_BIND | MS_REC, NULL) != 0)
		return -errno;
#endif
	if (mount(NULL, where, NULL, MS_REMOUNT | MS_RDONLY | flags, NULL) != 0)
		return -errno;
	if (chdir(where) != 0)
		return -errno;
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * detach then leaves only the empty tmpfs. */
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		return -errno;
	if (umount2(".", MNT_DETACH) != 0)
		return -errno;
	if (chdir("/") != 0)
		return -errno;
	return 0;
}

static int drop_capabilities(void)
{
	/* The bounding set can only shrink with CAP_SETPCAP, which an
	 * unprivileged process lacks; it then has nothing to bound anyway. */
	int privileged = 0;
	cap_t cur = cap_get_proc();
	if (cur) {
		cap_flag_value_t v = CAP_CLEAR;
		cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &v);
		privileged = v == CAP_SET;
		cap_free(cur);
	}
	if (privileged) {
		for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
			if (CAP_IS_SUPPORTED(c) && cap_drop_bound(c) != 0)
				return -errno;
	}
	if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() != 0)
		return -errno;
	cap_t none = cap_init();
	if (!none)
		return -ENOMEM;
	int rc = cap_set_proc(none) == 0 ? 0 : -errno;
	cap_free(none);
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
	if (!rc && spec->files)
		rc = add_rules(ctx, jail_file_syscalls, jail_file_syscalls_count);
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
	if (!rc && spec->empty_root) {
		step = "empty root";
		rc = enter_empty_root();
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
		step = "seccomp";
		rc = load_seccomp(spec);
	}
	if (failed_step)
		*failed_step = rc ? step : NULL;
	return rc;
}
