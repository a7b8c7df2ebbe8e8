/* SPDX-License-Identifier: Apache-2.0 */
/* The process: exit, the thread area and thread bookkeeping, prctl and
 * resource limits. The task is one process with one thread. */

#include "guest/sys/sys_internal.h"

#define ARCH_SET_FS_CODE 0x1002
#define ARCH_GET_FS_CODE 0x1003
#define CANONICAL_LIMIT 0x0000800000000000ull
#define ROBUST_LIST_HEAD_SIZE 24
#define RLIM_INF UINT64_MAX
#define N_LIMITS 16

int64_t sys_exit(struct sys_task *t, const uint64_t a[6])
{
	t->exit_code = (int)(a[0] & 0xff);
	sys_stop_task(t, SYS_STOP_EXIT);
	return 0;
}

int64_t sys_exit_group(struct sys_task *t, const uint64_t a[6])
{
	return sys_exit(t, a);
}

int64_t sys_arch_prctl(struct sys_task *t, const uint64_t a[6])
{
	switch (a[0]) {
	case ARCH_SET_FS_CODE: {
		int rc;

		if (a[1] >= CANONICAL_LIMIT)
			return -LX_EPERM;
		rc = t->ops.set_fs_base(t->ctx, a[1]);
		if (rc < 0)
			return rc;
		t->fs_base = a[1];
		return 0;
	}
	case ARCH_GET_FS_CODE:
		return sys_mem_write(t, a[1], &t->fs_base, sizeof t->fs_base);
	default:
		return -LX_EINVAL;
	}
}

int64_t sys_set_tid_address(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return SYS_PID;
}

/* Accepted and ignored: with one thread there is nobody to wake when it
 * dies, which is all the robust list is for. */
int64_t sys_set_robust_list(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	return a[1] == ROBUST_LIST_HEAD_SIZE ? 0 : -LX_EINVAL;
}

/* Deliberately -ENOSYS (and not counted as unsupported): both libcs treat
 * it as "no rseq" and fall back to getcpu, which is exact here, while
 * registering would promise the kernel's update-and-abort contract on an
 * area the layer never looks at again. */
int64_t sys_rseq(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return -LX_ENOSYS;
}

void sys_limits_init(struct sys_task *t)
{
	uint64_t heap = t->cfg.heap_hi - t->cfg.heap_lo;

	for (int i = 0; i < N_LIMITS; i++)
		t->limits[i][0] = t->limits[i][1] = RLIM_INF;
	t->limits[LX_RLIMIT_FSIZE][0] = t->limits[LX_RLIMIT_FSIZE][1] = t->cfg.max_output;
	t->limits[LX_RLIMIT_DATA][0] = t->limits[LX_RLIMIT_DATA][1] = heap;
	t->limits[LX_RLIMIT_STACK][0] = 8ull << 20;
	t->limits[LX_RLIMIT_CORE][0] = t->limits[LX_RLIMIT_CORE][1] = 0;
	t->limits[LX_RLIMIT_NPROC][0] = t->limits[LX_RLIMIT_NPROC][1] = 1;
	t->limits[LX_RLIMIT_NOFILE][0] = t->limits[LX_RLIMIT_NOFILE][1] = t->cfg.max_open_files;
	t->limits[LX_RLIMIT_MEMLOCK][0] = t->limits[LX_RLIMIT_MEMLOCK][1] = 0;
	t->limits[LX_RLIMIT_AS][0] = t->limits[LX_RLIMIT_AS][1] = t->cfg.mem.user_hi - t->cfg.mem.user_lo;
	for (int i = LX_RLIMIT_SIGPENDING; i <= LX_RLIMIT_RTPRIO; i++)
		t->limits[i][0] = t->limits[i][1] = 0;
}

static int64_t do_prlimit(struct sys_task *t, uint64_t res, uint64_t new_gva, uint64_t old_gva)
{
	uint64_t lim[2];

	if (res >= N_LIMITS)
		return -LX_EINVAL;
	if (new_gva) {
		if (sys_mem_read(t, lim, new_gva, sizeof lim) < 0)
			return -LX_EFAULT;
		if (lim[0] > lim[1])
			return -LX_EINVAL;
		if (lim[1] > t->limits[res][1])
			return -LX_EPERM;
	}
	if (old_gva && sys_mem_write(t, old_gva, t->limits[res], sizeof lim) < 0)
		return -LX_EFAULT;
	if (new_gva)
		memcpy(t->limits[res], lim, sizeof lim);
	return 0;
}

int64_t sys_prlimit64(struct sys_task *t, const uint64_t a[6])
{
	int64_t pid = (int32_t)a[0];

	if (pid != 0 && pid != SYS_PID)
		return -LX_ESRCH;
	return do_prlimit(t, a[1], a[2], a[3]);
}

int64_t sys_getrlimit(struct sys_task *t, const uint64_t a[6])
{
	if (a[1] == 0)
		return -LX_EFAULT;
	return do_prlimit(t, a[0], 0, a[1]);
}

/* The options libcs and runtimes use on themselves; the name is kept so
 * it reads back. Unknown options are EINVAL, as on Linux. */
int64_t sys_prctl(struct sys_task *t, const uint64_t a[6])
{
	switch (a[0]) {
	case LX_PR_SET_NAME: {
		char name[16];
		int rc = sys_mem_string(t, a[1], name, sizeof name);

		if (rc == -LX_EFAULT)
			return rc;
		if (rc == -LX_ENAMETOOLONG && sys_mem_read(t, name, a[1], sizeof name - 1) < 0)
			return -LX_EFAULT;
		name[sizeof name - 1] = 0;
		memcpy(t->comm, name, sizeof name);
		return 0;
	}
	case LX_PR_GET_NAME:
		return sys_mem_write(t, a[1], t->comm, sizeof t->comm);
	case LX_PR_GET_DUMPABLE:
		return 0;
	case LX_PR_SET_DUMPABLE:
		return a[1] <= 1 ? 0 : -LX_EINVAL;
	case LX_PR_SET_NO_NEW_PRIVS:
		return a[1] == 1 && !a[2] && !a[3] && !a[4] ? 0 : -LX_EINVAL;
	case LX_PR_GET_NO_NEW_PRIVS:
		return 1;
	case LX_PR_SET_PDEATHSIG:
		return a[1] <= 64 ? 0 : -LX_EINVAL;
	default:
		return -LX_EINVAL;
	}
}
