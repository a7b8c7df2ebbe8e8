/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-vmm's jail: entered once KVM, guest memory, the inputs and the
 * vTPM are set up. From then on kettle-vmm only runs the vCPU, serves the
 * guest's syscalls from memory, talks through its stdio, writes outputs
 * and evidence and asks kettle-psp for a report. The allowlist is
 * jail_base_syscalls plus exactly that (measured with strace -f over the
 * vmm tests' programs, with and without --evidence and --output-dir); it
 * serves no socket, so nothing of lib/jail.h's .server set (accept,
 * epoll, listen) and none of its broader .files and .net_client sets. */
#include "vmm/jail.h"

#include <linux/kvm.h>
#include <seccomp.h>
#include <sys/ioctl.h>

#include "lib/bytes.h"
#include "lib/jail.h"
#include "lib/log.h"

static const int vmm_syscalls[] = {
	SCMP_SYS(setitimer),   /* the wall-time limit kicks the vCPU out of KVM_RUN */
	SCMP_SYS(poll),        /* waiting for stdin no longer than the deadline */
	SCMP_SYS(clock_nanosleep), /* the guest's nanosleep (glibc's nanosleep) */
	SCMP_SYS(sendto),      /* write_all() tries send(MSG_NOSIGNAL) first: stdout, kettle-psp */
	SCMP_SYS(connect),     /* ... to its unix socket */
	SCMP_SYS(setsockopt),  /* ... with send and receive timeouts */
	SCMP_SYS(openat),      /* --output-dir, its temporary files, the evidence file */
	SCMP_SYS(fsync),       /* outputs and evidence are durable before the rename */
	SCMP_SYS(renameat),    /* an output replaces its temporary name */
	SCMP_SYS(rename),      /* the evidence file replaces its temporary name */
	SCMP_SYS(unlinkat),    /* an output that failed leaves no temporary file */
	SCMP_SYS(unlink),      /* nor does evidence that failed */
	SCMP_SYS(newfstatat),  /* stdio's first look at stdout when the JSON result is printed */
};

/* ioctl is allowed only for these requests (an unconditional ioctl entry
 * above would let every request through). */
static const unsigned long vmm_ioctls[] = {
	KVM_RUN,       /* running the vCPU */
	KVM_GET_SREGS, /* CR2 for a page-fault report; the FS base ... */
	KVM_SET_SREGS, /* ... set by arch_prctl(ARCH_SET_FS) */
	TCGETS,        /* stdio asks whether stdout is a terminal (isatty) */
};

int vmm_enter_jail(void)
{
	struct jail_spec spec = {
		.syscalls = vmm_syscalls,
		.n_syscalls = ARRAY_SIZE(vmm_syscalls),
		.ioctls = vmm_ioctls,
		.n_ioctls = ARRAY_SIZE(vmm_ioctls),
		.nofile = 64,
		/* socket() only for the kettle-psp connection: unix stream. */
		.net_client = 1,
		.socket_families = JAIL_SOCK_UNIX,
	};
	/* stderr is the guest's: only failures may be logged on it, and the
	 * caller reports those in its own one line. */
	log_set_level(LOG_ERROR + 1);
	return jail_enter(&spec, NULL);
}
