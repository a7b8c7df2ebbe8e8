/* SPDX-License-Identifier: Apache-2.0 */
/* /dev/null, /dev/zero, /dev/random, /dev/urandom. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/guest/sys/fake.h"

struct devs {
	int64_t null, zero, urandom;
};

static struct devs open_devices(struct fake *f)
{
	struct devs d;

	d.null = SC2(f, SYS_open, gput(f, "/dev/null", 0), O_RDWR);
	d.zero = SC2(f, SYS_open, gput(f, "/dev/zero", 0), O_RDONLY);
	d.urandom = SC2(f, SYS_open, gput(f, "/dev/urandom", 0), O_RDONLY | O_CLOEXEC);
	CHECK(d.null >= 3 && d.zero >= 3 && d.urandom >= 3, "the devices open");
	return d;
}

static void test_read_write(struct fake *f, const struct devs *d)
{
	uint64_t buf = gbuf(f, 64);
	int calls = f->random_calls;

	CHECK(SC3(f, SYS_read, d->null, buf, 64) == 0, "/dev/null reads end of file");
	CHECK(SC3(f, SYS_write, d->null, buf, 64) == 64, "/dev/null takes writes");
	memset(f->mem + buf, 0x7f, 64);
	CHECK(SC3(f, SYS_read, d->zero, buf, 64) == 64 && f->mem[buf] == 0 && f->mem[buf + 63] == 0, "/dev/zero reads zeros");
	CHECK(SC3(f, SYS_read, d->urandom, buf, 16) == 16 && f->mem[buf] == 0xA5 && f->random_calls == calls + 1,
	      "/dev/urandom reads through ops->random");
	CHECK(SC3(f, SYS_lseek, d->urandom, 100, SEEK_SET) == 0, "a device has no position");
	CHECK(SC3(f, SYS_write, SC2(f, SYS_open, gput(f, "/dev/urandom", 0), O_WRONLY), buf, 8) == 8,
	      "writing /dev/urandom is accepted");
	CHECK(sys_task_output(f->t, 0, NULL, NULL, NULL) == -ENOENT, "devices are not outputs");
	CHECK(SC4(f, SYS_pwrite64, d->null, buf, 8, 0) == 8, "pwrite64 to /dev/null");
}

static void test_metadata(struct fake *f, const struct devs *d)
{
	uint64_t st = gbuf(f, 144), dents = gbuf(f, 512);
	uint32_t mode;
	uint64_t rdev;

	CHECK(SC2(f, SYS_fstat, d->null, st) == 0, "fstat /dev/null");
	memcpy(&mode, f->mem + st + 24, 4);
	memcpy(&rdev, f->mem + st + 40, 8);
	CHECK(S_ISCHR(mode) && rdev == 0x103, "a character device 1:3");
	CHECK(SC2(f, SYS_access, gput(f, "/dev/null", 0), W_OK) == 0, "/dev/null is writable");
	CHECK(SC2(f, SYS_ftruncate, d->null, 0) == -EINVAL, "ftruncate of a device is EINVAL");

	int64_t dir = SC2(f, SYS_open, gput(f, "/dev", 0), O_RDONLY | O_DIRECTORY);
	int64_t n = SC3(f, SYS_getdents64, dir, dents, 512);
	CHECK(n > 0 && f->mem[dents + 24 + 24 + 18] == 2, "getdents64 gives devices type DT_CHR");
}

static void test_maps(struct fake *f, const struct devs *d)
{
	int64_t m = SC6(f, SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, d->zero, 0);

	CHECK(m > 0 && f->mem[m] == 0 && f->mem[m + 8191] == 0, "a private map of /dev/zero is zero memory");
	CHECK(SC6(f, SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, d->urandom, 0) == -ENODEV, "urandom cannot be mapped");
}

static void test_fixed_tree(struct fake *f)
{
	CHECK(SC3(f, SYS_open, gput(f, "/dev/new", 0), O_CREAT | O_WRONLY, 0644) == -EROFS, "no new files in /dev");
	CHECK(sys_task_add_file(f->t, "/dev/null", "x", 1) == -EEXIST, "the host cannot shadow a device");
}

int main(void)
{
	struct fake *f = fake_new(NULL);
	struct devs d = open_devices(f);

	test_read_write(f, &d);
	test_metadata(f, &d);
	test_maps(f, &d);
	test_fixed_tree(f);
	fake_free(f);
	TAP_DONE();
}
