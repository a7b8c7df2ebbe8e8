/* SPDX-License-Identifier: Apache-2.0 */
/* Signal state. Nothing outside can signal a task (no other process, no
 * timers; faults stop it in the VMM), but libcs install handlers and masks
 * at start-up and read them back, so the state is kept and checked as
 * Linux would, and a signal the task sends itself gets its default action. */

#include "guest/sys/sys_internal.h"

#define SIGSET_SIZE 8
#define SIG_KILL 9
#define SIG_STOP 19
#define SIGACTION_SIZE 32
#define SS_ONSTACK_FLAG 1
#define SS_DISABLE_FLAG 2
#define SS_AUTODISARM_FLAG (1u << 31)
#define MIN_SIGSTACK 2048
#define UNBLOCKABLE ((1ull << (SIG_KILL - 1)) | (1ull << (SIG_STOP - 1)))

/* Signals ignored by default (SIGCHLD, SIGCONT, SIGURG, SIGWINCH) and the
 * job-control stops, which have no meaning for a task. */
static int ignored_by_default(uint64_t sig)
{
	return sig == 17 || sig == 18 || sig == 23 || sig == 28 || (sig >= 19 && sig <= 22);
}

static int ignored(const struct sys_task *t, uint64_t sig)
{
	uint64_t handler;

	memcpy(&handler, t->sigactions[sig - 1], sizeof handler);
	return handler == 1 || (handler == 0 && ignored_by_default(sig));
}

/* The only signals a task can get are those it sends itself (abort()
 * raises SIGABRT). One that is not ignored ends the task as a shell would
 * report it, exit code 128 + signal; a handler is never run, since nothing
 * can deliver it. A blocked one waits until it is unblocked: both libcs
 * block signals around raising and rely on the unblock to deliver. */
static void deliver_pending(struct sys_task *t)
{
	uint64_t ready = t->sigpending & ~t->sigmask;
	uint64_t handler;

	for (uint64_t sig = 1; sig <= 64 && ready; sig++) {
		if (!((ready >> (sig - 1)) & 1))
			continue;
		t->sigpending &= ~(1ull << (sig - 1));
		ready &= ~(1ull << (sig - 1));
		if (ignored(t, sig))
			continue;
		memcpy(&handler, t->sigactions[sig - 1], sizeof handler);
		sys_log(t, "the task sent itself signal %llu%s; it ends with code %llu", (unsigned long long)sig,
			handler > 1 ? " (its handler is not run)" : "", (unsigned long long)(128 + sig));
		t->exit_code = (int)(128 + sig);
		sys_stop_task(t, SYS_STOP_EXIT);
		return;
	}
}

static int64_t raise_self(struct sys_task *t, uint64_t sig)
{
	if (sig == 0)
		return 0;
	if (sig > 64)
		return -LX_EINVAL;
	t->sigpending |= 1ull << (sig - 1);
	deliver_pending(t);
	return 0;
}

int64_t sys_rt_sigaction(struct sys_task *t, const uint64_t a[6])
{
	uint64_t sig = a[0];
	uint8_t act[SIGACTION_SIZE];

	if (a[3] != SIGSET_SIZE || sig < 1 || sig > 64)
		return -LX_EINVAL;
	if (a[1] && (sig == SIG_KILL || sig == SIG_STOP))
		return -LX_EINVAL;
	if (a[1] && sys_mem_read(t, act, a[1], sizeof act) < 0)
		return -LX_EFAULT;
	if (a[2] && sys_mem_write(t, a[2], t->sigactions[sig - 1], SIGACTION_SIZE) < 0)
		return -LX_EFAULT;
	if (a[1])
		memcpy(t->sigactions[sig - 1], act, sizeof act);
	return 0;
}

int64_t sys_rt_sigprocmask(struct sys_task *t, const uint64_t a[6])
{
	uint64_t set = 0, old = t->sigmask;

	if (a[3] != SIGSET_SIZE)
		return -LX_EINVAL;
	if (a[1]) {
		if (a[0] > 2)
			return -LX_EINVAL;
		if (sys_mem_read(t, &set, a[1], sizeof set) < 0)
			return -LX_EFAULT;
	}
	if (a[2] && sys_mem_write(t, a[2], &old, sizeof old) < 0)
		return -LX_EFAULT;
	if (a[1]) {
		if (a[0] == 0)
			t->sigmask |= set;
		else if (a[0] == 1)
			t->sigmask &= ~set;
		else
			t->sigmask = set;
		t->sigmask &= ~UNBLOCKABLE;
		deliver_pending(t);
	}
	return 0;
}

int64_t sys_sigaltstack(struct sys_task *t, const uint64_t a[6])
{
	uint8_t ss[24];
	uint32_t flags = 0;
	uint64_t size = 0;

	if (a[0]) {
		if (sys_mem_read(t, ss, a[0], sizeof ss) < 0)
			return -LX_EFAULT;
		memcpy(&flags, ss + 8, sizeof flags);
		memcpy(&size, ss + 16, sizeof size);
		if ((flags & ~(SS_DISABLE_FLAG | SS_AUTODISARM_FLAG | SS_ONSTACK_FLAG)) ||
		    (flags & (SS_DISABLE_FLAG | SS_ONSTACK_FLAG)) == (SS_DISABLE_FLAG | SS_ONSTACK_FLAG))
			return -LX_EINVAL;
		if (!(flags & SS_DISABLE_FLAG) && size < MIN_SIGSTACK)
			return -LX_ENOMEM;
	}
	if (a[1] && sys_mem_write(t, a[1], t->altstack, sizeof t->altstack) < 0)
		return -LX_EFAULT;
	if (a[0]) {
		if (flags & SS_DISABLE_FLAG) {
			memset(ss, 0, sizeof ss);
			ss[8] = SS_DISABLE_FLAG;
		}
		memcpy(t->altstack, ss, sizeof ss);
	}
	return 0;
}

int64_t sys_kill(struct sys_task *t, const uint64_t a[6])
{
	int64_t pid = (int32_t)a[0];

	if (pid != SYS_PID && pid != 0 && pid != -1)
		return -LX_ESRCH;
	return raise_self(t, a[1]);
}

int64_t sys_tkill(struct sys_task *t, const uint64_t a[6])
{
	if ((int32_t)a[0] != SYS_PID)
		return (int32_t)a[0] <= 0 ? -LX_EINVAL : -LX_ESRCH;
	return raise_self(t, a[1]);
}

int64_t sys_tgkill(struct sys_task *t, const uint64_t a[6])
{
	if ((int32_t)a[0] != SYS_PID || (int32_t)a[1] != SYS_PID)
		return (int32_t)a[0] <= 0 || (int32_t)a[1] <= 0 ? -LX_EINVAL : -LX_ESRCH;
	return raise_self(t, a[2]);
}
