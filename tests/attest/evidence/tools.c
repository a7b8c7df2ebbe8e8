/* SPDX-License-Identifier: Apache-2.0 */
/* Independent checks with other implementations: tpm2-tools'
 * tpm2_checkquote for the quote, `openssl verify` for the chain. */
#include "tests/attest/evidence/tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <tss2/tss2_tpm2_types.h>

#include "tests/attest/evidence/fixture.h"
#include "attest/tpm/quote_verify.h"

static int write_file(const char *p, const void *data, size_t len)
{
	FILE *f = fopen(p, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

static int shell(const char *cmd)
{
	int st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* tpm2-tools' serialized PCR file: TPML_PCR_SELECTION, the number of
 * TPML_DIGEST lists, the lists of at most 8 digests in PCR order. */
static int write_pcrs(const char *path, const json_t *quote)
{
	TPML_PCR_SELECTION sel;
	TPML_DIGEST lists[3];
	uint32_t nlists = 0;
	uint32_t mask = (uint32_t)json_integer_value(json_object_get(quote, "pcr_mask"));
	json_t *pcrs = json_object_get(quote, "pcrs");

	memset(&sel, 0, sizeof sel);
	memset(lists, 0, sizeof lists);
	sel.count = 1;
	sel.pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel.pcrSelections[0].sizeofSelect = 3;
	for (unsigned pcr = 0; pcr < 24; pcr++) {
		char key[4];
		size_t len;
		if (!(mask & (1u << pcr)))
			continue;
		snprintf(key, sizeof key, "%u", pcr);
		uint8_t *v = get_hex(pcrs, key, &len);
		if (!v || len != 32) {
			free(v);
			return -1;
		}
		sel.pcrSelections[0].pcrSelect[pcr / 8] |= (uint8_t)(1u << (pcr % 8));
		if ((nlists == 0 || lists[nlists - 1].count == 8) && ++nlists > 3) {
			free(v);
			return -1;
		}
		TPML_DIGEST *l = &lists[nlists - 1];
		l->digests[l->count].size = 32;
		memcpy(l->digests[l->count].buffer, v, 32);
		l->count++;
		free(v);
	}
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(&sel, sizeof sel, 1, f) == 1 && fwrite(&nlists, sizeof nlists, 1, f) == 1 &&
		 fwrite(lists, sizeof lists[0], nlists, f) == nlists;
	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

int checkquote(const char *tool, const char *dir, const json_t *bundle, const char *nonce_hex)
{
	char ak[600], at[600], sg[600], pc[600], cmd[4096];
	size_t ak_len = 0, at_len = 0, sg_len = 0;
	const json_t *q = json_object_get(bundle, "quote");
	uint8_t *akb = get_b64(bundle, "ak_public", &ak_len);
	uint8_t *atb = get_b64(q, "attest", &at_len), *sgb = get_b64(q, "signature", &sg_len);
	char *pem = NULL;
	int rc = -1;
	snprintf(ak, sizeof ak, "%s/ak.pem", dir);
	snprintf(at, sizeof at, "%s/attest.bin", dir);
	snprintf(sg, sizeof sg, "%s/sig.bin", dir);
	snprintf(pc, sizeof pc, "%s/pcrs.bin", dir);
	if (akb && atb && sgb && quote_ak_pem(akb, ak_len, &pem) == 0 && !write_file(ak, pem, strlen(pem)) &&
	    !write_file(at, atb, at_len) && !write_file(sg, sgb, sg_len) && !write_pcrs(pc, q)) {
		snprintf(cmd, sizeof cmd, "%s -u %s -m %s -s %s -f %s -g sha256 -q %s >/dev/null 2>&1", tool, ak,
			 at, sg, pc, nonce_hex);
		rc = shell(cmd);
	}
	free(pem);
	free(akb);
	free(atb);
	free(sgb);
	return rc;
}

int split_chain(const json_t *bundle, const char *dir, const char *prefix)
{
	static const char end[] = "-----END CERTIFICATE-----";
	static const char *names[3] = {"vcek", "ask", "ark"};
	const char *s = json_string_value(json_object_get(bundle, "cert_chain"));
	for (int i = 0; i < 3; i++) {
		const char *e = s ? strstr(s, end) : NULL;
		char path[600];
		if (!e)
			return -1;
		e += sizeof end - 1;
		snprintf(path, sizeof path, "%s/%s%s.pem", dir, prefix, names[i]);
		if (write_file(path, s, (size_t)(e - s)))
			return -1;
		s = e;
		while (*s == '\n')
			s++;
	}
	return 0;
}

int openssl_verify(const char *tool, const char *dir, const char *ark_prefix, const char *prefix)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "%s verify -CAfile %s/%sark.pem -untrusted %s/%sask.pem %s/%svcek.pem >/dev/null 2>&1",
		 tool, dir, ark_prefix, dir, prefix, dir, prefix);
	return shell(cmd);
}
