/* kettle-vmm's jail: entered once KVM, guest memory, the inputs and the vTPM
 * are set up. Afterwards kettle-vmm only runs the vCPU (three KVM ioctls),
 * talks through its stdio, writes outputs and evidence, and may connect
 * to kettle-psp. */
#include <linux/kvm.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "vmm/vmm_jail.h"

int vmm_enter_jail(void)
{
	static const int extra[] = {
		SCMP_SYS(ioctl),  SCMP_SYS(setitimer),      SCMP_SYS(poll),   SCMP_SYS(ppoll),
		SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep), SCMP_SYS(sched_yield),
		SCMP_SYS(setsockopt), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	};
	static const unsigned long ioctls[] = { KVM_RUN, KVM_GET_SREGS, KVM_SET_SREGS };
	struct jail_spec spec = {
		.syscalls = extra,
		.n_syscalls = sizeof extra / sizeof extra[0],
		.ioctls = ioctls,
		.n_ioctls = sizeof ioctls / sizeof ioctls[0],
		.nofile = 64,
		.net_client = 1, /* the kettle-psp socket */
		.socket_families = JAIL_SOCK_UNIX,
		.files = 1,      /* --output-dir and --evidence */
	};
	/* stderr is the guest's: only failures may be logged on it, and the
	 * caller reports those in its own one line. */
	log_set_level(LOG_ERROR + 1);
	return jail_enter(&spec, NULL);
}
