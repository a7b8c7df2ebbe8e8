/* SPDX-License-Identifier: Apache-2.0 */
/* TPMS_ATTEST for a quote and TPMT_SIGNATURE (TPM 2.0 Part 2, 10.12 and
 * 11.3.4), unmarshalled with a bounds check on every length. Parsed values
 * are copied out so nothing points into the caller's buffer. */
#ifndef KETTLE_ATTEST_TPM_ATTEST_H
#define KETTLE_ATTEST_TPM_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#define TPM_MAX_DIGEST 64     /* sizeof(TPMU_HA) */
#define TPM_MAX_NAME (2 + 64) /* hash alg + digest */
#define TPM_MAX_BANKS 16      /* selections per TPML_PCR_SELECTION */
#define TPM_MAX_ECC_BYTES 66
#define TPM_MAX_RSA_BYTES 512

struct tpm_pcr_bank_select {
	uint16_t hash;
	uint32_t mask; /* bit i = PCR i; PCRs above 23 make the parse fail */
};

struct tpm_attest {
	uint32_t magic;
	uint16_t type;
	uint8_t signer[TPM_MAX_NAME];
	uint16_t signer_len;
	uint8_t extra[TPM_MAX_DIGEST]; /* qualifyingData: the caller's nonce */
	uint16_t extra_len;
	uint64_t clock;
	uint32_t reset_count;
	uint32_t restart_count;
	uint8_t safe;
	uint64_t firmware_version;
	/* TPMS_QUOTE_INFO, only when type == TPM_ST_ATTEST_QUOTE */
	uint32_t bank_count;
	struct tpm_pcr_bank_select banks[TPM_MAX_BANKS];
	uint8_t pcr_digest[TPM_MAX_DIGEST];
	uint16_t pcr_digest_len;
};

/* 0 or -EINVAL. A non-quote type parses up to firmwareVersion and returns
 * 0 with bank_count 0: the caller rejects the type with its own error. */
int tpm_attest_parse(const uint8_t *buf, size_t len, struct tpm_attest *out);

struct tpm_signature {
	uint16_t alg;  /* TPM_ALG_ECDSA or TPM_ALG_RSASSA */
	uint16_t hash;
	uint8_t r[TPM_MAX_ECC_BYTES], s[TPM_MAX_ECC_BYTES];
	uint16_t r_len, s_len;
	uint8_t rsa[TPM_MAX_RSA_BYTES];
	uint16_t rsa_len;
};

/* 0, -EINVAL (malformed, trailing bytes) or -ENOTSUP (another scheme). */
int tpm_signature_parse(const uint8_t *buf, size_t len,
			struct tpm_signature *out);

#endif
