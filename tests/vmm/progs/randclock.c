/* SPDX-License-Identifier: Apache-2.0 */
/* getrandom gives changing bytes; clocks move forward; sleep sleeps. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

int main(void)
{
	unsigned char a[32], b[32];
	if (getrandom(a, sizeof a, 0) != sizeof a || getrandom(b, sizeof b, 0) != sizeof b)
		return 1;
	if (!memcmp(a, b, sizeof a))
		return 2;
	struct timespec t0, t1, rt;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	nanosleep(&nap, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_REALTIME, &rt);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	long long slept = (t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec);
	if (slept < 20 * 1000 * 1000)
		return 3;
	if (rt.tv_sec < 1700000000 || tv.tv_sec < 1700000000)
		return 4;
	printf("random and clocks ok\n");
	return 0;
}
