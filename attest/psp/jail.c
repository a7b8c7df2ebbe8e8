#include <seccomp.h>

#include "lib/jail.h"
#include "attest/psp/psp.h"

/* Entered once the socket is bound and the VCEK key is in memory: from here
 * kettle-psp only accepts connections, signs reports and, at SIGTERM,
 * removes its socket file (hence the file set). No exec, no new sockets,
 * no capabilities. */
int psp_jail(void)
{
	static const int extra[] = { SCMP_SYS(ppoll), SCMP_SYS(poll), SCMP_SYS(unlink), SCMP_SYS(unlinkat) };
	struct jail_spec spec = {
		.server = 1,
		.syscalls = extra,
		.n_syscalls = sizeof extra / sizeof extra[0],
		.nofile = 64,
		.files = 1,
	};
	return jail_enter(&spec, NULL);
}
