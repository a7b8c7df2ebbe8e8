/* SPDX-License-Identifier: Apache-2.0 */
/* The start-up path both libcs take, and the dispatch bookkeeping. */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "tests/guest/sys/fake.h"

static void test_startup(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t iov[4];
	uint64_t msg1 = gput(f, "hello ", 6), msg2 = gput(f, "world\n", 6);
	int64_t brk0, addr;

	CHECK(SC2(f, SYS_arch_prctl, 0x1002, 0x7000) == 0 && f->fs_base == 0x7000, "arch_prctl ARCH_SET_FS goes to ops");
	CHECK(SC1(f, SYS_set_tid_address, 0x5000) == 1, "set_tid_address returns the tid");
	CHECK(SC3(f, SYS_ioctl, 1, 0x5413, gbuf(f, 8)) == -ENOTTY, "ioctl TIOCGWINSZ on stdout is ENOTTY");
	iov[0] = msg1, iov[1] = 6, iov[2] = msg2, iov[3] = 6;
	CHECK(SC3(f, SYS_writev, 1, gput(f, iov, sizeof iov), 2) == 12, "writev of two pieces writes 12 bytes");
	CHECK(f->out_len[1] == 12 && memcmp(f->out[1], "hello world\n", 12) == 0, "stdout got the bytes in order");
	CHECK(SC3(f, SYS_write, 2, msg1, 6) == 6 && f->out_len[2] == 6, "write to stderr");
	brk0 = SC1(f, SYS_brk, 0);
	CHECK(brk0 == (int64_t)HEAP_LO, "brk(0) is brk_start");
	CHECK(SC1(f, SYS_brk, brk0 + 0x2d00) == brk0 + 0x2d00, "brk grows to an unaligned break");
	addr = SC6(f, SYS_mmap, 0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(addr > brk0 && addr % PAGE == 0 && addr + (1 << 20) <= (int64_t)HEAP_HI, "anonymous mmap inside the heap");
	CHECK(SC1(f, SYS_exit_group, 0x107) == 0, "exit_group returns to the host");
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_EXIT && sys_task_exit_code(f->t) == 7,
	      "exit_group stops the task with code & 0xff");
	CHECK(sys_task_syscall_count(f->t) == 9, "every call is counted");
	fake_free(f);
}

static void test_unsupported(void)
{
	struct fake *f = fake_new(NULL);
	const uint64_t *nrs;

	CHECK(SC0(f, SYS_fork) == -ENOSYS, "fork is ENOSYS");
	CHECK(f->logs == 1 && strstr(f->last_log, "fork"), "the log line names the syscall");
	CHECK(SC0(f, SYS_fork) == -ENOSYS && f->logs == 1, "a second fork is not logged again");
	CHECK(SC0(f, 100000) == -ENOSYS && f->logs == 2, "an unknown number is ENOSYS and logged");
	CHECK(SC0(f, UINT64_MAX) == -ENOSYS, "the largest number does not index past the table");
	CHECK(sys_task_unsupported(f->t, &nrs) == 3 && nrs[0] == SYS_fork && nrs[1] == 100000 && nrs[2] == UINT64_MAX,
	      "unsupported numbers are recorded once, in order");
	CHECK(SC4(f, SYS_rseq, gbuf(f, 32), 32, 0, 0x53053053) == -ENOSYS, "rseq is ENOSYS by choice");
	CHECK(sys_task_unsupported(f->t, NULL) == 3, "rseq is not recorded as unsupported");
	CHECK(sys_name(SYS_openat) && strcmp(sys_name(SYS_openat), "openat") == 0, "sys_name knows openat");
	CHECK(sys_name(100000) == NULL, "sys_name of an unknown number is NULL");
	fake_free(f);
}

static void test_bad_config(void)
{
	uint8_t mem[64];
	struct sys_config c = fake_config(mem);
	struct sys_ops ops = fake_ops;

	c.heap_lo = HEAP_LO + 1;
	CHECK(sys_task_new(&c, &fake_ops, NULL) == NULL, "an unaligned heap is refused");
	c = fake_config(mem);
	c.mem.user_hi = MEM_SIZE + PAGE;
	CHECK(sys_task_new(&c, &fake_ops, NULL) == NULL, "a user range past memory is refused");
	c = fake_config(mem);
	c.brk_start = HEAP_HI + 1;
	CHECK(sys_task_new(&c, &fake_ops, NULL) == NULL, "brk_start outside the heap is refused");
	c = fake_config(mem);
	ops.random = NULL;
	CHECK(sys_task_new(&c, &ops, NULL) == NULL, "missing required ops are refused");
	ops = fake_ops;
	ops.alloc = NULL;
	CHECK(sys_task_new(&c, &ops, NULL) == NULL, "a missing allocator is refused");
}

int main(void)
{
	test_startup();
	test_unsupported();
	test_bad_config();
	TAP_DONE();
}
