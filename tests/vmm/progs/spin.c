/* SPDX-License-Identifier: Apache-2.0 */
/* CPU-bound work for the benchmark: argv[1] iterations of a 64-bit LCG;
 * prints the result and the nanoseconds the loop took. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000000ul, x = 1;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < n; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lu %lld\n", x, (long long)((t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec)));
	return 0;
}
