/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-vmm's seccomp filter, by behaviour: jail_probe enters the same
 * jail (vmm_enter_jail) and makes one syscall. A server's syscalls
 * (accept, epoll, listen, bind) and anything else kettle-vmm never needs
 * must kill it with SIGSYS; what kettle-vmm uses after entering the jail
 * must come back. No KVM needed. */
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include "tests/tap.h"
#include "tests/vmm/vmm_harness.h"

#define KILLED (128 + SIGSYS)

static int probe(const char *name, const char *request)
{
	const char *path = getenv("KETTLE_JAIL_PROBE");
	char *argv[] = { (char *)path, (char *)name, (char *)request, NULL };
	struct run_out r;
	if (!path || run_cmd(argv, NULL, "", 0, &r) != 0)
		return -1;
	int status = r.status;
	if (status != 0 && status != KILLED)
		printf("# %s: exit status %d, stderr: %s\n", name, status, r.err ? r.err : "");
	run_free(&r);
	return status;
}

static void test_server_syscalls_killed(void)
{
	static const char *const denied[] = {
		"accept", "accept4", "listen", "bind", "epoll_create1", "epoll_create",
		"epoll_ctl", "epoll_wait", "epoll_pwait", "recvmsg", "sendmsg", "getsockopt",
	};
	for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
		CHECK(probe(denied[i], NULL) == KILLED, "%s kills kettle-vmm", denied[i]);
}

/* None of these is in a sanitizer build's extra set either (lib/jail.c),
 * so both builds check the same list. */
static void test_other_unneeded_syscalls_killed(void)
{
	static const char *const denied[] = {
		"execve", "execveat", "fork", "vfork", "unshare", "setns", "mount", "chroot",
		"process_vm_readv", "mkdirat", "flock", "ftruncate",
	};
	for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
		CHECK(probe(denied[i], NULL) == KILLED, "%s kills kettle-vmm", denied[i]);
}

static void test_used_syscalls_allowed(void)
{
	static const char *const allowed[] = {
		"read", "write", "close", "poll", "setitimer", "clock_nanosleep", "sendto",
		"connect", "setsockopt", "openat", "fsync", "renameat", "rename", "unlinkat", "unlink",
		"newfstatat",
	};
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		CHECK(probe(allowed[i], NULL) == 0, "%s is allowed", allowed[i]);
}

/* The only socket kettle-vmm makes is its connection to kettle-psp. */
static void test_socket_families(void)
{
	char family[16];
	snprintf(family, sizeof family, "%d", AF_UNIX);
	CHECK(probe("socket", family) == 0, "a unix stream socket is allowed");
	snprintf(family, sizeof family, "%d", AF_INET);
	CHECK(probe("socket", family) == KILLED, "an IPv4 socket kills kettle-vmm");
	snprintf(family, sizeof family, "%d", AF_NETLINK);
	CHECK(probe("socket", family) == KILLED, "a netlink socket kills kettle-vmm");
}

static void test_ioctl_requests(void)
{
	char req[32];
	snprintf(req, sizeof req, "%#lx", (unsigned long)KVM_RUN);
	CHECK(probe("ioctl", req) == 0, "ioctl KVM_RUN is allowed");
	snprintf(req, sizeof req, "%#lx", (unsigned long)KVM_GET_SREGS);
	CHECK(probe("ioctl", req) == 0, "ioctl KVM_GET_SREGS is allowed");
	snprintf(req, sizeof req, "%#lx", (unsigned long)KVM_CREATE_VM);
	CHECK(probe("ioctl", req) == KILLED, "ioctl KVM_CREATE_VM kills kettle-vmm (the VM exists already)");
	snprintf(req, sizeof req, "%#lx", (unsigned long)FIONREAD);
	CHECK(probe("ioctl", req) == KILLED, "ioctl FIONREAD (a server's) kills kettle-vmm");
	snprintf(req, sizeof req, "%#lx", (unsigned long)TIOCSTI);
	CHECK(probe("ioctl", req) == KILLED, "ioctl TIOCSTI kills kettle-vmm");
}

int main(void)
{
	test_server_syscalls_killed();
	test_other_unneeded_syscalls_killed();
	test_used_syscalls_allowed();
	test_socket_families();
	test_ioctl_requests();
	TAP_DONE();
}
