/* SPDX-License-Identifier: Apache-2.0 */
/* The report carries r and s as 72-byte little-endian integers; OpenSSL
 * wants a DER ECDSA-Sig-Value of big-endian integers. */
#include "attest/snp/snp_verify.h"

#include <errno.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "lib/bytes.h"

static BIGNUM *bn_from_le(const uint8_t le[SNP_SIG_COMPONENT_SIZE])
{
	return BN_lebin2bn(le, SNP_SIG_COMPONENT_SIZE, NULL);
}

int snp_sig_to_der(const uint8_t r_le[SNP_SIG_COMPONENT_SIZE],
		   const uint8_t s_le[SNP_SIG_COMPONENT_SIZE],
		   unsigned char **der, size_t *der_len)
{
	int rc = -ENOMEM;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = bn_from_le(r_le), *s = bn_from_le(s_le);
	if (!sig || !r || !s)
		goto out;
	if (ECDSA_SIG_set0(sig, r, s) != 1)
		goto out;
	r = s = NULL; /* owned by sig now */
	*der = NULL;
	int n = i2d_ECDSA_SIG(sig, der);
	if (n <= 0)
		goto out;
	*der_len = (size_t)n;
	rc = 0;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return rc;
}

int snp_sig_from_der(const unsigned char *der, size_t der_len,
		     uint8_t r_le[SNP_SIG_COMPONENT_SIZE],
		     uint8_t s_le[SNP_SIG_COMPONENT_SIZE])
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (!sig)
		return -EBADMSG;
	const BIGNUM *r = ECDSA_SIG_get0_r(sig), *s = ECDSA_SIG_get0_s(sig);
	int ok = BN_bn2lebinpad(r, r_le, SNP_SIG_COMPONENT_SIZE) > 0 &&
		 BN_bn2lebinpad(s, s_le, SNP_SIG_COMPONENT_SIZE) > 0;
	ECDSA_SIG_free(sig);
	return ok ? 0 : -ERANGE;
}

static int is_p384(EVP_PKEY *key)
{
	char group[64];
	size_t len = 0;
	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
		return 0;
	if (EVP_PKEY_get_group_name(key, group, sizeof(group), &len) != 1)
		return 0;
	return strcmp(group, SN_secp384r1) == 0;
}

enum snp_status snp_report_verify_signature(const uint8_t *raw, size_t len,
					    X509 *vcek)
{
	if (!raw || len != SNP_REPORT_SIZE)
		return SNP_E_REPORT_FORMAT;
	EVP_PKEY *key = vcek ? X509_get0_pubkey(vcek) : NULL;
	if (!is_p384(key))
		return SNP_E_VCEK_KEY;
	/* SIGNATURE_ALGO sits inside the signed region, so it is read raw. */
	uint32_t algo = le32_get(raw + 0x34);
	if (algo != SNP_SIG_ALGO_ECDSA_P384_SHA384)
		return SNP_E_SIG_ALGO;

	unsigned char *der = NULL;
	size_t der_len = 0;
	if (snp_sig_to_der(raw + 0x2A0, raw + 0x2E8, &der, &der_len) != 0)
		return SNP_E_NOMEM;
	enum snp_status st = SNP_E_NOMEM;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		goto out;
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL, key) != 1)
		goto out;
	st = EVP_DigestVerify(ctx, der, der_len, raw, SNP_REPORT_SIGNED_SIZE) == 1
		     ? SNP_OK
		     : SNP_E_SIGNATURE;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	ERR_clear_error();
	return st;
}
