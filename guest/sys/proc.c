/* The process: exit, thread-area and thread bookkeeping, identity, limits,
 * randomness, uname, CPU affinity. The task is one process with one
 * thread on one CPU. */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "sys_internal.h"

#define ARCH_SET_FS_CODE 0x1002
#define ARCH_GET_FS_CODE 0x1003
#define CANONICAL_LIMIT 0x0000800000000000ull
#define ROBUST_LIST_HEAD_SIZE 24
#define GETRANDOM_MAX 33554431u
#define GRND_FLAGS 7u /* NONBLOCK | RANDOM | INSECURE */
#define UTS_FIELD 65
#define RLIM_INF UINT64_MAX
#define N_LIMITS 16

SYS_HANDLER(sys_exit)
{
	t->exit_code = (int)(a[0] & 0xff);
	sys_stop_task(t, SYS_STOP_EXIT);
	return 0;
}

SYS_HANDLER(sys_exit_group)
{
	return sys_exit(t, a);
}

SYS_HANDLER(sys_arch_prctl)
{
	switch (a[0]) {
	case ARCH_SET_FS_CODE: {
		int rc;

		if (a[1] >= CANONICAL_LIMIT)
			return -EPERM;
		rc = t->ops.set_fs_base(t->ctx, a[1]);
		if (rc < 0)
			return rc;
		t->fs_base = a[1];
		return 0;
	}
	case ARCH_GET_FS_CODE:
		return sys_mem_write(t, a[1], &t->fs_base, sizeof t->fs_base);
	default:
		return -EINVAL;
	}
}

SYS_HANDLER(sys_set_tid_address)
{
	(void)t;
	(void)a;
	return SYS_PID;
}

/* Accepted and ignored: with one thread there is nobody to wake when it
 * dies, which is all the robust list is for. */
SYS_HANDLER(sys_set_robust_list)
{
	(void)t;
	return a[1] == ROBUST_LIST_HEAD_SIZE ? 0 : -EINVAL;
}

/* Deliberately -ENOSYS (and not counted as unsupported): both libcs treat
 * it as "no rseq" and fall back to getcpu, which is exact here, while
 * registering would promise the kernel's update-and-abort contract on an
 * area the layer never looks at again. */
SYS_HANDLER(sys_rseq)
{
	(void)t;
	(void)a;
	return -ENOSYS;
}

void sys_limits_init(struct sys_task *t)
{
	uint64_t heap = t->cfg.heap_hi - t->cfg.heap_lo;

	for (int i = 0; i < N_LIMITS; i++)
		t->limits[i][0] = t->limits[i][1] = RLIM_INF;
	t->limits[RLIMIT_FSIZE][0] = t->limits[RLIMIT_FSIZE][1] = t->cfg.max_output;
	t->limits[RLIMIT_DATA][0] = t->limits[RLIMIT_DATA][1] = heap;
	t->limits[RLIMIT_STACK][0] = 8ull << 20;
	t->limits[RLIMIT_CORE][0] = t->limits[RLIMIT_CORE][1] = 0;
	t->limits[RLIMIT_NPROC][0] = t->limits[RLIMIT_NPROC][1] = 1;
	t->limits[RLIMIT_NOFILE][0] = t->limits[RLIMIT_NOFILE][1] = t->cfg.max_open_files;
	t->limits[RLIMIT_MEMLOCK][0] = t->limits[RLIMIT_MEMLOCK][1] = 0;
	t->limits[RLIMIT_AS][0] = t->limits[RLIMIT_AS][1] = t->cfg.mem.user_hi - t->cfg.mem.user_lo;
	for (int i = RLIMIT_SIGPENDING; i <= RLIMIT_RTPRIO; i++)
		t->limits[i][0] = t->limits[i][1] = 0;
}

static int64_t do_prlimit(struct sys_task *t, uint64_t res, uint64_t new_gva, uint64_t old_gva)
{
	uint64_t lim[2];

	if (res >= N_LIMITS)
		return -EINVAL;
	if (new_gva) {
		if (sys_mem_read(t, lim, new_gva, sizeof lim) < 0)
			return -EFAULT;
		if (lim[0] > lim[1])
			return -EINVAL;
		if (lim[1] > t->limits[res][1])
			return -EPERM;
	}
	if (old_gva && sys_mem_write(t, old_gva, t->limits[res], sizeof lim) < 0)
		return -EFAULT;
	if (new_gva)
		memcpy(t->limits[res], lim, sizeof lim);
	return 0;
}

SYS_HANDLER(sys_prlimit64)
{
	int64_t pid = (int32_t)a[0];

	if (pid != 0 && pid != SYS_PID)
		return -ESRCH;
	return do_prlimit(t, a[1], a[2], a[3]);
}

SYS_HANDLER(sys_getrlimit)
{
	if (a[1] == 0)
		return -EFAULT;
	return do_prlimit(t, a[0], 0, a[1]);
}

SYS_HANDLER(sys_getrandom)
{
	uint64_t len = a[1] > GETRANDOM_MAX ? GETRANDOM_MAX : a[1];
	void *buf;
	int rc;

	if (a[2] & ~(uint64_t)GRND_FLAGS || (a[2] & 6) == 6)
		return -EINVAL;
	if (len == 0)
		return 0;
	buf = sys_mem(t, a[0], len);
	if (!buf)
		return -EFAULT;
	rc = t->ops.random(t->ctx, buf, (size_t)len);
	return rc < 0 ? rc : (int64_t)len;
}

SYS_HANDLER(sys_uname)
{
	static const char *const fixed[6] = { "Linux", NULL, "6.1.0-kettle", "#1 SMP", "x86_64", "(none)" };
	char u[6][UTS_FIELD];

	memset(u, 0, sizeof u);
	for (int i = 0; i < 6; i++) {
		const char *v = fixed[i] ? fixed[i] : t->hostname;
		size_t n = strnlen(v, UTS_FIELD - 1);

		memcpy(u[i], v, n);
	}
	return sys_mem_write(t, a[0], u, sizeof u);
}

SYS_HANDLER(sys_getpid)
{
	(void)t;
	(void)a;
	return SYS_PID;
}

SYS_HANDLER(sys_getppid)
{
	(void)t;
	(void)a;
	return 0;
}

SYS_HANDLER(sys_getuid)
{
	(void)t;
	(void)a;
	return SYS_UID;
}

SYS_HANDLER(sys_getgid)
{
	(void)t;
	(void)a;
	return SYS_GID;
}

SYS_HANDLER(sys_sched_getaffinity)
{
	uint64_t mask = 1;
	int64_t pid = (int32_t)a[0];

	if (pid != 0 && pid != SYS_PID)
		return -ESRCH;
	if (a[1] < sizeof mask || a[1] % sizeof mask)
		return -EINVAL;
	if (sys_mem_write(t, a[2], &mask, sizeof mask) < 0)
		return -EFAULT;
	return sizeof mask;
}

SYS_HANDLER(sys_sched_yield)
{
	(void)t;
	(void)a;
	return 0;
}

SYS_HANDLER(sys_getcpu)
{
	uint32_t zero = 0;

	if (a[0] && sys_mem_write(t, a[0], &zero, sizeof zero) < 0)
		return -EFAULT;
	if (a[1] && sys_mem_write(t, a[1], &zero, sizeof zero) < 0)
		return -EFAULT;
	return 0;
}

/* Memory figures describe what the task can get: the heap range. */
SYS_HANDLER(sys_sysinfo)
{
	uint8_t b[112] = { 0 };
	int64_t uptime = t->ops.clock_ns(t->ctx, 1) / 1000000000;
	uint64_t total = t->cfg.heap_hi - t->cfg.heap_lo, used = 0, free_bytes;
	uint16_t procs = 1;
	uint32_t unit = 1;

	/* bits past the last page are never set, so whole bytes count */
	for (uint64_t i = 0; i < t->n_pages / 8 + 1; i++)
		used += (uint64_t)__builtin_popcount(t->used[i]);
	free_bytes = (t->n_pages - used) * SYS_PAGE;
	memcpy(b + 0, &uptime, 8);
	memcpy(b + 32, &total, 8);
	memcpy(b + 40, &free_bytes, 8);
	memcpy(b + 80, &procs, 2);
	memcpy(b + 104, &unit, 4);
	return sys_mem_write(t, a[0], b, sizeof b);
}
