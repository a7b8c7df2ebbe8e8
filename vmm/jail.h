/* Locks kettle-vmm down (services/common/jail.h); 0 or -errno. */
#ifndef KETTLE_VMM_JAIL_H
#define KETTLE_VMM_JAIL_H
int vmm_enter_jail(void);
#endif
