/* SPDX-License-Identifier: Apache-2.0 */
/* Signals the task sends itself and futex with one thread. */
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "tests/guest/sys/fake.h"

static uint64_t gmask(struct fake *f, uint64_t mask)
{
	return gput(f, &mask, 8);
}

static void test_pending(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t all = gmask(f, ~0ull), abrt = gmask(f, 1ull << (SIGABRT - 1)), old = gbuf(f, 8);
	uint64_t dfl = gbuf(f, 32);

	/* musl's abort(): block, raise, restore; then reset to SIG_DFL,
	 * raise again, unblock SIGABRT */
	CHECK(SC4(f, SYS_rt_sigprocmask, SIG_BLOCK, all, old, 8) == 0, "block every signal");
	CHECK(SC2(f, SYS_tkill, 1, SIGABRT) == 0, "raise SIGABRT while blocked");
	CHECK(sys_task_stop_reason(f->t) == SYS_RUNNING, "a blocked signal waits");
	CHECK(SC4(f, SYS_rt_sigaction, SIGABRT, dfl, 0, 8) == 0, "set SIGABRT to SIG_DFL");
	CHECK(SC4(f, SYS_rt_sigprocmask, SIG_UNBLOCK, abrt, 0, 8) == 0, "unblock SIGABRT");
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_EXIT && sys_task_exit_code(f->t) == 134,
	      "the pending SIGABRT ends the task with 134 on unblock");
	fake_free(f);

	f = fake_new(NULL);
	all = gmask(f, ~0ull);
	SC4(f, SYS_rt_sigprocmask, SIG_SETMASK, all, 0, 8);
	SC2(f, SYS_kill, 1, SIGCHLD);
	SC2(f, SYS_kill, 1, SIGUSR1);
	CHECK(sys_task_stop_reason(f->t) == SYS_RUNNING, "two signals pending");
	{
		uint64_t ign = 1, act = gput(f, &ign, 8);

		memset(f->mem + act + 8, 0, 24);
		SC4(f, SYS_rt_sigaction, SIGUSR1, act, 0, 8);
	}
	SC4(f, SYS_rt_sigprocmask, SIG_SETMASK, gmask(f, 0), 0, 8);
	CHECK(sys_task_stop_reason(f->t) == SYS_RUNNING, "both were ignored when they came due");
	CHECK(SC2(f, SYS_kill, 1, SIGTERM) == 0 && sys_task_exit_code(f->t) == 128 + SIGTERM,
	      "an unblocked SIGTERM ends the task at once");
	fake_free(f);
}

static void test_futex(void)
{
	struct fake *f = fake_new(NULL);
	uint32_t word = 5;
	uint64_t w = gput(f, &word, 4);
	int64_t ts[2] = { 0, 3000 };
	uint64_t rel = gput(f, ts, 16);

	CHECK(SC3(f, SYS_futex, w, FUTEX_WAKE_PRIVATE, 1) == 0, "FUTEX_WAKE finds nobody");
	CHECK(SC4(f, SYS_futex, w, FUTEX_WAIT_PRIVATE, 4, 0) == -EAGAIN, "FUTEX_WAIT on a changed value is EAGAIN");
	CHECK(SC4(f, SYS_futex, w, FUTEX_WAIT_PRIVATE, 5, rel) == -ETIMEDOUT && f->slept == 3000,
	      "FUTEX_WAIT with a timeout sleeps it out");
	f->clock[1] = 1000;
	ts[1] = 1500;
	CHECK(SC6(f, SYS_futex, w, FUTEX_WAIT_BITSET_PRIVATE, 5, gput(f, ts, 16), 0, ~0u) == -ETIMEDOUT &&
		      f->slept == 3500,
	      "FUTEX_WAIT_BITSET waits until an absolute monotonic time");
	CHECK(SC6(f, SYS_futex, w, FUTEX_WAIT_BITSET, 5, rel, 0, 0) == -EINVAL, "an empty bitset is EINVAL");
	f->slept = 0;
	CHECK(SC4(f, SYS_futex, w, FUTEX_WAIT, 5, 0) == -ETIMEDOUT && f->slept == INT64_MAX,
	      "a wait without timeout sleeps until the host's deadline");
	CHECK(SC3(f, SYS_futex, w + 1, FUTEX_WAKE, 1) == -EINVAL, "an unaligned futex is EINVAL");
	CHECK(SC3(f, SYS_futex, 0, FUTEX_WAKE, 1) == -EFAULT, "a NULL futex is EFAULT");
	CHECK(SC6(f, SYS_futex, w, FUTEX_CMP_REQUEUE, 1, 1, w, 4) == -EAGAIN, "FUTEX_CMP_REQUEUE checks the value");
	CHECK(SC3(f, SYS_futex, w, FUTEX_LOCK_PI, 0) == -ENOSYS, "PI futexes are ENOSYS");
	fake_free(f);
}

int main(void)
{
	test_pending();
	test_futex();
	TAP_DONE();
}
