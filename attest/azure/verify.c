/* SPDX-License-Identifier: Apache-2.0 */
/* The chain of trust in Azure's evidence: AMD's chain signs the SNP report
 * -> REPORT_DATA holds the hash of the runtime claims -> the claims hold
 * the vTPM AK -> the AK signs the quote -> the quote's digest covers the
 * PCR values and its extraData the verifier's nonce. */
#include "attest/azure/azure.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "attest/tpm/quote_verify.h"
#include "attest/tpm/tpm_types.h"

const char *azure_status_str(enum azure_status st, enum snp_status snp)
{
	switch (st) {
	case AZ_OK:
		return "ok";
	case AZ_E_HCL:
		return "HCL report: not an HCLA header with an SNP report and runtime claims";
	case AZ_E_SNP:
		return snp_status_str(snp);
	case AZ_E_VMPL:
		return "SNP report: VMPL is not 0 (the HCL report comes from VMPL 0)";
	case AZ_E_REPORT_DATA:
		return "runtime claims: their hash does not match the SNP report's REPORT_DATA";
	case AZ_E_AKPUB:
		return "runtime claims: no usable RSA key \"HCLAkPub\"";
	case AZ_E_QUOTE_SIGNATURE:
		return "TPM quote signature: does not verify with HCLAkPub";
	case AZ_E_QUOTE_FORMAT:
		return "TPM quote: not a TPM-generated TPMS_ATTEST quote";
	case AZ_E_PCR_SELECTION:
		return "TPM quote: selects PCRs outside the SHA-256 values given in \"pcrs\"";
	case AZ_E_PCR_DIGEST:
		return "TPM quote: PCR digest does not match the \"pcrs\" values";
	case AZ_E_NONCE:
		return "TPM quote nonce: extraData does not match --nonce";
	case AZ_E_NOMEM:
		return "out of memory";
	}
	return "unknown error";
}

static const EVP_MD *claims_md(uint32_t hash_type)
{
	switch (hash_type) {
	case 1:
		return EVP_sha256();
	case 2:
		return EVP_sha384();
	case 3:
		return EVP_sha512();
	}
	return NULL;
}

static enum azure_status check_report_data(const struct hcl_report *hcl,
					   const struct snp_report *r)
{
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	const EVP_MD *md = claims_md(hcl->hash_type);
	if (!md || EVP_Digest(hcl->claims, hcl->claims_len, digest, &n, md, NULL) != 1)
		return AZ_E_REPORT_DATA;
	return memcmp(digest, r->report_data, n) == 0 ? AZ_OK : AZ_E_REPORT_DATA;
}

/* The vTPM signs with RSASSA-PKCS1-v1_5 over SHA-256 of TPMS_ATTEST; the
 * evidence gives the raw signature, not a TPMT_SIGNATURE. */
static enum azure_status check_quote_signature(EVP_PKEY *ak, const struct azure_evidence *ev)
{
	struct tpm_signature sig = {.alg = TPM_ALG_RSASSA, .hash = TPM_ALG_SHA256};

	if (ev->signature_len > sizeof(sig.rsa))
		return AZ_E_QUOTE_SIGNATURE; /* longer than any 4096-bit key's */
	memcpy(sig.rsa, ev->signature, ev->signature_len);
	sig.rsa_len = (uint16_t)ev->signature_len;
	return quote_check_signature(ak, &sig, ev->quote, ev->quote_len) == QUOTE_OK
		       ? AZ_OK
		       : AZ_E_QUOTE_SIGNATURE;
}

/* attest/tpm's PCR check with the quote's own signing hash (SHA-256) and
 * no required PCRs; what Azure adds is that the quote may select only PCRs
 * whose values the evidence gives. */
static enum azure_status check_pcrs(const struct tpm_attest *at, const struct azure_evidence *ev)
{
	uint32_t given = ev->n_pcrs >= 32 ? 0xffffffffu : (1u << ev->n_pcrs) - 1;
	struct quote_expect ex = {.pcrs = (const uint8_t (*)[32])ev->pcrs};
	uint32_t covered = 0;
	enum quote_result rc = quote_check_pcrs(at, TPM_ALG_SHA256, &ex, &covered);

	if (rc == QUOTE_E_PCR_SELECTION || (covered & ~given))
		return AZ_E_PCR_SELECTION;
	if (rc == QUOTE_E_PCR_DIGEST)
		return AZ_E_PCR_DIGEST;
	return rc == QUOTE_OK ? AZ_OK : AZ_E_NOMEM;
}

enum azure_status azure_verify(const struct azure_evidence *ev, X509 *ask,
			       X509 *ark, const uint8_t *nonce,
			       size_t nonce_len, struct azure_result *res)
{
	memset(res, 0, sizeof(*res));
	struct hcl_report hcl;
	if (hcl_report_parse(ev->hcl, ev->hcl_len, &hcl) != 0)
		return AZ_E_HCL;
	res->snp = snp_verify(hcl.snp_report, SNP_REPORT_SIZE, ev->vcek, ask, ark,
			      &res->report);
	if (res->snp != SNP_OK)
		return AZ_E_SNP;
	if (res->report.vmpl != 0)
		return AZ_E_VMPL;
	enum azure_status st = check_report_data(&hcl, &res->report);
	if (st)
		return st;
	json_error_t err;
	res->claims = json_loadb((const char *)hcl.claims, hcl.claims_len, 0, &err);
	EVP_PKEY *ak = azure_akpub(hcl.claims, hcl.claims_len);
	if (!ak)
		return AZ_E_AKPUB;
	/* Nothing in the quote is read before its signature holds. */
	st = check_quote_signature(ak, ev);
	EVP_PKEY_free(ak);
	ERR_clear_error();
	if (st)
		return st;
	if (tpm_attest_parse(ev->quote, ev->quote_len, &res->attest) != 0 ||
	    res->attest.magic != TPM_GENERATED_VALUE || res->attest.type != TPM_ST_ATTEST_QUOTE)
		return AZ_E_QUOTE_FORMAT;
	st = check_pcrs(&res->attest, ev);
	if (st)
		return st;
	if (nonce && (res->attest.extra_len != nonce_len ||
		      memcmp(res->attest.extra, nonce, nonce_len) != 0))
		return AZ_E_NONCE;
	return AZ_OK;
}
