/* SPDX-License-Identifier: Apache-2.0 */
/* Tries to create files where a task must not; prints what happened. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void try(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	printf("%s: %s\n", path, fd >= 0 ? "created" : strerror(errno));
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	try("/output/../escape");
	try("/output/a/b");
	try("/output/..");
	try("/etc/passwd");
	try("/input/new");
	try("/escape");
	try("/output/ok");
	int fd = open("/input/data", O_WRONLY);
	printf("write-open input: %s\n", fd >= 0 ? "opened" : strerror(errno));
	return 0;
}
