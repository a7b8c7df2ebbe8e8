/* SPDX-License-Identifier: Apache-2.0 */
/* What the task can learn about itself and its machine: ids, uname,
 * memory figures, the one CPU, randomness. pid = tid = 1, uid = gid = 1000. */

#include "guest/sys/sys_internal.h"

#define GETRANDOM_MAX 33554431u
#define GRND_FLAGS 7u /* NONBLOCK | RANDOM | INSECURE */
#define UTS_FIELD 65

int64_t sys_getrandom(struct sys_task *t, const uint64_t a[6])
{
	uint64_t len = a[1] > GETRANDOM_MAX ? GETRANDOM_MAX : a[1];
	void *buf;
	int rc;

	if (a[2] & ~(uint64_t)GRND_FLAGS || (a[2] & 6) == 6)
		return -LX_EINVAL;
	if (len == 0)
		return 0;
	buf = sys_mem(t, a[0], len);
	if (!buf)
		return -LX_EFAULT;
	rc = t->ops.random(t->ctx, buf, (size_t)len);
	return rc < 0 ? rc : (int64_t)len;
}

int64_t sys_uname(struct sys_task *t, const uint64_t a[6])
{
	static const char *const fixed[6] = { "Linux", NULL, "6.1.0-kettle", "#1 SMP", "x86_64", "(none)" };
	char u[6][UTS_FIELD];

	memset(u, 0, sizeof u);
	for (int i = 0; i < 6; i++) {
		const char *v = fixed[i] ? fixed[i] : t->hostname;
		size_t n = sys_strnlen(v, UTS_FIELD - 1);

		memcpy(u[i], v, n);
	}
	return sys_mem_write(t, a[0], u, sizeof u);
}

int64_t sys_getpid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return SYS_PID;
}

int64_t sys_getppid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return 0;
}

int64_t sys_getuid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return SYS_UID;
}

int64_t sys_getgid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return SYS_GID;
}

int64_t sys_sched_getaffinity(struct sys_task *t, const uint64_t a[6])
{
	uint64_t mask = 1;
	int64_t pid = (int32_t)a[0];

	if (pid != 0 && pid != SYS_PID)
		return -LX_ESRCH;
	if (a[1] < sizeof mask || a[1] % sizeof mask)
		return -LX_EINVAL;
	if (sys_mem_write(t, a[2], &mask, sizeof mask) < 0)
		return -LX_EFAULT;
	return sizeof mask;
}

int64_t sys_sched_yield(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return 0;
}

int64_t sys_getcpu(struct sys_task *t, const uint64_t a[6])
{
	uint32_t zero = 0;

	if (a[0] && sys_mem_write(t, a[0], &zero, sizeof zero) < 0)
		return -LX_EFAULT;
	if (a[1] && sys_mem_write(t, a[1], &zero, sizeof zero) < 0)
		return -LX_EFAULT;
	return 0;
}

/* Memory figures describe what the task can get: the heap range. */
int64_t sys_sysinfo(struct sys_task *t, const uint64_t a[6])
{
	uint8_t b[112] = { 0 };
	int64_t uptime = t->ops.clock_ns(t->ctx, 1) / 1000000000;
	uint64_t total = t->cfg.heap_hi - t->cfg.heap_lo, used = 0, free_bytes;
	uint16_t procs = 1;
	uint32_t unit = 1;

	/* bits past the last page are never set, so whole bytes count */
	for (uint64_t i = 0; i < t->n_pages / 8 + 1; i++)
		for (uint8_t bits = t->used[i]; bits; bits &= (uint8_t)(bits - 1))
			used++;
	free_bytes = (t->n_pages - used) * SYS_PAGE;
	memcpy(b + 0, &uptime, 8);
	memcpy(b + 32, &total, 8);
	memcpy(b + 40, &free_bytes, 8);
	memcpy(b + 80, &procs, 2);
	memcpy(b + 104, &unit, 4);
	return sys_mem_write(t, a[0], b, sizeof b);
}

/* The ids cannot change: setting them to what they are succeeds (programs
 * drop privileges this way), anything else is EPERM as for any
 * unprivileged process. -1 means "leave unchanged" in the set*res* and
 * set*re* forms. */
static int64_t keep_id(uint64_t v, uint32_t current)
{
	uint32_t id = (uint32_t)v;

	return id == current || id == UINT32_MAX ? 0 : -LX_EPERM;
}

int64_t sys_setuid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	return keep_id(a[0], SYS_UID);
}

int64_t sys_setgid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	return keep_id(a[0], SYS_GID);
}

int64_t sys_setreuid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	return keep_id(a[0], SYS_UID) ? -LX_EPERM : keep_id(a[1], SYS_UID);
}

int64_t sys_setregid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	return keep_id(a[0], SYS_GID) ? -LX_EPERM : keep_id(a[1], SYS_GID);
}

int64_t sys_setresuid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	return keep_id(a[0], SYS_UID) || keep_id(a[1], SYS_UID) ? -LX_EPERM : keep_id(a[2], SYS_UID);
}

int64_t sys_setresgid(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	return keep_id(a[0], SYS_GID) || keep_id(a[1], SYS_GID) ? -LX_EPERM : keep_id(a[2], SYS_GID);
}

static int64_t put_three_ids(struct sys_task *t, const uint64_t a[6], uint32_t id)
{
	for (int i = 0; i < 3; i++)
		if (sys_mem_write(t, a[i], &id, sizeof id) < 0)
			return -LX_EFAULT;
	return 0;
}

int64_t sys_getresuid(struct sys_task *t, const uint64_t a[6])
{
	return put_three_ids(t, a, SYS_UID);
}

int64_t sys_getresgid(struct sys_task *t, const uint64_t a[6])
{
	return put_three_ids(t, a, SYS_GID);
}

/* The task has no supplementary groups. */
int64_t sys_getgroups(struct sys_task *t, const uint64_t a[6])
{
	(void)t;
	return (int32_t)a[0] < 0 ? -LX_EINVAL : 0;
}
