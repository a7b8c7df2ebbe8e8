/* SPDX-License-Identifier: Apache-2.0 */
/* bench-vtpm: how long the per-task attestation work takes in-process.
 * Prints the time for vtpm_start (manufacture + Startup + AK), 8 extends,
 * one quote, and quote_verify, for a few fresh TPMs in a row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attest/tpm/eventlog.h"
#include "attest/tpm/quote_verify.h"
#include "attest/tpm/vtpm.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int one_round(int round)
{
	static const unsigned pcrs[8] = {0, 1, 4, 8, 9, 10, 11, 11};
	struct vtpm_quote q;
	struct vtpm *v;
	uint8_t nonce[32], *ak = NULL, event[256];
	size_t ak_len;
	int rc;

	memset(nonce, 0x5a, sizeof(nonce));
	memset(event, round, sizeof(event));
	double t0 = now_ms();
	if ((rc = vtpm_start(&v)))
		return rc;
	double t1 = now_ms();
	for (int i = 0; i < 8 && !rc; i++)
		rc = vtpm_extend(v, pcrs[i], "bench", event, sizeof(event));
	double t2 = now_ms();
	if (!rc)
		rc = vtpm_quote(v, nonce, sizeof(nonce), &q);
	double t3 = now_ms();
	if (!rc)
		rc = vtpm_ak_public(v, &ak, &ak_len);
	if (!rc) {
		struct quote_expect ex = {nonce, sizeof(nonce), q.pcrs,
					  EVENTLOG_PCR_MASK, VTPM_AK_HIERARCHY};
		rc = quote_verify(ak, ak_len, q.attest, q.attest_len,
				  q.signature, q.signature_len, &ex, NULL);
	}
	double t4 = now_ms();
	vtpm_free(v);
	double t5 = now_ms();
	printf("round %d: start+AK %.2f ms, 8 extends %.2f ms, quote %.2f ms, "
	       "verify %.2f ms, free %.2f ms, total %.2f ms%s\n",
	       round, t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0,
	       rc ? " (FAILED)" : "");
	free(ak);
	return rc;
}

int main(void)
{
	for (int i = 0; i < 5; i++)
		if (one_round(i)) {
			fprintf(stderr, "bench-vtpm: round %d failed\n", i);
			return 1;
		}
	return 0;
}
