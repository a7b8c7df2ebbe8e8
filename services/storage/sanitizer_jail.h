/* What a sanitizer build adds to a service's seccomp allowlist.
 *
 * LeakSanitizer checks at exit from a helper process (a clone without
 * CLONE_THREAD) that reads /proc with the legacy open(2) and getdents(2);
 * services/common's sanitizer set lacks them, so the helper dies of SIGSYS
 * and the service spins at exit forever. Plain builds add nothing. */
#ifndef KETTLE_STORAGE_SANITIZER_JAIL_H
#define KETTLE_STORAGE_SANITIZER_JAIL_H

#include <seccomp.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define JAIL_SANITIZER_EXTRA                                                  \
	SCMP_SYS(open), SCMP_SYS(getdents), SCMP_SYS(stat), SCMP_SYS(lstat),
#else
#define JAIL_SANITIZER_EXTRA
#endif

#endif
