/* SPDX-License-Identifier: Apache-2.0 */
/* bench-verify BUNDLE.json [RUNS]: median in-process time of
 * evidence_verify() on one bundle (parsed once), over RUNS (200) runs. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "attest/evidence/evidence.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench-verify BUNDLE.json [RUNS]\n");
		return 2;
	}
	int runs = argc == 3 ? atoi(argv[2]) : 200;
	if (runs < 1 || runs > 100000) {
		fprintf(stderr, "bench-verify: RUNS must be 1 to 100000\n");
		return 2;
	}
	json_error_t jerr;
	json_t *bundle = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &jerr);
	if (!bundle) {
		fprintf(stderr, "bench-verify: %s: %s\n", argv[1], jerr.text);
		return 1;
	}
	double *t = malloc((size_t)runs * sizeof *t);
	if (!t) {
		json_decref(bundle);
		return 1;
	}
	static struct evidence_claims c;
	char err[512];
	int rc = 0;
	for (int i = 0; i < runs && !rc; i++) {
		double t0 = now_ms();
		enum evidence_result r = evidence_verify(bundle, NULL, &c, err, sizeof err);
		t[i] = now_ms() - t0;
		evidence_claims_clear(&c);
		if (r) {
			fprintf(stderr, "bench-verify: %s\n", err);
			rc = 1;
		}
	}
	if (!rc) {
		qsort(t, (size_t)runs, sizeof *t, cmp);
		printf("evidence_verify: median %.3f ms, min %.3f ms, max %.3f ms over %d runs\n",
		       t[runs / 2], t[0], t[runs - 1], runs);
	}
	free(t);
	json_decref(bundle);
	return rc;
}
