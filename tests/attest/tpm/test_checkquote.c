/* SPDX-License-Identifier: Apache-2.0 */
/* The vTPM's quote also checks with an independent verifier: tpm2-tools'
 * tpm2_checkquote, given the AK as PEM, TPMS_ATTEST as the message,
 * TPMT_SIGNATURE, the PCR values and the nonce as qualification.
 *
 * The PCR file is in tpm2-tools' "serialized" form (what tpm2_quote -f
 * writes): the TPML_PCR_SELECTION and TPML_DIGEST C structs of the TSS
 * headers, as in memory. The other form, bare values with -l, mis-counts
 * selections of more than 8 PCRs in tpm2-tools 5.4, and a quote covers 17. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tss2/tss2_tpm2_types.h>

#include "attest/tpm/eventlog.h"
#include "attest/tpm/quote_verify.h"
#include "tests/tap.h"
#include "attest/tpm/vtpm.h"

static char dir[] = "/tmp/kettle-checkquote-XXXXXX";
static char path[4][128];

static int write_file(const char *p, const void *data, size_t len)
{
	FILE *f = fopen(p, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/* Runs tpm2_checkquote; its error lines go to TAP comments. Exit status. */
static int checkquote(const char *tool, const char *nonce_hex)
{
	char cmd[1024], line[512];

	snprintf(cmd, sizeof(cmd),
		 "%s -u %s -m %s -s %s -f %s -g sha256 -q %s 2>&1", tool,
		 path[0], path[1], path[2], path[3], nonce_hex);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "ERROR"))
			printf("# %s", line);
	return pclose(p);
}

/* Selection, then the number of digest lists, then the lists of at most
 * 8 digests each, in ascending PCR order. */
static int write_pcrs(const struct vtpm_quote *q)
{
	TPML_PCR_SELECTION sel;
	TPML_DIGEST lists[3];
	uint32_t nlists = 0;

	memset(&sel, 0, sizeof(sel));
	memset(lists, 0, sizeof(lists));
	sel.count = 1;
	sel.pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel.pcrSelections[0].sizeofSelect = 3;
	for (unsigned pcr = 0; pcr < 24; pcr++) {
		if (!(q->pcr_mask & (1u << pcr)))
			continue;
		sel.pcrSelections[0].pcrSelect[pcr / 8] |= (uint8_t)(1u << (pcr % 8));
		if (nlists == 0 || lists[nlists - 1].count == 8)
			if (++nlists > 3)
				return -1;
		TPML_DIGEST *l = &lists[nlists - 1];
		l->digests[l->count].size = 32;
		memcpy(l->digests[l->count].buffer, q->pcrs[pcr], 32);
		l->count++;
	}
	FILE *f = fopen(path[3], "wb");
	int ok = f && fwrite(&sel, sizeof(sel), 1, f) == 1 &&
		 fwrite(&nlists, sizeof(nlists), 1, f) == 1 &&
		 fwrite(lists, sizeof(lists[0]), nlists, f) == nlists;
	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const uint8_t nonce[20] = "checkquote-nonce-xyz";
	struct vtpm_quote q;
	struct vtpm *v;
	uint8_t *ak = NULL;
	size_t ak_len = 0;
	char *pem = NULL, nonce_hex[41], wrong_hex[41];

	if (argc != 2)
		TAP_SKIP_ALL("usage: test-checkquote PATH-TO-tpm2_checkquote");
	if (!mkdtemp(dir))
		TAP_SKIP_ALL("cannot create a temporary directory");
	const char *names[4] = {"ak.pem", "attest.bin", "sig.bin", "pcrs.bin"};
	for (int i = 0; i < 4; i++)
		snprintf(path[i], sizeof(path[i]), "%s/%s", dir, names[i]);

	CHECK(vtpm_start(&v) == 0, "vTPM started");
	CHECK(vtpm_extend(v, 4, "executor-elf", "elf", 3) == 0 &&
		      vtpm_extend(v, 8, "function-manifest", "{}", 2) == 0 &&
		      vtpm_extend(v, 23, "app", "z", 1) == 0,
	      "three extends");
	CHECK(vtpm_quote(v, nonce, sizeof(nonce), &q) == 0, "quote");
	CHECK(vtpm_ak_public(v, &ak, &ak_len) == 0 &&
		      quote_ak_pem(ak, ak_len, &pem) == 0,
	      "AK public as PEM");

	for (size_t i = 0; i < sizeof(nonce); i++)
		sprintf(nonce_hex + 2 * i, "%02x", nonce[i]);
	strcpy(wrong_hex, nonce_hex);
	wrong_hex[0] = wrong_hex[0] == '0' ? '1' : '0';

	CHECK(pem && write_file(path[0], pem, strlen(pem)) == 0 &&
		      write_file(path[1], q.attest, q.attest_len) == 0 &&
		      write_file(path[2], q.signature, q.signature_len) == 0 &&
		      write_pcrs(&q) == 0,
	      "files written for tpm2_checkquote");

	CHECK(checkquote(argv[1], nonce_hex) == 0,
	      "tpm2_checkquote accepts the quote");
	CHECK(checkquote(argv[1], wrong_hex) != 0,
	      "tpm2_checkquote rejects a wrong nonce");
	q.pcrs[8][0] ^= 1;
	CHECK(write_pcrs(&q) == 0 && checkquote(argv[1], nonce_hex) != 0,
	      "tpm2_checkquote rejects a changed PCR value");
	q.pcrs[8][0] ^= 1;
	q.signature[10] ^= 1;
	CHECK(write_pcrs(&q) == 0 &&
		      write_file(path[2], q.signature, q.signature_len) == 0 &&
		      checkquote(argv[1], nonce_hex) != 0,
	      "tpm2_checkquote rejects a changed signature");

	for (int i = 0; i < 4; i++)
		unlink(path[i]);
	rmdir(dir);
	free(pem);
	free(ak);
	vtpm_free(v);
	TAP_DONE();
}
