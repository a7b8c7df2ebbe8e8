/* SPDX-License-Identifier: Apache-2.0 */
/* Azure SEV-SNP vTPM evidence (trustee's genuine samples): each verifies
 * with AMD's chain; a one-byte change in any part fails at the check that
 * guards that part; malformed evidence is refused. argv: the azure test data
 * directory, the snp test data directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/azure/azure.h"
#include "tests/tap.h"

static const char *cli_data, *snp_data;

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(AZ_EVIDENCE_MAX);
	size_t n = buf ? fread(buf, 1, AZ_EVIDENCE_MAX, f) : 0;
	fclose(f);
	*len = n;
	return buf;
}

static X509 *cert(const char *name)
{
	char path[4096];
	X509 *x = NULL;
	snprintf(path, sizeof(path), "%s/%s", snp_data, name);
	return snp_cert_load(path, &x) == 0 ? x : NULL;
}

static enum azure_status verify(const struct azure_evidence *ev, X509 *ask, X509 *ark,
				const uint8_t *nonce, size_t nonce_len, enum snp_status *snp)
{
	struct azure_result res;
	enum azure_status st = azure_verify(ev, ask, ark, nonce, nonce_len, &res);
	json_decref(res.claims);
	if (snp)
		*snp = res.snp;
	return st;
}

/* Flip one bit of each byte of buf[from..to) in turn; count the flips that
 * did not end in `want`. */
static int sweep(struct azure_evidence *ev, uint8_t *buf, size_t from, size_t to,
		 X509 *ask, X509 *ark, enum azure_status want)
{
	int wrong = 0;
	for (size_t i = from; i < to; i++) {
		buf[i] ^= 0x01;
		if (verify(ev, ask, ark, NULL, 0, NULL) != want)
			wrong++;
		buf[i] ^= 0x01;
	}
	return wrong;
}

static void check_sample(const char *file, const char *product, const uint8_t *nonce,
			 size_t nonce_len)
{
	char ask_name[64], ark_name[64];
	snprintf(ask_name, sizeof(ask_name), "%s-ask.pem", product);
	snprintf(ark_name, sizeof(ark_name), "%s-ark.pem", product);
	X509 *ask = cert(ask_name), *ark = cert(ark_name);
	size_t len = 0;
	char *text = slurp(cli_data, file, &len);
	struct azure_evidence ev;
	const char *why = "";
	int parsed = text && azure_evidence_parse(text, len, &ev, &why) == 0;
	CHECK(parsed && ask && ark, "%s: evidence parses (%s)", file, why ? why : "ok");
	if (!parsed)
		goto out;

	enum snp_status snp;
	enum azure_status st = verify(&ev, ask, ark, NULL, 0, &snp);
	CHECK(st == AZ_OK, "%s: verifies with AMD's %s chain (%s)", file, product,
	      azure_status_str(st, snp));
	CHECK(verify(&ev, ask, ark, nonce, nonce_len, NULL) == AZ_OK,
	      "%s: the quote's extraData equals the expected nonce", file);
	uint8_t other[64];
	memcpy(other, nonce, nonce_len);
	other[nonce_len - 1] ^= 1;
	CHECK(verify(&ev, ask, ark, other, nonce_len, NULL) == AZ_E_NONCE,
	      "%s: another nonce fails the nonce check", file);

	/* The SNP report inside the HCL report. */
	ev.hcl[32 + 0x90] ^= 1;
	st = verify(&ev, ask, ark, NULL, 0, &snp);
	CHECK(st == AZ_E_SNP && snp == SNP_E_SIGNATURE,
	      "%s: a changed byte in the SNP report fails the report signature", file);
	ev.hcl[32 + 0x90] ^= 1;

	/* The runtime claims: every byte is bound through REPORT_DATA. */
	uint32_t claims_len = (uint32_t)ev.hcl[1232] | (uint32_t)ev.hcl[1233] << 8;
	CHECK(sweep(&ev, ev.hcl, 1236, 1236 + claims_len, ask, ark, AZ_E_REPORT_DATA) == 0,
	      "%s: each of the %u runtime-claims bytes is bound to REPORT_DATA", file, claims_len);
	ev.hcl[0] ^= 1;
	CHECK(verify(&ev, ask, ark, NULL, 0, NULL) == AZ_E_HCL, "%s: a broken HCLA header fails", file);
	ev.hcl[0] ^= 1;
	ev.hcl[1233] ^= 0x40; /* variable data size beyond the buffer */
	CHECK(verify(&ev, ask, ark, NULL, 0, NULL) == AZ_E_HCL,
	      "%s: a runtime-claims size past the end fails the HCL check", file);
	ev.hcl[1233] ^= 0x40;

	/* The quote and its signature. */
	CHECK(sweep(&ev, ev.quote, 0, ev.quote_len, ask, ark, AZ_E_QUOTE_SIGNATURE) == 0,
	      "%s: each of the %zu quote bytes is covered by the AK signature", file, ev.quote_len);
	CHECK(sweep(&ev, ev.signature, 0, ev.signature_len, ask, ark, AZ_E_QUOTE_SIGNATURE) == 0,
	      "%s: each of the %zu signature bytes matters", file, ev.signature_len);
	int wrong = 0;
	for (size_t p = 0; p < ev.n_pcrs; p++) {
		ev.pcrs[p][p % 32] ^= 0x80;
		if (verify(&ev, ask, ark, NULL, 0, NULL) != AZ_E_PCR_DIGEST)
			wrong++;
		ev.pcrs[p][p % 32] ^= 0x80;
	}
	CHECK(wrong == 0, "%s: a changed value in any of the %zu PCRs fails the PCR digest", file,
	      ev.n_pcrs);
	size_t n_pcrs = ev.n_pcrs;
	ev.n_pcrs = 23;
	CHECK(verify(&ev, ask, ark, NULL, 0, NULL) == AZ_E_PCR_SELECTION,
	      "%s: a quote over a PCR the evidence lacks fails", file);
	ev.n_pcrs = n_pcrs;
	CHECK(verify(&ev, ask, ark, NULL, 0, NULL) == AZ_OK, "%s: restored evidence verifies again",
	      file);
	azure_evidence_free(&ev);
out:
	free(text);
	X509_free(ask);
	X509_free(ark);
}

static int parse_text(const char *text)
{
	struct azure_evidence ev;
	const char *why;
	int rc = azure_evidence_parse(text, strlen(text), &ev, &why);
	if (rc == 0)
		azure_evidence_free(&ev);
	return rc == -EINVAL && why != NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		TAP_SKIP_ALL("needs the cli and snp data directories as arguments");
	cli_data = argv[1], snp_data = argv[2];

	static const uint8_t nonce_v2[48] = {
		0x98, 0x2f, 0x5c, 0x6e, 0x45, 0xdf, 0x0e, 0xd3, 0xf1, 0x0b, 0x6f, 0x60,
		0xb0, 0x2f, 0x0c, 0x83, 0x90, 0xe2, 0x81, 0x30, 0x0f, 0x38, 0x05, 0xe2,
		0x27, 0x9c, 0x16, 0x16, 0x8c, 0xd6, 0xae, 0x9a, 0xa3, 0x98, 0xf6, 0x47,
		0xca, 0xa2, 0x33, 0x87, 0x48, 0xcd, 0x0f, 0xd9, 0xf5, 0xf8, 0x19, 0xef};
	static const uint8_t nonce_genoa[48] = {
		0x02, 0x18, 0x48, 0x8b, 0xae, 0x25, 0xd2, 0x50, 0x92, 0x32, 0xbf, 0x67,
		0x6f, 0x1a, 0x66, 0xa3, 0x0d, 0x73, 0x72, 0xad, 0xd9, 0x09, 0x10, 0x9b,
		0x36, 0x01, 0x6e, 0xf1, 0x36, 0xf2, 0x93, 0x8c, 0xa0, 0x54, 0x75, 0xf8,
		0xb4, 0x60, 0x94, 0xde, 0x6b, 0x64, 0x27, 0x0e, 0xa3, 0x5d, 0x95, 0x0f};
	check_sample("azure-milan-v2.json", "milan", nonce_v2, sizeof(nonce_v2));
	check_sample("azure-milan-v1.json", "milan", (const uint8_t *)"challenge", 9);
	check_sample("azure-genoa-v0.json", "genoa", nonce_genoa, sizeof(nonce_genoa));

	/* Milan evidence against Genoa's chain. */
	size_t len;
	char *text = slurp(cli_data, "azure-milan-v2.json", &len);
	struct azure_evidence ev;
	const char *why;
	X509 *gask = cert("genoa-ask.pem"), *gark = cert("genoa-ark.pem");
	enum snp_status snp = SNP_OK;
	CHECK(text && azure_evidence_parse(text, len, &ev, &why) == 0 &&
		      verify(&ev, gask, gark, NULL, 0, &snp) == AZ_E_SNP && snp == SNP_E_VCEK,
	      "Milan evidence against Genoa's ASK/ARK fails the chain check");
	azure_evidence_free(&ev);
	free(text);
	X509_free(gask);
	X509_free(gark);

	/* Malformed evidence. */
	CHECK(parse_text("not json"), "not JSON is refused");
	CHECK(parse_text("{\"version\":3,\"hcl_report\":\"SENMQQ\",\"tpm_quote\":{}}"),
	      "version 3 is refused");
	CHECK(parse_text("{\"version\":2,\"hcl_report\":\"SEN*QQ\",\"tpm_quote\":{}}"),
	      "a non-base64url hcl_report is refused");
	CHECK(parse_text("{\"version\":2,\"hcl_report\":\"SENMQQ\",\"tpm_quote\":{\"message\":\"ff5\","
			 "\"signature\":\"00\",\"pcrs\":[]},\"vcek\":\"\"}"),
	      "an odd-length hex message is refused");
	CHECK(parse_text("{\"report\":[72,67,76,256],\"quote\":{}}"),
	      "a byte array with 256 in it is refused");
	CHECK(parse_text("{\"version\":2,\"hcl_report\":\"SENMQQ\",\"tpm_quote\":{\"message\":\"ff\","
			 "\"signature\":\"00\",\"pcrs\":[\"00\"]},\"vcek\":\"\"}"),
	      "a PCR that is not 32 bytes is refused");

	struct hcl_report hcl;
	uint8_t small[1236] = {'H', 'C', 'L', 'A'};
	CHECK(hcl_report_parse(small, sizeof(small) - 1, &hcl) == -EINVAL,
	      "an HCL report shorter than header + report + IGVM header is refused");
	small[1216 + 8] = 2;   /* report type SNP */
	small[1216 + 12] = 1;  /* SHA-256 */
	small[1216 + 16] = 1;  /* one byte of claims, but none present */
	small[1216] = 21;
	CHECK(hcl_report_parse(small, sizeof(small), &hcl) == -EINVAL,
	      "claims longer than the buffer are refused");

	const char *no_ak = "{\"keys\":[{\"kid\":\"HCLEkPub\",\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}";
	const char *small_ak = "{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}";
	const char *ec_ak = "{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"EC\"}]}";
	EVP_PKEY *k1 = azure_akpub((const uint8_t *)no_ak, strlen(no_ak));
	EVP_PKEY *k2 = azure_akpub((const uint8_t *)small_ak, strlen(small_ak));
	EVP_PKEY *k3 = azure_akpub((const uint8_t *)ec_ak, strlen(ec_ak));
	CHECK(!k1 && !k2 && !k3, "claims without a 2048-4096-bit RSA HCLAkPub give no AK");
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(k3);
	TAP_DONE();
}
