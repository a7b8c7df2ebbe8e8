/* SPDX-License-Identifier: Apache-2.0 */
/* Enters kettle-vmm's own jail (vmm_enter_jail, the same code kettle-vmm
 * links) and then makes the one syscall named by argv[1], with arguments
 * that make it fail harmlessly if it is let through (fd -1, NULL
 * pointers); for ioctl, argv[2] is the request number, for socket the
 * address family (a stream socket is asked for). Exits 0 once the
 * syscall has returned, 2 when it could not enter the jail; the filter
 * kills it with SIGSYS for a syscall it does not allow. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/jail.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: jail_probe SYSCALL [IOCTL_REQUEST]\n");
		return 2;
	}
	int nr = seccomp_syscall_resolve_name(argv[1]);
	if (nr < 0) {
		fprintf(stderr, "jail_probe: no syscall named %s\n", argv[1]);
		return 2;
	}
	unsigned long request = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
	if (vmm_enter_jail() != 0) {
		fprintf(stderr, "jail_probe: cannot enter the jail\n");
		return 2;
	}
	if (strcmp(argv[1], "ioctl") == 0)
		syscall(nr, -1, request, 0);
	else if (strcmp(argv[1], "socket") == 0)
		syscall(nr, (int)request, SOCK_STREAM | SOCK_CLOEXEC, 0);
	else
		syscall(nr, -1, 0, 0, 0, 0, 0);
	return 0;
}
