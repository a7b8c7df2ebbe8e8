/* SPDX-License-Identifier: Apache-2.0 */
/* The calls beyond the libc start-up path: pwrite64, ftruncate, fsync,
 * statx, poll, mkdir, signals sent to self, getrusage, times. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "tests/guest/sys/fake.h"

static void test_file_writes(void)
{
	struct sys_config c = fake_config(NULL);
	struct fake *f;
	const uint8_t *data;
	size_t len;
	int64_t fd, in;

	c.max_output = 64;
	f = fake_new(&c);
	sys_task_add_file(f->t, "/input/i", "abc", 3);
	fd = SC3(f, SYS_open, gput(f, "/output/p", 0), O_CREAT | O_RDWR, 0644);
	in = SC2(f, SYS_open, gput(f, "/input/i", 0), O_RDONLY);
	CHECK(SC4(f, SYS_pwrite64, fd, gput(f, "xyz", 3), 3, 4) == 3, "pwrite64 at offset 4");
	sys_task_output(f->t, 0, NULL, &data, &len);
	CHECK(len == 7 && memcmp(data, "\0\0\0\0xyz", 7) == 0, "the hole before it is zero");
	CHECK(SC3(f, SYS_lseek, fd, 0, SEEK_CUR) == 0, "pwrite64 leaves the offset alone");
	CHECK(SC4(f, SYS_pwrite64, fd, gput(f, "x", 1), 1, -1) == -EINVAL, "pwrite64 at a negative offset is EINVAL");
	CHECK(SC4(f, SYS_pwrite64, in, gput(f, "x", 1), 1, 0) == -EBADF, "pwrite64 to an input is EBADF");
	CHECK(SC4(f, SYS_pwrite64, 1, gput(f, "x", 1), 1, 0) == -ESPIPE, "pwrite64 to stdout is ESPIPE");
	CHECK(SC2(f, SYS_ftruncate, fd, 2) == 0, "ftruncate shrinks");
	sys_task_output(f->t, 0, NULL, &data, &len);
	CHECK(len == 2, "to 2 bytes");
	CHECK(SC2(f, SYS_ftruncate, fd, 20) == 0, "ftruncate grows");
	sys_task_output(f->t, 0, NULL, &data, &len);
	CHECK(len == 20 && data[19] == 0, "with zeros");
	CHECK(SC2(f, SYS_ftruncate, fd, 1000) == -EFBIG, "growing past the output budget is EFBIG");
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_OUTPUT_LIMIT, "and stops the task");
	CHECK(SC2(f, SYS_ftruncate, in, 0) == -EINVAL, "ftruncate of an input is EINVAL");
	CHECK(SC2(f, SYS_ftruncate, 99, 0) == -EBADF, "ftruncate of a bad fd is EBADF");
	CHECK(SC1(f, SYS_fsync, fd) == 0 && SC1(f, SYS_fdatasync, 99) == -EBADF, "fsync and fdatasync check the fd");
	fake_free(f);
}

static void test_statx_mkdir(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t buf = gbuf(f, 256), empty = gput(f, "", 0);
	uint64_t size;
	uint32_t mask;
	uint16_t mode;

	sys_task_add_file(f->t, "/input/i", "abcd", 4);
	CHECK(SC6(f, SYS_statx, AT_FDCWD, gput(f, "/input/i", 0), 0, 0x7ff, buf, 0) == 0, "statx an input");
	memcpy(&mask, f->mem + buf, 4);
	memcpy(&mode, f->mem + buf + 28, 2);
	memcpy(&size, f->mem + buf + 40, 8);
	CHECK((mask & 0x7ff) == 0x7ff && S_ISREG(mode) && (mode & 0777) == 0444 && size == 4,
	      "statx: basic mask, regular read-only file, size 4");
	CHECK(SC6(f, SYS_statx, 0, empty, AT_EMPTY_PATH, 0x7ff, buf, 0) == 0, "statx AT_EMPTY_PATH on stdin");
	memcpy(&mode, f->mem + buf + 28, 2);
	CHECK(S_ISFIFO(mode), "stdin is a pipe");
	CHECK(SC6(f, SYS_statx, 77, empty, AT_EMPTY_PATH, 0x7ff, buf, 0) == -EBADF, "statx on a bad fd is EBADF");
	CHECK(SC6(f, SYS_statx, AT_FDCWD, gput(f, "/none", 0), 0, 0x7ff, buf, 0) == -ENOENT, "statx missing is ENOENT");
	CHECK(SC6(f, SYS_statx, AT_FDCWD, gput(f, "/input/i", 0), 0x80000, 0x7ff, buf, 0) == -EINVAL,
	      "statx with unknown flags is EINVAL");
	CHECK(SC6(f, SYS_statx, AT_FDCWD, gput(f, "/input/i", 0), 0, 0x7ff, MEM_SIZE - 8, 0) == -EFAULT,
	      "statx into a short buffer is EFAULT");
	CHECK(SC2(f, SYS_mkdir, gput(f, "/input", 0), 0755) == -EEXIST, "mkdir of an existing directory is EEXIST");
	CHECK(SC2(f, SYS_mkdir, gput(f, "/output/sub", 0), 0755) == -EROFS, "mkdir elsewhere is EROFS");
	CHECK(SC3(f, SYS_mkdirat, AT_FDCWD, gput(f, "/a/b", 0), 0755) == -ENOENT, "mkdirat under a missing dir");
	CHECK(SC1(f, SYS_unlink, gput(f, "/input/i", 0)) == -EROFS, "unlink of an input is EROFS");
	CHECK(SC1(f, SYS_unlink, gput(f, "/input/none", 0)) == -ENOENT, "unlink of a missing file is ENOENT");
	CHECK(SC1(f, SYS_unlink, gput(f, "/input", 0)) == -EISDIR, "unlink of a directory is EISDIR");
	CHECK(SC1(f, SYS_rmdir, gput(f, "/input/i", 0)) == -ENOTDIR, "rmdir of a file is ENOTDIR");
	CHECK(SC3(f, SYS_unlinkat, AT_FDCWD, gput(f, "/output", 0), AT_REMOVEDIR) == -EROFS, "rmdir /output is EROFS");
	CHECK(SC3(f, SYS_unlinkat, AT_FDCWD, gput(f, "/input/i", 0), 1) == -EINVAL, "unlinkat with bad flags");
	CHECK(SC2(f, SYS_rename, gput(f, "/input/i", 0), gput(f, "/input/j", 0)) == -EROFS, "rename is EROFS");
	CHECK(SC4(f, SYS_utimensat, AT_FDCWD, gput(f, "/output/none", 0), 0, 0) == -ENOENT,
	      "utimensat of a missing output is ENOENT (touch then creates it)");
	CHECK(SC4(f, SYS_utimensat, AT_FDCWD, gput(f, "/input/i", 0), 0, 0) == -EROFS, "utimensat of an input is EROFS");
	CHECK(SC4(f, SYS_utimensat, AT_FDCWD, gput(f, "/output", 0), 0, 0) == 0, "utimensat of /output succeeds");
	CHECK(SC4(f, SYS_utimensat, 1, 0, 0, 0) == 0 && SC4(f, SYS_utimensat, 99, 0, 0, 0) == -EBADF,
	      "futimens on stdout succeeds, on a bad fd is EBADF");
	CHECK(SC4(f, SYS_utimensat, AT_FDCWD, gput(f, "/output", 0), 8, 0) == -EFAULT, "a bad times pointer is EFAULT");
	fake_free(f);
}

static void test_poll(void)
{
	struct fake *f = fake_new(NULL);
	struct {
		int32_t fd;
		int16_t events, revents;
	} p[4] = { { 0, POLLIN, -1 }, { 1, POLLOUT | POLLIN, -1 }, { 9, POLLIN, -1 }, { -1, POLLIN, -1 } };
	uint64_t g = gput(f, p, sizeof p);
	int64_t ts[2] = { 0, 5000 };

	CHECK(SC3(f, SYS_poll, g, 4, 0) == 3, "poll: stdin, stdout and a bad fd report");
	memcpy(p, f->mem + g, sizeof p);
	CHECK(p[0].revents == POLLIN && p[1].revents == POLLOUT && p[2].revents == POLLNVAL && p[3].revents == 0,
	      "POLLIN, POLLOUT, POLLNVAL, and nothing for fd -1");
	CHECK(SC3(f, SYS_poll, g + 24, 1, 7) == 0 && f->slept == 7000000, "nothing ready sleeps out the timeout");
	CHECK(SC3(f, SYS_poll, g, 1000, 0) == -EINVAL, "more fds than the table is EINVAL");
	CHECK(SC3(f, SYS_poll, 0, 1, 0) == -EFAULT, "poll of NULL is EFAULT");
	CHECK(SC4(f, SYS_ppoll, g + 24, 1, gput(f, ts, 16), 0) == 0 && f->slept == 7005000, "ppoll with a timespec");
	ts[1] = -1;
	CHECK(SC4(f, SYS_ppoll, g, 1, gput(f, ts, 16), 0) == -EINVAL, "ppoll with a bad timespec is EINVAL");
	fake_free(f);
}

static void test_raise(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t act = gbuf(f, 32), ign = 1;

	CHECK(SC2(f, SYS_kill, 1, 0) == 0 && sys_task_stop_reason(f->t) == SYS_RUNNING, "kill(self, 0) probes");
	CHECK(SC2(f, SYS_kill, 7, SIGTERM) == -ESRCH, "kill of another pid is ESRCH");
	CHECK(SC2(f, SYS_kill, 1, 65) == -EINVAL, "signal 65 is EINVAL");
	CHECK(SC3(f, SYS_tgkill, 1, 1, SIGCHLD) == 0 && sys_task_stop_reason(f->t) == SYS_RUNNING,
	      "SIGCHLD is ignored by default");
	memcpy(f->mem + act, &ign, 8);
	SC4(f, SYS_rt_sigaction, SIGPIPE, act, 0, 8);
	CHECK(SC3(f, SYS_tgkill, 1, 1, SIGPIPE) == 0 && sys_task_stop_reason(f->t) == SYS_RUNNING,
	      "an ignored SIGPIPE does nothing");
	CHECK(SC3(f, SYS_tgkill, 1, 2, SIGABRT) == -ESRCH, "tgkill of another thread is ESRCH");
	CHECK(SC3(f, SYS_tgkill, 1, 1, SIGABRT) == 0, "abort(): tgkill(self, SIGABRT)");
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_EXIT && sys_task_exit_code(f->t) == 128 + SIGABRT,
	      "ends the task with code 134");
	fake_free(f);
	f = fake_new(NULL);
	CHECK(SC2(f, SYS_tkill, 1, SIGKILL) == 0 && sys_task_exit_code(f->t) == 137, "tkill(self, SIGKILL) is 137");
	fake_free(f);
}

static void test_usage(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t ru = gbuf(f, 144);

	f->clock[1] = 2500000000ll;
	CHECK(SC2(f, SYS_getrusage, 0, ru) == 0, "getrusage(RUSAGE_SELF)");
	CHECK(SC2(f, SYS_getrusage, 5, ru) == -EINVAL, "getrusage with a bad who is EINVAL");
	CHECK(SC2(f, SYS_getrusage, 0, 0) == -EFAULT, "getrusage into NULL is EFAULT");
	CHECK(SC1(f, SYS_times, gbuf(f, 32)) == 250, "times counts 100 Hz ticks of the monotonic clock");
	{
		uint64_t si = gbuf(f, 112), total, freeb;
		int64_t up;

		SC6(f, SYS_mmap, 0, 10 * PAGE, 3, 0x22, -1, 0);
		CHECK(SC1(f, SYS_sysinfo, si) == 0, "sysinfo");
		memcpy(&up, f->mem + si, 8);
		memcpy(&total, f->mem + si + 32, 8);
		memcpy(&freeb, f->mem + si + 40, 8);
		CHECK(up == 2 && total == HEAP_HI - HEAP_LO && freeb == total - 10 * PAGE,
		      "uptime, heap size and free heap bytes");
		CHECK(SC1(f, SYS_sysinfo, 0) == -EFAULT, "sysinfo into NULL is EFAULT");
	}
	fake_free(f);
}

int main(void)
{
	test_file_writes();
	test_statx_mkdir();
	test_poll();
	test_raise();
	test_usage();
	TAP_DONE();
}
