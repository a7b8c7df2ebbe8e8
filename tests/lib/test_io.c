/* SPDX-License-Identifier: Apache-2.0 */
/* lib/io: whole writes and reads, and whole bounded files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/io.h"
#include "tests/harness/tmp.h"
#include "tests/tap.h"

static int write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(text, 1, len, f);
	return fclose(f) == 0 && n == len ? 0 : -1;
}

int main(void)
{
	char dir[128], path[256];
	CHECK(harness_temp_dir(dir, sizeof(dir), "io") == 0, "temp dir");
	snprintf(path, sizeof(path), "%s/f", dir);

	uint8_t *data = NULL;
	size_t len = 0;
	CHECK(write_text(path, "abc", 3) == 0 &&
		      read_file_max(path, 3, &data, &len) == 0 && len == 3 &&
		      !memcmp(data, "abc", 3) && data[3] == 0,
	      "a file of exactly max bytes is read, NUL after it");
	free(data);
	data = NULL;
	CHECK(read_file_max(path, 2, &data, &len) == -EFBIG && !data,
	      "a file over max is -EFBIG");
	CHECK(write_text(path, "", 0) == 0 && read_file_max(path, 0, &data, &len) == 0 &&
		      len == 0,
	      "an empty file is read");
	free(data);
	data = NULL;
	CHECK(read_file_max(dir, 100, &data, &len) == -EISDIR, "a directory is -EISDIR");
	CHECK(read_file_max("/dev/null", 100, &data, &len) == -EINVAL,
	      "a device is refused (-EINVAL)");
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK(read_file_max(path, 100, &data, &len) == -ENOENT, "a missing file is -ENOENT");

	int p[2];
	char buf[8];
	CHECK(pipe(p) == 0 && write_all(p[1], "hello", 5) == 0 && read_all(p[0], buf, 5) == 0 &&
		      !memcmp(buf, "hello", 5),
	      "write_all and read_all through a pipe");
	close(p[1]);
	CHECK(read_all(p[0], buf, 1) == -EPIPE, "end of file before the bytes is -EPIPE");
	close(p[0]);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0, "a socket pair");
	close(p[0]);
	CHECK(write_all(p[1], "x", 1) == -EPIPE, "a socket whose peer is gone is -EPIPE, not a signal");
	close(p[1]);
	harness_remove_tree(dir);
	TAP_DONE();
}
