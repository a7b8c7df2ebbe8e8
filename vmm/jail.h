/* SPDX-License-Identifier: Apache-2.0 */
/* Locks kettle-vmm down (lib/jail.h with the allowlist in jail.c);
 * 0 or -errno. */
#ifndef KETTLE_VMM_JAIL_H
#define KETTLE_VMM_JAIL_H
int vmm_enter_jail(void);
#endif
