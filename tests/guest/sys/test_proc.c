/* SPDX-License-Identifier: Apache-2.0 */
/* Process, time and signal calls: everything external goes through ops,
 * arguments are checked as Linux checks them. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#include "tests/guest/sys/fake.h"

static int64_t get64(struct fake *f, uint64_t gva)
{
	int64_t v;

	memcpy(&v, f->mem + gva, 8);
	return v;
}

static void test_time(struct fake *f)
{
	uint64_t ts = gbuf(f, 16), req = gbuf(f, 16);
	int64_t spec[2];

	f->clock[0] = 1700000000123456789ll;
	f->clock[1] = 5000000007ll;
	CHECK(SC2(f, SYS_clock_gettime, CLOCK_REALTIME, ts) == 0 && get64(f, ts) == 1700000000 &&
		      get64(f, ts + 8) == 123456789,
	      "CLOCK_REALTIME comes from ops clock 0");
	CHECK(SC2(f, SYS_clock_gettime, CLOCK_MONOTONIC, ts) == 0 && get64(f, ts) == 5 && get64(f, ts + 8) == 7,
	      "CLOCK_MONOTONIC comes from ops clock 1");
	CHECK(SC2(f, SYS_clock_gettime, CLOCK_BOOTTIME, ts) == 0 && get64(f, ts) == 5, "CLOCK_BOOTTIME is monotonic");
	CHECK(SC2(f, SYS_clock_gettime, 99, ts) == -EINVAL, "an unknown clock is EINVAL");
	CHECK(SC2(f, SYS_clock_getres, CLOCK_MONOTONIC, ts) == 0 && get64(f, ts + 8) == 1, "clock_getres is 1 ns");
	CHECK(SC2(f, SYS_gettimeofday, ts, 0) == 0 && get64(f, ts) == 1700000000 && get64(f, ts + 8) == 123456,
	      "gettimeofday in microseconds");
	CHECK(SC2(f, SYS_gettimeofday, 0, 8) == -EFAULT, "gettimeofday with a bad tz is EFAULT");
	CHECK(SC1(f, SYS_time, 0) == 1700000000, "time(NULL)");
	CHECK(SC1(f, SYS_time, ts) == 1700000000 && get64(f, ts) == 1700000000, "time(&t) stores too");
	spec[0] = 1, spec[1] = 500;
	memcpy(f->mem + req, spec, 16);
	CHECK(SC2(f, SYS_nanosleep, req, 0) == 0 && f->slept == 1000000500, "nanosleep goes to ops->sleep_ns");
	spec[1] = 1000000000;
	memcpy(f->mem + req, spec, 16);
	CHECK(SC2(f, SYS_nanosleep, req, 0) == -EINVAL, "tv_nsec of a full second is EINVAL");
	spec[0] = -1, spec[1] = 0;
	memcpy(f->mem + req, spec, 16);
	CHECK(SC2(f, SYS_nanosleep, req, 0) == -EINVAL, "a negative time is EINVAL");
	CHECK(SC2(f, SYS_nanosleep, 0, 0) == -EFAULT, "nanosleep(NULL) is EFAULT");
	f->slept = 0;
	spec[0] = 0, spec[1] = 0;
	spec[0] = (f->clock[1] + 2000000000) / 1000000000;
	spec[1] = (f->clock[1] + 2000000000) % 1000000000;
	memcpy(f->mem + req, spec, 16);
	CHECK(SC4(f, SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, req, 0) == 0 && f->slept == 2000000000,
	      "clock_nanosleep TIMER_ABSTIME sleeps until the deadline");
	CHECK(SC4(f, SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, req, 0) == 0 && f->slept == 2000000000,
	      "a deadline in the past does not sleep");
	CHECK(SC4(f, SYS_clock_nanosleep, CLOCK_MONOTONIC, 2, req, 0) == -EINVAL, "unknown flags are EINVAL");
}

static void test_identity(struct fake *f)
{
	uint64_t u = gbuf(f, 390), rl = gbuf(f, 16), mask = gbuf(f, 128), cpu = gbuf(f, 8);
	uint64_t lim[2];

	CHECK(SC0(f, SYS_getpid) == 1 && SC0(f, SYS_gettid) == 1 && SC0(f, SYS_getppid) == 0, "pid 1, tid 1, ppid 0");
	CHECK(SC0(f, SYS_getuid) == SC0(f, SYS_geteuid) && SC0(f, SYS_getgid) == SC0(f, SYS_getegid),
	      "real and effective ids agree");
	CHECK(SC1(f, SYS_uname, u) == 0 && strcmp((char *)f->mem + u, "Linux") == 0 &&
		      strcmp((char *)f->mem + u + 65, "testhost") == 0 &&
		      strcmp((char *)f->mem + u + 4 * 65, "x86_64") == 0,
	      "uname: Linux, the configured hostname, x86_64");
	CHECK(SC4(f, SYS_prlimit64, 0, RLIMIT_NOFILE, 0, rl) == 0 && get64(f, rl) == 16, "RLIMIT_NOFILE is max_open_files");
	CHECK(SC4(f, SYS_prlimit64, 0, RLIMIT_FSIZE, 0, rl) == 0 && get64(f, rl) == 1 << 20, "RLIMIT_FSIZE is max_output");
	CHECK(SC4(f, SYS_prlimit64, 0, RLIMIT_STACK, 0, rl) == 0 && get64(f, rl) == 8 << 20, "RLIMIT_STACK is 8 MiB");
	CHECK(SC4(f, SYS_prlimit64, 0, RLIMIT_DATA, 0, rl) == 0 && get64(f, rl) == (int64_t)(HEAP_HI - HEAP_LO),
	      "RLIMIT_DATA is the heap size");
	CHECK(SC4(f, SYS_prlimit64, 0, 99, 0, rl) == -EINVAL, "an unknown resource is EINVAL");
	CHECK(SC4(f, SYS_prlimit64, 42, RLIMIT_NOFILE, 0, rl) == -ESRCH, "another pid is ESRCH");
	lim[0] = 8, lim[1] = 8;
	CHECK(SC4(f, SYS_prlimit64, 0, RLIMIT_NOFILE, gput(f, lim, 16), 0) == 0, "lowering a limit is accepted");
	CHECK(SC2(f, SYS_getrlimit, RLIMIT_NOFILE, rl) == 0 && get64(f, rl) == 8, "and reads back");
	lim[0] = 100, lim[1] = 100;
	CHECK(SC4(f, SYS_prlimit64, 0, RLIMIT_NOFILE, gput(f, lim, 16), 0) == -EPERM, "raising it is EPERM");
	lim[0] = 9, lim[1] = 1;
	CHECK(SC4(f, SYS_prlimit64, 0, RLIMIT_NOFILE, gput(f, lim, 16), 0) == -EINVAL, "cur above max is EINVAL");
	CHECK(SC3(f, SYS_sched_getaffinity, 0, 128, mask) == 8 && get64(f, mask) == 1, "one CPU in the affinity mask");
	CHECK(SC3(f, SYS_sched_getaffinity, 0, 4, mask) == -EINVAL, "a mask shorter than a long is EINVAL");
	CHECK(SC0(f, SYS_sched_yield) == 0, "sched_yield");
	CHECK(SC3(f, SYS_getcpu, cpu, cpu + 4, 0) == 0 && get64(f, cpu) == 0, "getcpu says CPU 0, node 0");
}

static void test_thread_setup(struct fake *f)
{
	uint64_t out = gbuf(f, 8), buf = gbuf(f, 64);
	int calls = f->random_calls;

	CHECK(SC2(f, SYS_arch_prctl, 0x1002, 0x123000) == 0 && f->fs_base == 0x123000, "ARCH_SET_FS");
	CHECK(SC2(f, SYS_arch_prctl, 0x1003, out) == 0 && get64(f, out) == 0x123000, "ARCH_GET_FS reads it back");
	CHECK(SC2(f, SYS_arch_prctl, 0x1002, 0x800000000000ull) == -EPERM, "a non-canonical FS base is EPERM");
	CHECK(SC2(f, SYS_arch_prctl, 0x1003, 0) == -EFAULT, "ARCH_GET_FS into NULL is EFAULT");
	CHECK(SC2(f, SYS_arch_prctl, 0x9999, 0) == -EINVAL, "an unknown arch_prctl code is EINVAL");
	CHECK(SC2(f, SYS_set_robust_list, buf, 24) == 0, "set_robust_list with the right size");
	CHECK(SC2(f, SYS_set_robust_list, buf, 23) == -EINVAL, "set_robust_list with a wrong size is EINVAL");
	CHECK(SC3(f, SYS_getrandom, buf, 16, 1) == 16 && f->mem[buf] == 0xA5 && f->random_calls == calls + 1,
	      "getrandom goes to ops->random");
	CHECK(SC3(f, SYS_getrandom, buf, 16, 0x40) == -EINVAL, "getrandom with unknown flags is EINVAL");
	CHECK(SC3(f, SYS_getrandom, buf, 16, 6) == -EINVAL, "GRND_RANDOM with GRND_INSECURE is EINVAL");
	CHECK(SC3(f, SYS_getrandom, 0, 16, 0) == -EFAULT, "getrandom into NULL is EFAULT");
	CHECK(SC3(f, SYS_getrandom, buf, 0, 0) == 0, "getrandom of 0 bytes is 0");
}

static void test_signals(struct fake *f)
{
	uint64_t act = gbuf(f, 32), old = gbuf(f, 32), set = gbuf(f, 8), oset = gbuf(f, 8), ss = gbuf(f, 24);
	uint64_t handler = 0x401000, mask = 1ull << 1;

	memcpy(f->mem + act, &handler, 8);
	CHECK(SC4(f, SYS_rt_sigaction, 2, act, 0, 8) == 0, "install a SIGINT handler");
	CHECK(SC4(f, SYS_rt_sigaction, 2, 0, old, 8) == 0 && get64(f, old) == 0x401000, "read it back");
	CHECK(SC4(f, SYS_rt_sigaction, 9, act, 0, 8) == -EINVAL, "a SIGKILL handler is EINVAL");
	CHECK(SC4(f, SYS_rt_sigaction, 65, 0, old, 8) == -EINVAL, "signal 65 is EINVAL");
	CHECK(SC4(f, SYS_rt_sigaction, 2, act, 0, 4) == -EINVAL, "a wrong sigset size is EINVAL");
	CHECK(SC4(f, SYS_rt_sigaction, 2, 8, 0, 8) == -EFAULT, "a bad act pointer is EFAULT");
	memcpy(f->mem + set, &mask, 8);
	CHECK(SC4(f, SYS_rt_sigprocmask, 0, set, 0, 8) == 0, "SIG_BLOCK SIGINT");
	CHECK(SC4(f, SYS_rt_sigprocmask, 1, 0, oset, 8) == 0 && get64(f, oset) == 2, "the mask reads back");
	mask = ~0ull;
	memcpy(f->mem + set, &mask, 8);
	SC4(f, SYS_rt_sigprocmask, 2, set, 0, 8);
	SC4(f, SYS_rt_sigprocmask, 0, 0, oset, 8);
	CHECK((get64(f, oset) & (1ull << 8)) == 0, "SIGKILL can never be blocked");
	CHECK(SC4(f, SYS_rt_sigprocmask, 7, set, 0, 8) == -EINVAL, "a bad how is EINVAL");
	CHECK(SC2(f, SYS_sigaltstack, 0, ss) == 0 && f->mem[ss + 8] == 2, "no alternate stack at first (SS_DISABLE)");
	{
		uint64_t st[3] = { 0x500000, 0, 1024 };

		CHECK(SC2(f, SYS_sigaltstack, gput(f, st, 24), 0) == -ENOMEM, "a 1 KiB alternate stack is ENOMEM");
		st[2] = 65536;
		CHECK(SC2(f, SYS_sigaltstack, gput(f, st, 24), 0) == 0, "a 64 KiB one is accepted");
		CHECK(SC2(f, SYS_sigaltstack, 0, ss) == 0 && get64(f, ss) == 0x500000, "and reads back");
	}
}

static void test_exit(void)
{
	struct fake *f = fake_new(NULL);

	CHECK(sys_task_stop_reason(f->t) == SYS_RUNNING, "a new task is running");
	SC1(f, SYS_exit, 3);
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_EXIT && sys_task_exit_code(f->t) == 3, "exit(3)");
	SC3(f, SYS_write, 1, gput(f, "x", 1), 1);
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_EXIT, "the first stop reason stays");
	fake_free(f);
}

int main(void)
{
	struct fake *f = fake_new(NULL);

	test_time(f);
	test_identity(f);
	test_thread_setup(f);
	test_signals(f);
	fake_free(f);
	test_exit();
	TAP_DONE();
}
