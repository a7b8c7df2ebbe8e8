/* SPDX-License-Identifier: Apache-2.0 */
/* Syscall round trip: argv[1] batches of argv[2] raw getpid calls; prints
 * the median over batches of the mean ns per call. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int batches = argc > 1 ? atoi(argv[1]) : 100, per = argc > 2 ? atoi(argv[2]) : 1000;
	double *ns = malloc(sizeof(double) * (batches > 0 ? batches : 1));
	long r = 0;
	if (!ns || batches <= 0 || per <= 0)
		return 2;
	for (int b = 0; b < batches; b++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < per; i++)
			__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_getpid) : "rcx", "r11", "memory");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns[b] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / per;
	}
	qsort(ns, batches, sizeof *ns, cmp);
	printf("%.1f\n", ns[batches / 2]);
	return r > 0 ? 0 : 1;
}
