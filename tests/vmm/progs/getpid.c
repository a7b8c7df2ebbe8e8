/* argv[1] raw getpid syscalls, for the syscall round-trip benchmark. */
#include <stdlib.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, r = 0;
	for (long i = 0; i < n; i++)
		__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_getpid) : "rcx", "r11", "memory");
	return r > 0 ? 0 : 1;
}
