/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-psp's jail, entered by psp_serve() once the socket is bound and
 * the VCEK key is in memory. From then on it waits for connections,
 * accepts one at a time, reads a request, signs a report (OpenSSL: memory
 * and getrandom, in jail_base_syscalls), writes the reply and, at SIGTERM,
 * removes its socket file. No other file is opened, no socket created, no
 * event loop: so no .server, .net_client or .files set, only these. */
#include <seccomp.h>

#include "attest/psp/psp.h"
#include "lib/bytes.h"
#include "lib/jail.h"

static const int psp_syscalls[] = {
	SCMP_SYS(ppoll),      /* the accept loop's wait; signals arrive only there */
	SCMP_SYS(accept4),    /* one connection per request */
	SCMP_SYS(setsockopt), /* its SO_RCVTIMEO / SO_SNDTIMEO (psp_set_timeouts) */
	SCMP_SYS(sendto),     /* write_all() sends with MSG_NOSIGNAL */
	SCMP_SYS(unlink),     /* removing the socket file at SIGTERM */
};

int psp_jail(void)
{
	struct jail_spec spec = {
		.syscalls = psp_syscalls,
		.n_syscalls = ARRAY_SIZE(psp_syscalls),
		.nofile = 64,
	};
	return jail_enter(&spec, NULL);
}
