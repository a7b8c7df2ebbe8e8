/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence from an Azure confidential VM with SEV-SNP, reached through its
 * vTPM, in the JSON the Confidential Containers (trustee) az-snp-vtpm
 * verifier takes:
 *   v1/v2: {"version", "hcl_report": base64url, "vcek": base64url DER,
 *           "tpm_quote": {"message": hex, "signature": hex, "pcrs": [hex]}}
 *   v0:    {"report": [bytes], "vcek": PEM, "quote": {the same as byte
 *           arrays}}
 * The HCL report is a 32-byte header, the 1184-byte SNP report, then the
 * IGVM request data whose variable part is the runtime claims JSON; the SNP
 * report's REPORT_DATA starts with the hash of those claims, and the claims
 * hold the vTPM's attestation key (JWK "HCLAkPub") that signed the quote. */
#ifndef KETTLE_ATTEST_AZURE_H
#define KETTLE_ATTEST_AZURE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "attest/snp/snp_verify.h"
#include "attest/tpm/tpm_attest.h"

#define AZ_EVIDENCE_MAX (512 * 1024)
#define AZ_HCL_MAX (16 * 1024)
#define AZ_QUOTE_MAX 4096
#define AZ_SIG_MAX 1024
#define AZ_PCRS 24

struct azure_evidence {
	int version; /* 0 for the legacy form without "version" */
	uint8_t *hcl;
	size_t hcl_len;
	uint8_t *quote;     /* TPMS_ATTEST */
	size_t quote_len;
	uint8_t *signature; /* raw RSASSA-PKCS1-v1_5 signature */
	size_t signature_len;
	uint8_t pcrs[AZ_PCRS][32]; /* SHA-256 bank, PCR i at index i */
	size_t n_pcrs;
	X509 *vcek;
};

/* 0, or -EINVAL with *why set to one line. Free with azure_evidence_free. */
int azure_evidence_parse(const char *json, size_t len,
			 struct azure_evidence *ev, const char **why);
void azure_evidence_free(struct azure_evidence *ev);

/* The parts of an HCL report; pointers into the caller's buffer. */
struct hcl_report {
	uint32_t version;
	const uint8_t *snp_report; /* SNP_REPORT_SIZE bytes */
	uint32_t hash_type;        /* 1 SHA-256, 2 SHA-384, 3 SHA-512 */
	const uint8_t *claims;     /* runtime claims JSON */
	size_t claims_len;
};
int hcl_report_parse(const uint8_t *buf, size_t len, struct hcl_report *out);

/* The vTPM AK from the runtime claims (JWK kid "HCLAkPub", RSA). */
EVP_PKEY *azure_akpub(const uint8_t *claims, size_t len);

enum azure_status {
	AZ_OK = 0,
	AZ_E_HCL,
	AZ_E_SNP, /* see azure_result.snp */
	AZ_E_VMPL,
	AZ_E_REPORT_DATA,
	AZ_E_AKPUB,
	AZ_E_QUOTE_SIGNATURE,
	AZ_E_QUOTE_FORMAT,
	AZ_E_PCR_SELECTION,
	AZ_E_PCR_DIGEST,
	AZ_E_NONCE,
	AZ_E_NOMEM,
};

struct azure_result {
	enum snp_status snp;
	struct snp_report report;
	struct tpm_attest attest;
	json_t *claims; /* the runtime claims, once parsed; caller decrefs */
};

/* The checks in order: HCL layout, SNP report (chain, signature, TCB,
 * chip id), VMPL 0, REPORT_DATA binds the runtime claims, AK from the
 * claims, quote signature, quote structure, PCR digest, nonce (when
 * nonce is not NULL). */
enum azure_status azure_verify(const struct azure_evidence *ev, X509 *ask,
			       X509 *ark, const uint8_t *nonce,
			       size_t nonce_len, struct azure_result *res);

/* One line; for AZ_E_SNP pass res->snp as well. */
const char *azure_status_str(enum azure_status st, enum snp_status snp);

#endif
