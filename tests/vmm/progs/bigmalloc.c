/* Large allocations go through mmap; they must be zeroed, usable, freeable
 * and reusable many times over without running out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	for (int round = 0; round < 20; round++) {
		size_t n = (size_t)(8 + round % 4) << 20;
		unsigned char *p = malloc(n);
		if (!p) {
			printf("malloc %zu failed in round %d\n", n, round);
			return 1;
		}
		for (size_t i = 0; i < n; i += 4096)
			if (p[i]) {
				printf("fresh memory not zero\n");
				return 2;
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
