/* /dev/null, /dev/zero, /dev/random, /dev/urandom. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/guest/sys/fake.h"

int main(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t buf = gbuf(f, 64), st = gbuf(f, 144), dents = gbuf(f, 512);
	int64_t null, zero, ur, m;
	uint32_t mode;
	uint64_t rdev;
	int calls = f->random_calls;

	null = SC2(f, SYS_open, gput(f, "/dev/null", 0), O_RDWR);
	zero = SC2(f, SYS_open, gput(f, "/dev/zero", 0), O_RDONLY);
	ur = SC2(f, SYS_open, gput(f, "/dev/urandom", 0), O_RDONLY | O_CLOEXEC);
	CHECK(null >= 3 && zero >= 3 && ur >= 3, "the devices open");
	CHECK(SC3(f, SYS_read, null, buf, 64) == 0, "/dev/null reads end of file");
	CHECK(SC3(f, SYS_write, null, buf, 64) == 64, "/dev/null takes writes");
	memset(f->mem + buf, 0x7f, 64);
	CHECK(SC3(f, SYS_read, zero, buf, 64) == 64 && f->mem[buf] == 0 && f->mem[buf + 63] == 0, "/dev/zero reads zeros");
	CHECK(SC3(f, SYS_read, ur, buf, 16) == 16 && f->mem[buf] == 0xA5 && f->random_calls == calls + 1,
	      "/dev/urandom reads through ops->random");
	CHECK(SC3(f, SYS_lseek, ur, 100, SEEK_SET) == 0, "a device has no position");
	CHECK(SC3(f, SYS_write, SC2(f, SYS_open, gput(f, "/dev/urandom", 0), O_WRONLY), buf, 8) == 8,
	      "writing /dev/urandom is accepted");
	CHECK(sys_task_output(f->t, 0, NULL, NULL, NULL) == -ENOENT, "devices are not outputs");
	CHECK(SC2(f, SYS_fstat, null, st) == 0, "fstat /dev/null");
	memcpy(&mode, f->mem + st + 24, 4);
	memcpy(&rdev, f->mem + st + 40, 8);
	CHECK(S_ISCHR(mode) && rdev == 0x103, "a character device 1:3");
	CHECK(SC2(f, SYS_access, gput(f, "/dev/null", 0), W_OK) == 0, "/dev/null is writable");
	CHECK(SC2(f, SYS_ftruncate, null, 0) == -EINVAL, "ftruncate of a device is EINVAL");
	CHECK(SC4(f, SYS_pwrite64, null, buf, 8, 0) == 8, "pwrite64 to /dev/null");
	m = SC6(f, SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
	CHECK(m > 0 && f->mem[m] == 0 && f->mem[m + 8191] == 0, "a private map of /dev/zero is zero memory");
	CHECK(SC6(f, SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, ur, 0) == -ENODEV, "urandom cannot be mapped");
	{
		int64_t d = SC2(f, SYS_open, gput(f, "/dev", 0), O_RDONLY | O_DIRECTORY);
		int64_t n = SC3(f, SYS_getdents64, d, dents, 512);

		CHECK(n > 0 && f->mem[dents + 24 + 24 + 18] == 2, "getdents64 gives devices type DT_CHR");
	}
	CHECK(SC3(f, SYS_open, gput(f, "/dev/new", 0), O_CREAT | O_WRONLY, 0644) == -EROFS, "no new files in /dev");
	CHECK(sys_task_add_file(f->t, "/dev/null", "x", 1) == -EEXIST, "the host cannot shadow a device");
	fake_free(f);
	TAP_DONE();
}
