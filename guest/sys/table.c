/* SPDX-License-Identifier: Apache-2.0 */
/* Syscall number to handler, from the SYSCALL lines of syscalls.def. A
 * number with no handler is answered -ENOSYS by sys_dispatch, which logs
 * and records it. */
#include "guest/sys/sys_internal.h"

static const sys_handler handlers[] = {
#define SYSCALL(nr, name, handler) [LX_NR_##name] = handler,
#define UNSERVED(nr, name)
#include "guest/sys/syscalls.def"
#undef SYSCALL
#undef UNSERVED
};

sys_handler sys_handler_for(uint64_t nr)
{
	if (nr >= sizeof handlers / sizeof handlers[0])
		return 0;
	return handlers[nr];
}
