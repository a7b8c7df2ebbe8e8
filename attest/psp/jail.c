#include "psp.h"

/* JAIL HOOK (for the lead): once services/common (branch svc-common) is in
 * main, call its jail_enter() here. It runs after the socket is bound and
 * the VCEK key is in memory, so the jail may allow only ppoll, accept4,
 * read, send, close, write (stderr), getrandom and exit, with no filesystem
 * and no capabilities. Until then kettle-psp runs unjailed. */
int psp_jail(void)
{
	return 0;
}
