/* SPDX-License-Identifier: Apache-2.0 */
/* Crashes in the way argv[1] names. */
#include <string.h>

int main(int argc, char **argv)
{
	volatile int zero = 0;
	if (argc < 2)
		return 1;
	if (!strcmp(argv[1], "null"))
		return *(volatile int *)0;
	if (!strcmp(argv[1], "unmapped"))
		return *(volatile int *)0x7ff000000000ull;
	if (!strcmp(argv[1], "div0"))
		return 10 / zero;
	if (!strcmp(argv[1], "ud2"))
		__asm__ volatile("ud2");
	if (!strcmp(argv[1], "garbage")) {
		void (*f)(void) = (void (*)(void))0x123456789ull;
		f();
	}
	if (!strcmp(argv[1], "kernel")) /* read the VMM's boot structures */
		return *(volatile int *)0x1000;
	if (!strcmp(argv[1], "port")) /* ring 3 may not talk to the VMM */
		__asm__ volatile("outb %%al, $0x80" ::"a"(0));
	if (!strcmp(argv[1], "hlt"))
		__asm__ volatile("hlt");
	if (!strcmp(argv[1], "stack")) { /* jump to the syscall stub directly */
		void (*f)(void) = (void (*)(void))0xA002ull;
		f();
	}
	return 0;
}
