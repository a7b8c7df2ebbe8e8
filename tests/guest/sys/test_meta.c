/* SPDX-License-Identifier: Apache-2.0 */
/* Metadata and descriptors: stat family, getdents64, dup, fcntl, ioctl,
 * access, readlink, getcwd. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/guest/sys/fake.h"

struct lstat_view {
	uint64_t ino;
	uint32_t mode;
	int64_t size, blksize;
};

static struct lstat_view view(struct fake *f, uint64_t gva)
{
	struct lstat_view v;

	memcpy(&v.ino, f->mem + gva + 8, 8);
	memcpy(&v.mode, f->mem + gva + 24, 4);
	memcpy(&v.size, f->mem + gva + 48, 8);
	memcpy(&v.blksize, f->mem + gva + 56, 8);
	return v;
}

static void test_stat(struct fake *f)
{
	uint64_t st = gbuf(f, 144), empty = gput(f, "", 0);
	struct lstat_view v;
	int64_t fd;

	CHECK(SC2(f, SYS_stat, gput(f, "/input/data", 0), st) == 0, "stat an input");
	v = view(f, st);
	CHECK(S_ISREG(v.mode) && (v.mode & 0777) == 0444 && v.size == 10 && v.blksize > 0 && v.ino > 0,
	      "an input is a read-only regular file with its size");
	CHECK(SC2(f, SYS_lstat, gput(f, "/input", 0), st) == 0 && S_ISDIR(view(f, st).mode), "lstat a directory");
	CHECK(SC2(f, SYS_stat, gput(f, "/nope", 0), st) == -ENOENT, "stat a missing path is ENOENT");
	CHECK(SC2(f, SYS_stat, gput(f, "/input/data", 0), MEM_SIZE - 10) == -EFAULT, "stat into a short buffer is EFAULT");
	CHECK(SC4(f, SYS_newfstatat, 1, empty, st, AT_EMPTY_PATH) == 0 && S_ISFIFO(view(f, st).mode),
	      "glibc's fstat(1): newfstatat AT_EMPTY_PATH says a pipe");
	CHECK(SC4(f, SYS_newfstatat, 1, empty, st, 0) == -ENOENT, "an empty path without AT_EMPTY_PATH is ENOENT");
	CHECK(SC4(f, SYS_newfstatat, 9, empty, st, AT_EMPTY_PATH) == -EBADF, "AT_EMPTY_PATH on a bad fd is EBADF");
	CHECK(SC4(f, SYS_newfstatat, AT_FDCWD, empty, st, AT_EMPTY_PATH) == 0 && view(f, st).ino == 1,
	      "AT_EMPTY_PATH with AT_FDCWD is the cwd, the root");
	CHECK(SC4(f, SYS_newfstatat, AT_FDCWD, gput(f, "/input/data", 0), st, 0x8000000) == -EINVAL,
	      "unknown newfstatat flags are EINVAL");
	fd = SC2(f, SYS_open, gput(f, "/input/data", 0), O_RDONLY);
	CHECK(SC2(f, SYS_fstat, fd, st) == 0 && view(f, st).size == 10, "fstat an open input");
	CHECK(SC2(f, SYS_fstat, 77, st) == -EBADF, "fstat a bad fd is EBADF");
	fd = SC3(f, SYS_open, gput(f, "/output/o", 0), O_CREAT | O_WRONLY, 0644);
	SC3(f, SYS_write, fd, gput(f, "1234", 4), 4);
	CHECK(SC4(f, SYS_newfstatat, fd, empty, st, AT_EMPTY_PATH) == 0 && view(f, st).size == 4 &&
		      (view(f, st).mode & 0777) == 0644,
	      "an output's size follows its writes");
	CHECK(SC4(f, SYS_newfstatat, AT_FDCWD, gput(f, "/output", 0), st, 0) == 0 &&
		      (view(f, st).mode & 0777) == 0755,
	      "/output is a writable directory");
}

struct dent {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
	const char *name;
};

static size_t parse_dents(const uint8_t *p, int64_t len, struct dent *out, size_t max)
{
	size_t n = 0;

	for (int64_t at = 0; at < len && n < max; n++) {
		memcpy(&out[n].ino, p + at, 8);
		memcpy(&out[n].off, p + at + 8, 8);
		memcpy(&out[n].reclen, p + at + 16, 2);
		out[n].type = p[at + 18];
		out[n].name = (const char *)p + at + 19;
		if (out[n].reclen == 0)
			break;
		at += out[n].reclen;
	}
	return n;
}

static void test_getdents(struct fake *f)
{
	uint64_t buf = gbuf(f, 4096);
	struct dent d[16];
	int64_t fd, n, n2;
	size_t cnt;

	fd = SC3(f, SYS_openat, AT_FDCWD, gput(f, "/", 0), O_RDONLY | O_DIRECTORY);
	n = SC3(f, SYS_getdents64, fd, buf, 4096);
	cnt = parse_dents(f->mem + buf, n, d, 16);
	CHECK(n > 0 && cnt == 6, "the root lists ., .., input, output, dev, lib");
	CHECK(strcmp(d[0].name, ".") == 0 && strcmp(d[1].name, "..") == 0 && d[0].type == 4, ". and .. come first");
	CHECK(strcmp(d[2].name, "input") == 0 && d[2].type == 4 && strcmp(d[5].name, "lib") == 0, "then the children");
	CHECK(d[0].reclen % 8 == 0 && d[2].reclen == 32, "records are 8-byte aligned (19 + 6 + 1 -> 32)");
	CHECK(SC3(f, SYS_getdents64, fd, buf, 4096) == 0, "the second call says the end");
	CHECK(SC3(f, SYS_lseek, fd, 0, SEEK_SET) == 0, "rewind the directory");
	n = SC3(f, SYS_getdents64, fd, buf, 10);
	CHECK(n == -EINVAL, "a buffer too small for one record is EINVAL");
	n = SC3(f, SYS_getdents64, fd, buf, 48);
	cnt = parse_dents(f->mem + buf, n, d, 16);
	CHECK(n == 48 && cnt == 2, "a 48-byte buffer takes two records");
	n2 = SC3(f, SYS_getdents64, fd, buf, 4096);
	cnt = parse_dents(f->mem + buf, n2, d, 16);
	CHECK(cnt == 4 && strcmp(d[0].name, "input") == 0, "the next call resumes where it stopped");
	CHECK(SC3(f, SYS_getdents64, fd, 0, 4096) == -EFAULT, "getdents64 into NULL is EFAULT");
	CHECK(SC3(f, SYS_getdents64, 1, buf, 4096) == -ENOTDIR, "getdents64 on stdout is ENOTDIR");
	CHECK(SC3(f, SYS_getdents64, 99, buf, 4096) == -EBADF, "getdents64 on a bad fd is EBADF");
	fd = SC2(f, SYS_open, gput(f, "/input", 0), O_RDONLY | O_DIRECTORY);
	n = SC3(f, SYS_getdents64, fd, buf, 4096);
	cnt = parse_dents(f->mem + buf, n, d, 16);
	CHECK(cnt == 3 && strcmp(d[2].name, "data") == 0 && d[2].type == 8, "/input lists data as a regular file");
	CHECK(SC3(f, SYS_read, fd, buf, 10) == -EISDIR, "read on a directory is EISDIR");
}

static void test_descriptors(struct fake *f)
{
	uint64_t buf = gbuf(f, 16);
	int64_t fd = SC2(f, SYS_open, gput(f, "/input/data", 0), O_RDONLY | O_CLOEXEC), d;

	CHECK(SC2(f, SYS_fcntl, fd, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC shows in F_GETFD");
	CHECK(SC3(f, SYS_fcntl, fd, F_SETFD, 0) == 0 && SC2(f, SYS_fcntl, fd, F_GETFD) == 0, "F_SETFD clears it");
	CHECK((SC2(f, SYS_fcntl, fd, F_GETFL) & O_ACCMODE) == O_RDONLY, "F_GETFL gives the access mode");
	CHECK(SC3(f, SYS_fcntl, fd, F_SETFL, O_NONBLOCK) == 0 && (SC2(f, SYS_fcntl, fd, F_GETFL) & O_NONBLOCK),
	      "F_SETFL sets O_NONBLOCK");
	CHECK(SC3(f, SYS_fcntl, fd, F_SETFL, O_RDWR) == 0 && (SC2(f, SYS_fcntl, fd, F_GETFL) & O_ACCMODE) == O_RDONLY,
	      "F_SETFL cannot change the access mode");
	d = SC3(f, SYS_fcntl, fd, F_DUPFD, 10);
	CHECK(d == 10, "F_DUPFD takes the lowest fd at or above its argument");
	CHECK(SC3(f, SYS_fcntl, fd, F_DUPFD, 1000) == -EINVAL, "F_DUPFD past the table is EINVAL");
	CHECK(SC3(f, SYS_fcntl, fd, F_DUPFD_CLOEXEC, 0) >= 0, "F_DUPFD_CLOEXEC");
	CHECK(SC2(f, SYS_fcntl, fd, 0x4242) == -EINVAL, "unknown fcntl commands are EINVAL");
	CHECK(SC2(f, SYS_fcntl, 99, F_GETFD) == -EBADF, "fcntl on a bad fd is EBADF");
	SC3(f, SYS_read, fd, buf, 3);
	CHECK(SC3(f, SYS_lseek, d, 0, SEEK_CUR) == 3, "a duplicate shares the offset");
	CHECK(SC1(f, SYS_close, fd) == 0 && SC3(f, SYS_read, d, buf, 2) == 2, "the duplicate outlives the original");
	d = SC1(f, SYS_dup, 1);
	CHECK(d >= 3 && SC3(f, SYS_write, d, gput(f, "dup", 3), 3) == 3, "dup of stdout writes to stdout");
	CHECK(SC2(f, SYS_dup2, d, d) == d, "dup2 onto itself returns it");
	CHECK(SC2(f, SYS_dup2, 99, 5) == -EBADF, "dup2 of a bad fd is EBADF");
	CHECK(SC2(f, SYS_dup2, 1, 1000) == -EBADF, "dup2 onto a fd past the table is EBADF");
	CHECK(SC3(f, SYS_dup3, 1, 1, 0) == -EINVAL, "dup3 onto itself is EINVAL");
	CHECK(SC3(f, SYS_dup3, 1, 7, 1) == -EINVAL, "dup3 with unknown flags is EINVAL");
	CHECK(SC3(f, SYS_dup3, 2, 1, O_CLOEXEC) == 1 && SC2(f, SYS_fcntl, 1, F_GETFD) == FD_CLOEXEC,
	      "dup3 replaces fd 1 with stderr, close-on-exec");
	f->out_len[2] = 0;
	SC3(f, SYS_write, 1, gput(f, "e", 1), 1);
	CHECK(f->out_len[2] == 1, "writes to the new fd 1 reach stderr");
	CHECK(SC3(f, SYS_ioctl, 0, TCGETS, buf) == -ENOTTY, "TCGETS is ENOTTY");
	CHECK(SC3(f, SYS_ioctl, 77, TCGETS, buf) == -EBADF, "ioctl on a bad fd is EBADF");
	CHECK(SC2(f, SYS_ioctl, 0, FIOCLEX) == 0 && SC2(f, SYS_fcntl, 0, F_GETFD) == FD_CLOEXEC, "FIOCLEX");
}

static void test_paths(struct fake *f)
{
	uint64_t buf = gbuf(f, 64);

	CHECK(SC2(f, SYS_access, gput(f, "/input/data", 0), R_OK) == 0, "access R_OK on an input");
	CHECK(SC2(f, SYS_access, gput(f, "/input/data", 0), W_OK) == -EROFS, "access W_OK on an input is EROFS");
	CHECK(SC2(f, SYS_access, gput(f, "/input/data", 0), X_OK) == -EACCES, "access X_OK on an input is EACCES");
	CHECK(SC2(f, SYS_access, gput(f, "/output", 0), W_OK) == 0, "/output is writable");
	CHECK(SC2(f, SYS_access, gput(f, "/none", 0), F_OK) == -ENOENT, "access to a missing path is ENOENT");
	CHECK(SC2(f, SYS_access, gput(f, "/input", 0), 8) == -EINVAL, "a bad access mode is EINVAL");
	CHECK(SC4(f, SYS_faccessat, AT_FDCWD, gput(f, "input/data", 0), R_OK, 0) == 0, "faccessat relative");
	CHECK(SC4(f, 439, AT_FDCWD, gput(f, "/input", 0), R_OK, 0x8000) == -EINVAL, "faccessat2 bad flags is EINVAL");
	CHECK(SC3(f, SYS_readlink, gput(f, "/proc/self/exe", 0), buf, 64) == -ENOENT, "/proc/self/exe is ENOENT");
	CHECK(SC3(f, SYS_readlink, gput(f, "/input/data", 0), buf, 64) == -EINVAL, "a file is not a link: EINVAL");
	CHECK(SC4(f, SYS_readlinkat, AT_FDCWD, gput(f, "/input", 0), buf, 0) == -EINVAL, "readlinkat size 0 is EINVAL");
	CHECK(SC2(f, SYS_getcwd, buf, 64) == 2 && strcmp((char *)f->mem + buf, "/") == 0, "getcwd is /");
	CHECK(SC2(f, SYS_getcwd, buf, 1) == -ERANGE, "getcwd into 1 byte is ERANGE");
	CHECK(SC1(f, SYS_chdir, gput(f, "/lib", 0)) == 0, "chdir /lib");
	CHECK(SC2(f, SYS_getcwd, buf, 64) == 5 && strcmp((char *)f->mem + buf, "/lib") == 0, "getcwd is /lib");
	CHECK(SC2(f, SYS_getcwd, buf, 4) == -ERANGE, "getcwd into 4 bytes is ERANGE");
	CHECK(SC2(f, SYS_open, gput(f, "x", 0), O_RDONLY) >= 0, "relative paths start at the new cwd");
	CHECK(SC2(f, SYS_access, gput(f, "../input/data", 0), R_OK) == 0, ".. from the cwd");
	CHECK(SC1(f, SYS_chdir, gput(f, "/input/data", 0)) == -ENOTDIR, "chdir to a file is ENOTDIR");
	CHECK(SC1(f, SYS_chdir, gput(f, "/none", 0)) == -ENOENT, "chdir to a missing path is ENOENT");
	CHECK(SC1(f, SYS_fchdir, 1) == -ENOTDIR && SC1(f, SYS_fchdir, 99) == -EBADF, "fchdir checks its fd");
	{
		int64_t d = SC2(f, SYS_open, gput(f, "/output", 0), O_RDONLY | O_DIRECTORY);
		uint64_t st = gbuf(f, 144);
		uint64_t ino;

		CHECK(SC1(f, SYS_fchdir, d) == 0 && SC2(f, SYS_getcwd, buf, 64) == 8 &&
			      strcmp((char *)f->mem + buf, "/output") == 0,
		      "fchdir to /output");
		CHECK(SC4(f, SYS_newfstatat, AT_FDCWD, gput(f, "", 0), st, AT_EMPTY_PATH) == 0, "stat the cwd");
		memcpy(&ino, f->mem + st + 8, 8);
		CHECK(ino == 3, "AT_FDCWD with AT_EMPTY_PATH is the cwd (/output)");
		CHECK(SC3(f, SYS_open, gput(f, "rel", 0), O_CREAT | O_WRONLY, 0644) >= 0, "creating relative to /output");
	}
	CHECK(SC1(f, SYS_chdir, gput(f, "/", 0)) == 0 && SC2(f, SYS_getcwd, buf, 64) == 2, "back to /");
	CHECK(SC1(f, SYS_umask, 0) == 022, "umask reports 022");
}

int main(void)
{
	struct fake *f = fake_new(NULL);

	sys_task_add_file(f->t, "/input/data", "0123456789", 10);
	sys_task_add_file(f->t, "/lib/x", "", 0);
	test_stat(f);
	test_getdents(f);
	test_descriptors(f);
	test_paths(f);
	fake_free(f);
	TAP_DONE();
}
