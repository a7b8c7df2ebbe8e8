/* SPDX-License-Identifier: Apache-2.0 */
/* Between the files of the jail (jail.c, jail_root.c, jail_landlock.c,
 * jail_spec.c); not for callers. */
#ifndef KETTLE_LIB_JAIL_INTERNAL_H
#define KETTLE_LIB_JAIL_INTERNAL_H

#include "lib/jail.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define JAIL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JAIL_SANITIZED 1
#endif
#endif

/* A new mount namespace on a read-only tmpfs root holding the binds (none:
 * an empty root). Unprivileged, through a user namespace. */
int jail_new_root(const struct jail_spec *spec);
/* Clears the bounding and ambient sets when the process may (CAP_SETPCAP). */
int jail_drop_bounding(void);
/* setgroups(0), setresgid, setresuid to spec's ids, checked. */
int jail_switch_user(const struct jail_spec *spec);
/* Landlock with the ports allowed for TCP connect; 0 when the kernel has
 * no Landlock network rules (ABI < 4). */
int jail_landlock(const unsigned short *ports, size_t n);

#endif
