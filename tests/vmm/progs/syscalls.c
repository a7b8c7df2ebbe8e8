/* SPDX-License-Identifier: Apache-2.0 */
/* Calls syscalls directly with bad arguments; prints each errno. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long raw(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

int main(void)
{
	printf("write bad pointer: %ld\n", raw(SYS_write, 1, 0x10, 5));
	printf("write kernel pointer: %ld\n", raw(SYS_write, 1, 0x1000, 5));
	printf("write wrapping length: %ld\n", raw(SYS_write, 1, 0x400000, -1));
	printf("write bad fd: %ld\n", raw(SYS_write, 99, (long)"x", 1));
	printf("read into kernel: %ld\n", raw(SYS_read, 0, 0x8000, 16));
	printf("close bad fd: %ld\n", raw(SYS_close, 1234, 0, 0));
	printf("unknown syscall: %ld\n", raw(333, 0, 0, 0));
	printf("open bad path pointer: %ld\n", raw(SYS_open, 0x20, 0, 0));
	return 0;
}
