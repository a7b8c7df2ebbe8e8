/* SPDX-License-Identifier: Apache-2.0 */
/* Clocks and sleeping, all through ops->clock_ns and ops->sleep_ns. */

#include "guest/sys/sys_internal.h"

#define NS 1000000000ll

/* Linux clock ids folded onto the two clocks the host provides; the CPU
 * time clocks read the monotonic clock, which bounds them from above. */
static int host_clock(uint64_t id)
{
	switch (id) {
	case LX_CLOCK_REALTIME:
	case LX_CLOCK_REALTIME_COARSE:
	case LX_CLOCK_TAI:
		return 0;
	case LX_CLOCK_MONOTONIC:
	case LX_CLOCK_MONOTONIC_RAW:
	case LX_CLOCK_MONOTONIC_COARSE:
	case LX_CLOCK_BOOTTIME:
	case LX_CLOCK_PROCESS_CPUTIME_ID:
	case LX_CLOCK_THREAD_CPUTIME_ID:
		return 1;
	default:
		return -1;
	}
}

static int put_timespec(struct sys_task *t, uint64_t gva, int64_t ns)
{
	int64_t ts[2] = { ns / NS, ns % NS };

	return sys_mem_write(t, gva, ts, sizeof ts);
}

int64_t sys_clock_gettime(struct sys_task *t, const uint64_t a[6])
{
	int c = host_clock(a[0]);

	if (c < 0)
		return -LX_EINVAL;
	return put_timespec(t, a[1], t->ops.clock_ns(t->ctx, c));
}

int64_t sys_clock_getres(struct sys_task *t, const uint64_t a[6])
{
	if (host_clock(a[0]) < 0)
		return -LX_EINVAL;
	return a[1] ? put_timespec(t, a[1], 1) : 0;
}

int64_t sys_gettimeofday(struct sys_task *t, const uint64_t a[6])
{
	int64_t ns = t->ops.clock_ns(t->ctx, 0);

	if (a[0]) {
		int64_t tv[2] = { ns / NS, ns % NS / 1000 };

		if (sys_mem_write(t, a[0], tv, sizeof tv) < 0)
			return -LX_EFAULT;
	}
	if (a[1]) {
		int32_t tz[2] = { 0, 0 }; /* UTC, no DST */

		if (sys_mem_write(t, a[1], tz, sizeof tz) < 0)
			return -LX_EFAULT;
	}
	return 0;
}

int64_t sys_time(struct sys_task *t, const uint64_t a[6])
{
	int64_t secs = t->ops.clock_ns(t->ctx, 0) / NS;

	if (a[0] && sys_mem_write(t, a[0], &secs, sizeof secs) < 0)
		return -LX_EFAULT;
	return secs;
}

/* Reads a guest timespec and checks it as Linux does. */
static int get_timespec_ns(struct sys_task *t, uint64_t gva, int64_t *ns)
{
	int64_t ts[2];

	if (sys_mem_read(t, ts, gva, sizeof ts) < 0)
		return -LX_EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= NS)
		return -LX_EINVAL;
	*ns = ts[0] > INT64_MAX / NS - 1 ? INT64_MAX : ts[0] * NS + ts[1];
	return 0;
}

int64_t sys_nanosleep(struct sys_task *t, const uint64_t a[6])
{
	int64_t ns;
	int rc = get_timespec_ns(t, a[0], &ns);

	if (rc < 0)
		return rc;
	if (ns > 0)
		t->ops.sleep_ns(t->ctx, ns);
	return 0;
}

int64_t sys_clock_nanosleep(struct sys_task *t, const uint64_t a[6])
{
	int c = host_clock(a[0]);
	int64_t ns;
	int rc;

	if (c < 0 || a[0] == LX_CLOCK_THREAD_CPUTIME_ID)
		return -LX_EINVAL;
	if (a[1] & ~(uint64_t)LX_TIMER_ABSTIME)
		return -LX_EINVAL;
	rc = get_timespec_ns(t, a[2], &ns);
	if (rc < 0)
		return rc;
	if (a[1] & LX_TIMER_ABSTIME)
		ns -= t->ops.clock_ns(t->ctx, c);
	if (ns > 0)
		t->ops.sleep_ns(t->ctx, ns);
	return 0;
}

/* CPU time is not measured by the layer: the usage counters read zero
 * (the VMM reports real figures in the result). */
int64_t sys_getrusage(struct sys_task *t, const uint64_t a[6])
{
	int64_t who = (int32_t)a[0];
	uint8_t ru[144] = { 0 };

	if (who != 0 && who != -1 && who != 1)
		return -LX_EINVAL;
	return sys_mem_write(t, a[1], ru, sizeof ru);
}

int64_t sys_times(struct sys_task *t, const uint64_t a[6])
{
	int64_t ticks = t->ops.clock_ns(t->ctx, 1) / 10000000; /* 100 Hz */
	int64_t tms[4] = { 0, 0, 0, 0 }; /* CPU times: see getrusage */

	if (a[0] && sys_mem_write(t, a[0], tms, sizeof tms) < 0)
		return -LX_EFAULT;
	return ticks;
}
