/* SPDX-License-Identifier: Apache-2.0 */
/* TPMT_PUBLIC (TPM 2.0 Part 2, 12.2.4) → OpenSSL key, PEM and TPM names.
 *
 * Independent of libtpms: the verifier must be able to check a quote from
 * any TPM (Kettle's vTPM, Azure's vTPM) with nothing but OpenSSL. Only the
 * key kinds that sign quotes are supported: ECC NIST P-256/P-384 and RSA
 * 2048..4096. */
#ifndef KETTLE_ATTEST_TPM_PUBLIC_H
#define KETTLE_ATTEST_TPM_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct tpm_public {
	uint16_t type;        /* TPM_ALG_ECC or TPM_ALG_RSA */
	uint16_t name_alg;
	uint32_t attributes;  /* TPMA_OBJECT */
	uint16_t scheme;      /* signing scheme, TPM_ALG_NULL if the key has none */
	uint16_t scheme_hash; /* its hash, TPM_ALG_NULL if none */
	uint16_t curve;       /* ECC only */
	uint16_t key_bits;    /* RSA only */
	EVP_PKEY *pkey;
};

/* 0, -EINVAL (malformed or trailing bytes), -ENOTSUP (a key kind not listed
 * above) or -ENOMEM. On success free with tpm_public_clear(). */
int tpm_public_parse(const uint8_t *buf, size_t len, struct tpm_public *out);
void tpm_public_clear(struct tpm_public *pub);

/* The AK as a PEM SubjectPublicKeyInfo (what tpm2_checkquote -u takes);
 * *pem is NUL-terminated, free() it. */
int tpm_public_pem(const uint8_t *buf, size_t len, char **pem);

/* Name = nameAlg || H_nameAlg(TPMT_PUBLIC). `name` holds at least 2+64. */
int tpm_public_name(const uint8_t *buf, size_t len, uint8_t *name,
		    size_t *name_len);

/* Qualified name of a primary key of `hierarchy` (a hierarchy's QN is its
 * handle): nameAlg || H_nameAlg(handle || Name). */
int tpm_public_primary_qname(const uint8_t *buf, size_t len,
			     uint32_t hierarchy, uint8_t *qname,
			     size_t *qname_len);

/* TPM_ALG_ID of a hash → OpenSSL digest, NULL if not a supported hash. */
const EVP_MD *tpm_hash_md(uint16_t alg);

#endif
