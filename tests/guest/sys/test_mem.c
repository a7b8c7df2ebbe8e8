/* SPDX-License-Identifier: Apache-2.0 */
/* Guest pointers: every way a pointer or length can be bad gives -EFAULT
 * (or the Linux answer for the call), never a host access out of range. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "tests/guest/sys/fake.h"
/* sys_mem itself: no syscall hands it an empty range at the very top. */
#include "guest/sys/sys_internal.h"

static void test_buffers(struct fake *f)
{
	uint64_t ok = gput(f, "abc", 3);

	CHECK(SC3(f, SYS_write, 1, 0, 3) == -EFAULT, "write from NULL is EFAULT");
	CHECK(SC3(f, SYS_write, 1, USER_LO - 1, 3) == -EFAULT, "write from below user_lo is EFAULT");
	CHECK(SC3(f, SYS_write, 1, MEM_SIZE - 2, 3) == -EFAULT, "write running past the end is EFAULT");
	CHECK(SC3(f, SYS_write, 1, MEM_SIZE, 1) == -EFAULT, "write starting at the end is EFAULT");
	CHECK(SC3(f, SYS_write, 1, ok, UINT64_MAX - ok + 2) == -EFAULT, "a length that wraps around is EFAULT");
	CHECK(SC3(f, SYS_write, 1, UINT64_MAX - 1, 4) == -EFAULT, "an address near 2^64 is EFAULT");
	CHECK(SC3(f, SYS_write, 1, MEM_SIZE - 3, 3) == 3, "a buffer ending exactly at user_hi is fine");
	CHECK(SC3(f, SYS_write, 1, 0, 0) == 0, "a zero-length write from NULL is 0, as on Linux");
	CHECK(f->out_len[1] == 3, "only the good write reached stdout");
	CHECK(SC3(f, SYS_read, 0, 0, 10) == -EFAULT, "read into NULL is EFAULT");
	CHECK(SC2(f, SYS_clock_gettime, 0, 8) == -EFAULT, "clock_gettime into a bad pointer is EFAULT");
	CHECK(SC1(f, SYS_uname, MEM_SIZE - 100) == -EFAULT, "uname into a short tail is EFAULT");
}

static void test_strings(struct fake *f)
{
	char longname[300];
	char longpath[5000];

	CHECK(SC2(f, SYS_open, 0, O_RDONLY) == -EFAULT, "open of a NULL path is EFAULT");
	memset(f->mem + MEM_SIZE - 8, 'a', 8);
	CHECK(SC2(f, SYS_open, MEM_SIZE - 8, O_RDONLY) == -EFAULT, "a path without NUL before the end is EFAULT");
	memset(longname, 'x', sizeof longname);
	memcpy(longname, "/output/", 8);
	longname[sizeof longname - 1] = 0;
	CHECK(SC3(f, SYS_open, gput(f, longname, 0), O_CREAT | O_WRONLY, 0644) == -ENAMETOOLONG,
	      "a component over 255 bytes is ENAMETOOLONG");
	memset(longpath, '/', sizeof longpath);
	longpath[sizeof longpath - 1] = 0;
	CHECK(SC2(f, SYS_open, gput(f, longpath, 0), O_RDONLY) == -ENAMETOOLONG, "a path over PATH_MAX is ENAMETOOLONG");
	CHECK(SC2(f, SYS_open, gput(f, "", 0), O_RDONLY) == -ENOENT, "an empty path is ENOENT");
}

static void test_vectors(struct fake *f)
{
	uint64_t data = gput(f, "xyz", 3);
	uint64_t v[4] = { data, 3, 0, 0 };
	uint64_t iov;

	v[2] = MEM_SIZE - 1, v[3] = 2;
	iov = gput(f, v, sizeof v);
	f->out_len[1] = 0;
	CHECK(SC3(f, SYS_writev, 1, iov, 2) == -EFAULT, "a bad second iovec fails the whole writev");
	CHECK(f->out_len[1] == 0, "nothing was written before the fault was found");
	v[2] = 0, v[3] = 0;
	iov = gput(f, v, sizeof v);
	CHECK(SC3(f, SYS_writev, 1, iov, 2) == 3, "a NULL iovec of length 0 is skipped");
	CHECK(SC3(f, SYS_writev, 1, 0, 1) == -EFAULT, "a NULL iovec array is EFAULT");
	CHECK(SC3(f, SYS_writev, 1, iov, 1025) == -EINVAL, "more than IOV_MAX entries is EINVAL");
	v[1] = UINT64_MAX;
	iov = gput(f, v, sizeof v);
	CHECK(SC3(f, SYS_writev, 1, iov, 1) == -EINVAL, "an iovec length over SSIZE_MAX is EINVAL");
	CHECK(SC3(f, SYS_readv, 0, 0, 0) == 0, "readv of no entries is 0");
}

/* The range check directly: user memory is [USER_LO, MEM_SIZE). An empty
 * range is fine anywhere inside it, but not at its end, where the host
 * pointer would be one past the guest's memory. */
static void test_range_edges(struct fake *f)
{
	CHECK(sys_mem(f->t, MEM_SIZE, 0) == NULL, "an empty range exactly at user_hi is refused");
	CHECK(sys_mem(f->t, MEM_SIZE - 1, 0) == f->mem + MEM_SIZE - 1, "an empty range just below user_hi is fine");
	CHECK(sys_mem(f->t, MEM_SIZE - 1, 1) == f->mem + MEM_SIZE - 1, "the last byte is fine");
	CHECK(sys_mem(f->t, MEM_SIZE - 1, 2) == NULL, "one byte past user_hi is refused");
	CHECK(sys_mem(f->t, USER_LO, 0) == f->mem + USER_LO, "an empty range at user_lo is fine");
	CHECK(sys_mem(f->t, USER_LO - 1, 0) == NULL, "an empty range below user_lo is refused");
	CHECK(sys_mem(f->t, MEM_SIZE + 1, 0) == NULL, "an empty range past user_hi is refused");
	CHECK(sys_mem(f->t, UINT64_MAX, 0) == NULL, "an empty range at 2^64 - 1 is refused");
}

int main(void)
{
	struct fake *f = fake_new(NULL);

	test_buffers(f);
	test_strings(f);
	test_vectors(f);
	test_range_edges(f);
	fake_free(f);
	TAP_DONE();
}
