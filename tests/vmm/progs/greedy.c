/* SPDX-License-Identifier: Apache-2.0 */
/* Allocates until memory runs out, then fails like most programs do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	size_t total = 0;
	for (;;) {
		char *p = malloc(1 << 20);
		if (!p) {
			fprintf(stderr, "out of memory after %zu MiB\n", total >> 20);
			return 1;
		}
		memset(p, 1, 1 << 20);
		total += 1 << 20;
	}
}
