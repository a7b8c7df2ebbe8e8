/* SPDX-License-Identifier: Apache-2.0 */
/* Syscall names for diagnostics and the result's unsupported list, from
 * syscalls.def (served or not). */
#include "guest/sys/sys_internal.h"

static const char *const names[] = {
#define SYSCALL(nr, name, handler) [LX_NR_##name] = #name,
#define UNSERVED(nr, name) [LX_NR_##name] = #name,
#include "guest/sys/syscalls.def"
#undef SYSCALL
#undef UNSERVED
};

const char *sys_name(uint64_t nr)
{
	if (nr >= sizeof names / sizeof names[0])
		return NULL;
	return names[nr];
}
