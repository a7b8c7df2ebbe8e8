/* SPDX-License-Identifier: Apache-2.0 */
/* Verifying a TPM 2.0 quote without a TPM: pure OpenSSL.
 *
 * Inputs are the wire bytes a verifier receives in the evidence bundle:
 * the AK's TPMT_PUBLIC, the quote's TPMS_ATTEST and its TPMT_SIGNATURE.
 * Checks, in this order, each with its own result:
 *   AK parses (ECC P-256/P-384 or RSA 2048+) and is a restricted,
 *   fixedTPM/fixedParent/sensitiveDataOrigin signing key
 *   → signature parses, matches the AK's kind and scheme
 *   → signature verifies over H(attest)
 *   → attest parses, magic is TPM_GENERATED_VALUE, type is a quote
 *   → (optional) qualifiedSigner is the AK as a primary of a hierarchy
 *   → extraData equals the nonce
 *   → the SHA-256 selection covers the required PCRs
 *   → pcrDigest equals H(expected values of the selected PCRs). */
#ifndef KETTLE_ATTEST_QUOTE_VERIFY_H
#define KETTLE_ATTEST_QUOTE_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

enum quote_result {
	QUOTE_OK = 0,
	QUOTE_E_AK_MALFORMED,
	QUOTE_E_AK_UNSUPPORTED,
	QUOTE_E_AK_ATTRIBUTES,
	QUOTE_E_SIG_MALFORMED,
	QUOTE_E_SIG_SCHEME,
	QUOTE_E_SIGNATURE,
	QUOTE_E_ATTEST_MALFORMED,
	QUOTE_E_NOT_TPM_GENERATED,
	QUOTE_E_NOT_QUOTE,
	QUOTE_E_SIGNER,
	QUOTE_E_NONCE,
	QUOTE_E_PCR_SELECTION,
	QUOTE_E_PCR_DIGEST,
	QUOTE_E_INTERNAL,
};

/* One line naming the failed check, e.g. "quote nonce does not match". */
const char *quote_strerror(enum quote_result r);

struct quote_expect {
	const uint8_t *nonce;
	size_t nonce_len;
	/* The 24 SHA-256 PCR values the quote should attest to, normally
	 * from eventlog_replay(). */
	const uint8_t (*pcrs)[32];
	/* Bit i set: the quote's SHA-256 selection must include PCR i. */
	uint32_t pcr_mask;
	/* Non-zero (e.g. TPM_RH_ENDORSEMENT = 0x4000000B for Kettle's vTPM):
	 * the AK is a primary key of this hierarchy, so the quote's
	 * qualifiedSigner must be its qualified name; this ties every byte of
	 * the AK public area to the quote. 0 skips the check, for AKs whose
	 * parent is not known (Azure's persistent AK). */
	uint32_t ak_hierarchy;
};

/* What the quote said, for claims and logs. */
struct quote_info {
	uint64_t clock;
	uint32_t reset_count;
	uint32_t restart_count;
	uint8_t safe;
	uint64_t firmware_version;
	uint32_t pcr_mask; /* SHA-256 PCRs the quote covers */
};

struct tpm_attest;
struct tpm_signature;

/* The two parts of the checks below that a verifier uses when its AK is
 * not a TPMT_PUBLIC (Azure's is a JWK) and it parsed the quote itself.
 *
 * The signature: sig (ECDSA or RSASSA-PKCS1-v1_5, with its hash) over
 * attest with key. QUOTE_OK, QUOTE_E_SIGNATURE or QUOTE_E_INTERNAL; the
 * OpenSSL error queue is left to the caller. */
enum quote_result quote_check_signature(EVP_PKEY *key,
					const struct tpm_signature *sig,
					const uint8_t *attest, size_t len);

/* The PCRs of a quote whose signature held: every non-empty selection is of the SHA-256 bank and they cover
 * expect->pcr_mask, and pcrDigest is `hash` over expect->pcrs of the
 * selected PCRs. QUOTE_OK, QUOTE_E_PCR_SELECTION, QUOTE_E_PCR_DIGEST or
 * QUOTE_E_INTERNAL; *covered is the selected SHA-256 PCRs once every
 * selection has been looked at. */
enum quote_result quote_check_pcrs(const struct tpm_attest *at, uint16_t hash,
				   const struct quote_expect *expect,
				   uint32_t *covered);

enum quote_result quote_verify(const uint8_t *ak_public, size_t ak_len,
			       const uint8_t *attest, size_t attest_len,
			       const uint8_t *signature, size_t sig_len,
			       const struct quote_expect *expect,
			       struct quote_info *info);

/* The AK public area as PEM, for tpm2_checkquote -u and humans: 0 or
 * -EINVAL/-ENOTSUP/-ENOMEM; free(*pem). Same as tpm_public_pem(). */
int quote_ak_pem(const uint8_t *ak_public, size_t ak_len, char **pem);

#endif
