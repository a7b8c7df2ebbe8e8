/* SPDX-License-Identifier: Apache-2.0 */
/* futex for a task with one thread: there is never a waiter to wake, and
 * a wait can only end by its value differing or its timeout. glibc aborts
 * when futex itself fails (libstdc++'s once-initialisation reaches it), so
 * the common operations get their exact single-thread answers. */
#include <stdint.h>

#include "guest/sys/sys_internal.h"

#define NS 1000000000ll

/* A wait nobody can end: sleep out the timeout (relative for FUTEX_WAIT,
 * absolute for FUTEX_WAIT_BITSET) or, with none, until the host's deadline
 * cuts the sleep short. Either way it times out. */
static int64_t wait_alone(struct sys_task *t, uint64_t ts_gva, int absolute, int realtime)
{
	int64_t ts[2], ns;

	if (!ts_gva) {
		sys_log(t, "futex wait with no other thread to wake it: sleeping until the deadline");
		t->ops.sleep_ns(t->ctx, INT64_MAX);
		return -LX_ETIMEDOUT;
	}
	if (sys_mem_read(t, ts, ts_gva, sizeof ts) < 0)
		return -LX_EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= NS)
		return -LX_EINVAL;
	ns = ts[0] > INT64_MAX / NS - 1 ? INT64_MAX : ts[0] * NS + ts[1];
	if (absolute)
		ns -= t->ops.clock_ns(t->ctx, realtime ? 0 : 1);
	if (ns > 0)
		t->ops.sleep_ns(t->ctx, ns);
	return -LX_ETIMEDOUT;
}

int64_t sys_futex(struct sys_task *t, const uint64_t a[6])
{
	int op = (int)a[1];
	int cmd = op & ~(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME);
	uint32_t cur;

	if (a[0] % 4)
		return -LX_EINVAL;
	if (sys_mem_read(t, &cur, a[0], sizeof cur) < 0)
		return -LX_EFAULT;
	switch (cmd) {
	case LX_FUTEX_WAKE:
	case LX_FUTEX_WAKE_BITSET:
	case LX_FUTEX_REQUEUE:
		return 0;
	case LX_FUTEX_CMP_REQUEUE:
		return cur == (uint32_t)a[5] ? 0 : -LX_EAGAIN;
	case LX_FUTEX_WAIT:
	case LX_FUTEX_WAIT_BITSET:
		if (cmd == LX_FUTEX_WAIT_BITSET && (uint32_t)a[5] == 0)
			return -LX_EINVAL;
		if (cur != (uint32_t)a[2])
			return -LX_EAGAIN;
		return wait_alone(t, a[3], cmd == LX_FUTEX_WAIT_BITSET, !!(op & LX_FUTEX_CLOCK_REALTIME));
	default:
		return -LX_ENOSYS;
	}
}
