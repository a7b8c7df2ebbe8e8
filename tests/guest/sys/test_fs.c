/* SPDX-License-Identifier: Apache-2.0 */
/* Files: inputs are read-only, outputs are created only in /output, the
 * fd table and the output budget are bounded, paths cannot escape. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/guest/sys/fake.h"

static int64_t open_path(struct fake *f, const char *path, int flags)
{
	return SC4(f, SYS_openat, AT_FDCWD, gput(f, path, 0), flags, 0644);
}

static void test_inputs(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t buf = gbuf(f, 64);
	int64_t fd;

	CHECK(sys_task_add_file(f->t, "/input/data", "0123456789", 10) == 0, "add /input/data");
	CHECK(sys_task_add_file(f->t, "/input/data", "x", 1) == -EEXIST, "adding it twice is EEXIST");
	CHECK(sys_task_add_file(f->t, "relative", "x", 1) == -EINVAL, "a relative path is EINVAL");
	CHECK(sys_task_add_file(f->t, "/input/../etc", "x", 1) == -EINVAL, "a path with .. is EINVAL");
	CHECK(sys_task_add_file(f->t, "/input/data/x", "x", 1) == -EINVAL, "a file under a file is EINVAL");
	CHECK(sys_task_add_file(f->t, "/lib/deep/tree/f", "abc", 3) == 0, "deep paths create their directories");
	fd = open_path(f, "/input/data", O_RDONLY);
	CHECK(fd == 3, "open gives the lowest free fd");
	CHECK(SC3(f, SYS_read, fd, buf, 4) == 4 && memcmp(f->mem + buf, "0123", 4) == 0, "read the first 4 bytes");
	CHECK(SC3(f, SYS_lseek, fd, -2, SEEK_CUR) == 2, "lseek SEEK_CUR backwards");
	CHECK(SC3(f, SYS_read, fd, buf, 64) == 8 && memcmp(f->mem + buf, "23456789", 8) == 0, "read to the end");
	CHECK(SC3(f, SYS_read, fd, buf, 64) == 0, "read at the end gives 0");
	CHECK(SC4(f, SYS_pread64, fd, buf, 3, 5) == 3 && memcmp(f->mem + buf, "567", 3) == 0, "pread64 at offset 5");
	CHECK(SC3(f, SYS_lseek, fd, 0, SEEK_CUR) == 10, "pread64 leaves the offset alone");
	CHECK(SC4(f, SYS_pread64, fd, buf, 3, -1) == -EINVAL, "pread64 at a negative offset is EINVAL");
	CHECK(SC3(f, SYS_lseek, fd, -1, SEEK_SET) == -EINVAL, "lseek before 0 is EINVAL");
	CHECK(SC3(f, SYS_lseek, fd, 0, 7) == -EINVAL, "lseek with a bad whence is EINVAL");
	CHECK(SC3(f, SYS_lseek, fd, -3, SEEK_END) == 7, "lseek SEEK_END");
	CHECK(SC3(f, SYS_write, fd, buf, 1) == -EBADF, "write to a read-only input is EBADF");
	CHECK(open_path(f, "/input/data", O_WRONLY) == -EROFS, "opening an input for writing is EROFS");
	CHECK(open_path(f, "/input/data", O_RDWR) == -EROFS, "opening an input read-write is EROFS");
	CHECK(open_path(f, "/input/data", O_RDONLY | O_TRUNC) == -EROFS, "truncating an input is EROFS");
	CHECK(open_path(f, "/input/data", O_RDONLY | O_CREAT | O_EXCL) == -EEXIST, "O_EXCL on an existing file");
	CHECK(open_path(f, "/input/data", O_RDONLY | O_DIRECTORY) == -ENOTDIR, "O_DIRECTORY on a file is ENOTDIR");
	CHECK(open_path(f, "/input/data/", O_RDONLY) == -ENOTDIR, "a trailing slash on a file is ENOTDIR");
	CHECK(open_path(f, "/input/nope", O_RDONLY) == -ENOENT, "a missing input is ENOENT");
	CHECK(open_path(f, "/nope/x", O_RDONLY | O_CREAT) == -ENOENT, "a missing directory is ENOENT");
	CHECK(open_path(f, "/input/data/x", O_RDONLY) == -ENOTDIR, "a file used as a directory is ENOTDIR");
	CHECK(open_path(f, "/input", O_RDONLY | O_ACCMODE) == -EINVAL, "access mode 3 is EINVAL");
	CHECK(open_path(f, "/input", O_WRONLY) == -EISDIR, "writing a directory is EISDIR");
	CHECK(open_path(f, "/../../input/./data", O_RDONLY) >= 0, "/.. stays at the root, as on Linux");
	CHECK(open_path(f, "//lib//deep/../deep/tree/f", O_RDONLY) >= 0, "doubled slashes and .. inside the tree");
	CHECK(SC2(f, SYS_open, gput(f, "input/data", 0), O_RDONLY) >= 0, "relative paths start at the root");
	CHECK(SC1(f, SYS_close, fd) == 0 && SC1(f, SYS_close, fd) == -EBADF, "close, then close again is EBADF");
	CHECK(SC3(f, SYS_read, fd, buf, 1) == -EBADF, "read from a closed fd is EBADF");
	CHECK(SC3(f, SYS_read, -1, buf, 1) == -EBADF && SC3(f, SYS_read, 1000, buf, 1) == -EBADF,
	      "negative and huge fds are EBADF");
	CHECK(SC3(f, SYS_read, 1, buf, 1) == -EBADF, "reading stdout is EBADF");
	CHECK(SC3(f, SYS_write, 0, buf, 1) == -EBADF, "writing stdin is EBADF");
	CHECK(SC3(f, SYS_lseek, 0, 0, SEEK_SET) == -ESPIPE, "stdin is not seekable");
	fake_free(f);
}

static void test_outputs(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t buf = gbuf(f, 64);
	const char *name;
	const uint8_t *data;
	size_t len;
	int64_t fd;

	fd = open_path(f, "/output/result.txt", O_WRONLY | O_CREAT | O_TRUNC);
	CHECK(fd >= 3, "create /output/result.txt");
	CHECK(SC3(f, SYS_write, fd, gput(f, "hello", 5), 5) == 5, "write 5 bytes");
	CHECK(SC3(f, SYS_read, fd, buf, 5) == -EBADF, "reading a write-only fd is EBADF");
	CHECK(SC3(f, SYS_lseek, fd, 1, SEEK_SET) == 1 && SC3(f, SYS_write, fd, gput(f, "EL", 2), 2) == 2,
	      "lseek and overwrite");
	CHECK(SC3(f, SYS_lseek, fd, 8, SEEK_SET) == 8 && SC3(f, SYS_write, fd, gput(f, "!", 1), 1) == 1,
	      "write past the end leaves a hole");
	CHECK(sys_task_output(f->t, 0, &name, &data, &len) == 0 && strcmp(name, "result.txt") == 0 && len == 9 &&
		      memcmp(data, "hELlo\0\0\0!", 9) == 0,
	      "sys_task_output shows the name and the bytes, hole zeroed");
	CHECK(sys_task_output(f->t, 1, &name, &data, &len) == -ENOENT, "no second output yet");
	SC1(f, SYS_close, fd);
	fd = open_path(f, "/output/result.txt", O_WRONLY | O_APPEND);
	CHECK(SC3(f, SYS_write, fd, gput(f, "+", 1), 1) == 1, "append");
	sys_task_output(f->t, 0, &name, &data, &len);
	CHECK(len == 10 && data[9] == '+', "O_APPEND writes at the end");
	SC1(f, SYS_close, fd);
	fd = open_path(f, "/output/result.txt", O_RDWR | O_TRUNC);
	sys_task_output(f->t, 0, &name, &data, &len);
	CHECK(fd >= 0 && len == 0, "O_TRUNC empties an output");
	SC3(f, SYS_write, fd, gput(f, "abc", 3), 3);
	CHECK(SC3(f, SYS_lseek, fd, 0, SEEK_SET) == 0 && SC3(f, SYS_read, fd, buf, 10) == 3, "an O_RDWR output reads back");
	CHECK(open_path(f, "/output/result.txt", O_CREAT | O_EXCL | O_WRONLY) == -EEXIST, "O_EXCL on an output");
	CHECK(open_path(f, "/newfile", O_CREAT | O_WRONLY) == -EROFS, "creating at the root is EROFS");
	CHECK(open_path(f, "/input/new", O_CREAT | O_WRONLY) == -EROFS, "creating in /input is EROFS");
	CHECK(open_path(f, "/output/../escape", O_CREAT | O_WRONLY) == -EROFS, "/output/.. resolves to the root");
	CHECK(open_path(f, "/output/sub/x", O_CREAT | O_WRONLY) == -ENOENT, "no subdirectories in /output");
	CHECK(open_path(f, "/output/..", O_CREAT | O_WRONLY) == -EISDIR, "creating .. is EISDIR");
	CHECK(open_path(f, "/output/.", O_CREAT | O_WRONLY) == -EISDIR, "creating . is EISDIR");
	CHECK(open_path(f, "/output/", O_CREAT | O_WRONLY) == -EISDIR, "creating the directory itself is EISDIR");
	CHECK(open_path(f, "/output/new/", O_CREAT | O_WRONLY) == -EISDIR, "a new name with a trailing slash is EISDIR");
	CHECK(open_path(f, "/output/missing", O_WRONLY) == -ENOENT, "without O_CREAT a missing output is ENOENT");
	CHECK(SC3(f, SYS_openat, fd, gput(f, "x", 0), O_RDONLY) == -ENOTDIR, "openat relative to a file is ENOTDIR");
	CHECK(SC3(f, SYS_openat, 99, gput(f, "x", 0), O_RDONLY) == -EBADF, "openat relative to a bad fd is EBADF");
	{
		int64_t dir = open_path(f, "/output", O_RDONLY | O_DIRECTORY);
		int64_t g = SC4(f, SYS_openat, dir, gput(f, "rel.txt", 0), O_CREAT | O_WRONLY, 0644);

		CHECK(dir >= 0 && g >= 0, "openat relative to /output creates there");
		CHECK(sys_task_output(f->t, 1, &name, NULL, NULL) == 0 && strcmp(name, "rel.txt") == 0,
		      "outputs are listed in creation order");
	}
	fake_free(f);
}

static void test_limits(void)
{
	struct sys_config c = fake_config(NULL);
	struct fake *f;
	uint64_t big;
	int64_t fd;
	int i;

	c.max_output = 100;
	c.max_output_files = 2;
	c.max_open_files = 6;
	f = fake_new(&c);
	big = gbuf(f, 200);
	CHECK(SC3(f, SYS_write, 1, big, 60) == 60, "60 bytes to stdout");
	fd = open_path(f, "/output/a", O_CREAT | O_WRONLY);
	CHECK(SC3(f, SYS_write, fd, big, 40) == 40, "40 bytes to a file reach the limit exactly");
	CHECK(sys_task_stop_reason(f->t) == SYS_RUNNING, "reaching the limit exactly does not stop the task");
	CHECK(SC3(f, SYS_write, 2, big, 0) == 0, "a zero-length write at the limit is fine");
	CHECK(SC3(f, SYS_write, 2, big, 1) == -EFBIG, "one more byte is EFBIG");
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_OUTPUT_LIMIT, "and stops the task");
	CHECK(f->out_len[2] == 0, "nothing past the limit was delivered");
	fake_free(f);

	f = fake_new(&c);
	big = gbuf(f, 200);
	CHECK(SC3(f, SYS_write, 1, big, 150) == 100, "a write straddling the limit writes what fits");
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_OUTPUT_LIMIT && f->out_len[1] == 100, "and stops the task");
	fake_free(f);

	f = fake_new(&c);
	fd = open_path(f, "/output/a", O_CREAT | O_WRONLY);
	CHECK(SC3(f, SYS_lseek, fd, 1ll << 40, SEEK_SET) == 1ll << 40, "seek an output to 1 TiB");
	CHECK(SC3(f, SYS_write, fd, gput(f, "x", 1), 1) == -EFBIG, "writing there is EFBIG: the hole counts");
	fake_free(f);

	f = fake_new(&c);
	CHECK(open_path(f, "/output/a", O_CREAT | O_WRONLY) == 3, "first output");
	CHECK(open_path(f, "/output/b", O_CREAT | O_WRONLY) == 4, "second output");
	CHECK(open_path(f, "/output/a", O_WRONLY) == 5, "reopening an output does not count");
	CHECK(open_path(f, "/output/c", O_CREAT | O_WRONLY) == -EMFILE, "max_open_files is EMFILE");
	SC1(f, SYS_close, 5);
	CHECK(open_path(f, "/output/c", O_CREAT | O_WRONLY) == -EDQUOT, "a third output is EDQUOT");
	CHECK(sys_task_stop_reason(f->t) == SYS_STOP_FILE_LIMIT, "and stops the task with the file limit");
	for (i = 0; i < 3; i++)
		SC1(f, SYS_close, i);
	CHECK(open_path(f, "/input", O_RDONLY) == 0, "closed stdin frees fd 0");
	fake_free(f);
}

static void test_streams(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t buf = gbuf(f, 16);

	f->in = "line\nrest";
	f->in_len = 9;
	CHECK(SC3(f, SYS_read, 0, buf, 5) == 5 && memcmp(f->mem + buf, "line\n", 5) == 0, "stdin via ops");
	CHECK(SC3(f, SYS_read, 0, buf, 16) == 4, "the rest of stdin");
	CHECK(SC3(f, SYS_read, 0, buf, 16) == 0, "stdin at its end is 0");
	f->stream_error = 1;
	CHECK(SC3(f, SYS_write, 1, buf, 2) == -EIO, "a failing sink's error comes back");
	fake_free(f);
}

int main(void)
{
	test_inputs();
	test_outputs();
	test_limits();
	test_streams();
	TAP_DONE();
}
