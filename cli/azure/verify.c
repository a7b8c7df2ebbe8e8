/* The chain of trust in Azure's evidence: AMD's chain signs the SNP report
 * -> REPORT_DATA holds the hash of the runtime claims -> the claims hold
 * the vTPM AK -> the AK signs the quote -> the quote's digest covers the
 * PCR values and its extraData the verifier's nonce. */
#include "cli/azure/azure.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

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

/* The vTPM signs with RSASSA-PKCS1-v1_5 over SHA-256 of TPMS_ATTEST. */
static enum azure_status check_quote_signature(EVP_PKEY *ak, const struct azure_evidence *ev)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, ak) == 1 &&
		 EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
		 EVP_DigestVerify(ctx, ev->signature, ev->signature_len, ev->quote,
				  ev->quote_len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? AZ_OK : AZ_E_QUOTE_SIGNATURE;
}

/* pcrDigest = SHA-256 of the selected PCR values, in selection order, each
 * bank in ascending PCR index. */
static enum azure_status check_pcrs(const struct tpm_attest *at, const struct azure_evidence *ev)
{
	uint32_t given = ev->n_pcrs >= 32 ? 0xffffffffu : (1u << ev->n_pcrs) - 1;
	for (uint32_t i = 0; i < at->bank_count; i++)
		if (at->banks[i].mask &&
		    (at->banks[i].hash != TPM_ALG_SHA256 || (at->banks[i].mask & ~given)))
			return AZ_E_PCR_SELECTION;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t digest[32];
	unsigned int n = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	for (uint32_t i = 0; ok && i < at->bank_count; i++)
		for (unsigned pcr = 0; ok && pcr < AZ_PCRS; pcr++)
			if (at->banks[i].mask & (1u << pcr))
				ok = EVP_DigestUpdate(ctx, ev->pcrs[pcr], 32) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, digest, &n) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return AZ_E_NOMEM;
	return at->pcr_digest_len == n && memcmp(at->pcr_digest, digest, n) == 0
		       ? AZ_OK
		       : AZ_E_PCR_DIGEST;
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
