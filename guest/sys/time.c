/* Clocks and sleeping, all through ops->clock_ns and ops->sleep_ns. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "guest/sys/sys_internal.h"

#define NS 1000000000ll

/* Linux clock ids folded onto the two clocks the host provides; the CPU
 * time clocks read the monotonic clock, which bounds them from above. */
static int host_clock(uint64_t id)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
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

SYS_HANDLER(sys_clock_gettime)
{
	int c = host_clock(a[0]);

	if (c < 0)
		return -EINVAL;
	return put_timespec(t, a[1], t->ops.clock_ns(t->ctx, c));
}

SYS_HANDLER(sys_clock_getres)
{
	if (host_clock(a[0]) < 0)
		return -EINVAL;
	return a[1] ? put_timespec(t, a[1], 1) : 0;
}

SYS_HANDLER(sys_gettimeofday)
{
	int64_t ns = t->ops.clock_ns(t->ctx, 0);

	if (a[0]) {
		int64_t tv[2] = { ns / NS, ns % NS / 1000 };

		if (sys_mem_write(t, a[0], tv, sizeof tv) < 0)
			return -EFAULT;
	}
	if (a[1]) {
		int32_t tz[2] = { 0, 0 }; /* UTC, no DST */

		if (sys_mem_write(t, a[1], tz, sizeof tz) < 0)
			return -EFAULT;
	}
	return 0;
}

SYS_HANDLER(sys_time)
{
	int64_t secs = t->ops.clock_ns(t->ctx, 0) / NS;

	if (a[0] && sys_mem_write(t, a[0], &secs, sizeof secs) < 0)
		return -EFAULT;
	return secs;
}

/* Reads a guest timespec and checks it as Linux does. */
static int get_timespec_ns(struct sys_task *t, uint64_t gva, int64_t *ns)
{
	int64_t ts[2];

	if (sys_mem_read(t, ts, gva, sizeof ts) < 0)
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= NS)
		return -EINVAL;
	*ns = ts[0] > INT64_MAX / NS - 1 ? INT64_MAX : ts[0] * NS + ts[1];
	return 0;
}

SYS_HANDLER(sys_nanosleep)
{
	int64_t ns;
	int rc = get_timespec_ns(t, a[0], &ns);

	if (rc < 0)
		return rc;
	if (ns > 0)
		t->ops.sleep_ns(t->ctx, ns);
	return 0;
}

SYS_HANDLER(sys_clock_nanosleep)
{
	int c = host_clock(a[0]);
	int64_t ns;
	int rc;

	if (c < 0 || a[0] == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if (a[1] & ~(uint64_t)TIMER_ABSTIME)
		return -EINVAL;
	rc = get_timespec_ns(t, a[2], &ns);
	if (rc < 0)
		return rc;
	if (a[1] & TIMER_ABSTIME)
		ns -= t->ops.clock_ns(t->ctx, c);
	if (ns > 0)
		t->ops.sleep_ns(t->ctx, ns);
	return 0;
}

/* CPU time is not measured by the layer: the usage counters read zero
 * (the VMM reports real figures in the result). */
SYS_HANDLER(sys_getrusage)
{
	int64_t who = (int32_t)a[0];
	uint8_t ru[144] = { 0 };

	if (who != 0 && who != -1 && who != 1)
		return -EINVAL;
	return sys_mem_write(t, a[1], ru, sizeof ru);
}

SYS_HANDLER(sys_times)
{
	int64_t ticks = t->ops.clock_ns(t->ctx, 1) / 10000000; /* 100 Hz */
	int64_t tms[4] = { 0, 0, 0, 0 }; /* CPU times: see getrusage */

	if (a[0] && sys_mem_write(t, a[0], tms, sizeof tms) < 0)
		return -EFAULT;
	return ticks;
}
