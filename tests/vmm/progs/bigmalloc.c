/* SPDX-License-Identifier: Apache-2.0 */
/* Large allocations: anonymous mmap memory reads as zero even when the same
 * range was dirtied and unmapped before; big mallocs (the mmap path) work,
 * are freed and reused many times without running out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
	for (int round = 0; round < 8; round++) {
		size_t n = (size_t)(4 + round % 3) << 20;
		unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("mmap %zu failed in round %d\n", n, round);
			return 1;
		}
		for (size_t i = 0; i < n; i += 512)
			if (p[i]) {
				printf("fresh mapping not zero in round %d\n", round);
				return 2;
			}
		memset(p, 0xa5, n);
		munmap(p, n);
	}
	for (int round = 0; round < 20; round++) {
		size_t n = (size_t)(8 + round % 4) << 20;
		unsigned char *p = malloc(n);
		if (!p) {
			printf("malloc %zu failed in round %d\n", n, round);
			return 3;
		}
		memset(p, round, n);
		free(p);
	}
	void *small[1000];
	for (int i = 0; i < 1000; i++)
		small[i] = malloc(1000 + i);
	for (int i = 0; i < 1000; i++)
		free(small[i]);
	printf("bigmalloc ok\n");
	return 0;
}
