/* SPDX-License-Identifier: Apache-2.0 */
/* bench-psp SOCKET [N]: N report requests to a running kettle-psp, one
 * connection each (as kettle-vmm makes them); prints the mean round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "attest/psp/psp_client.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: bench-psp SOCKET [N]\n", stderr);
		return 2;
	}
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 200;
	if (n <= 0 || n > 1000000)
		n = 200;
	struct psp_request req = {.measurement = {1}, .report_data = {2}, .host_data = {3}};
	uint8_t report[1184];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		char *chain = NULL;
		int rc = psp_request_report(argv[1], &req, report, &chain);
		free(chain);
		if (rc) {
			fprintf(stderr, "bench-psp: request %ld failed: %d\n", i, rc);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3;
	printf("psp_request_report: %ld requests, %.1f us mean round trip\n", n, us / (double)n);
	return 0;
}
