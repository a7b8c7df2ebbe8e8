/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm/tpm_public.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "attest/tpm/tpm_buf.h"
#include "attest/tpm/tpm_types.h"

#define MAX_POLICY 64    /* sizeof(TPMU_HA) */
#define MAX_ECC_COORD 66 /* P-521 would be the largest */
#define MAX_RSA_BYTES 512

const EVP_MD *tpm_hash_md(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_SHA1: return EVP_sha1();
	case TPM_ALG_SHA256: return EVP_sha256();
	case TPM_ALG_SHA384: return EVP_sha384();
	case TPM_ALG_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

/* TPMT_SYM_DEF_OBJECT: signing keys have none, but the field is there. */
static void skip_symmetric(struct tpm_rd *r)
{
	if (tpm_rd_u16(r) != TPM_ALG_NULL) {
		tpm_rd_u16(r); /* keyBits */
		tpm_rd_u16(r); /* mode */
	}
}

/* TPMT_{RSA,ECC}_SCHEME: every scheme Kettle cares about carries only a
 * hash; ECDAA also carries a counter. */
static void read_scheme(struct tpm_rd *r, struct tpm_public *out)
{
	out->scheme = tpm_rd_u16(r);
	out->scheme_hash = TPM_ALG_NULL;
	if (out->scheme != TPM_ALG_NULL)
		out->scheme_hash = tpm_rd_u16(r);
	if (out->scheme == TPM_ALG_ECDAA)
		tpm_rd_u16(r);
}

static EVP_PKEY *pkey_from_params(const char *kind, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, kind, NULL);
	EVP_PKEY *pkey = NULL;

	if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

static int ecc_key(struct tpm_rd *r, struct tpm_public *out)
{
	uint16_t xl, yl;
	const char *group;
	size_t coord;

	skip_symmetric(r);
	read_scheme(r, out);
	out->curve = tpm_rd_u16(r);
	if (tpm_rd_u16(r) != TPM_ALG_NULL) /* kdf */
		tpm_rd_u16(r);
	const uint8_t *x = tpm_rd_tpm2b(r, MAX_ECC_COORD, &xl);
	const uint8_t *y = tpm_rd_tpm2b(r, MAX_ECC_COORD, &yl);
	if (r->err)
		return -EINVAL;
	switch (out->curve) {
	case TPM_ECC_NIST_P256: group = "P-256"; coord = 32; break;
	case TPM_ECC_NIST_P384: group = "P-384"; coord = 48; break;
	default: return -ENOTSUP;
	}
	if (xl != coord || yl != coord)
		return -EINVAL;

	uint8_t point[1 + 2 * 48];
	point[0] = 0x04; /* uncompressed */
	memcpy(point + 1, x, coord);
	memcpy(point + 1 + coord, y, coord);

	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (!bld)
		return -ENOMEM;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					    group, 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					     point, 1 + 2 * coord) == 1)
		out->pkey = pkey_from_params("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	/* fromdata also rejects a point that is not on the curve */
	return out->pkey ? 0 : -EINVAL;
}

static int rsa_key(struct tpm_rd *r, struct tpm_public *out)
{
	uint16_t nl;
	int rc = -ENOMEM;

	skip_symmetric(r);
	read_scheme(r, out);
	out->key_bits = tpm_rd_u16(r);
	uint32_t exponent = tpm_rd_u32(r);
	const uint8_t *n = tpm_rd_tpm2b(r, MAX_RSA_BYTES, &nl);
	if (r->err)
		return -EINVAL;
	if (out->key_bits < 2048 || out->key_bits > 4096)
		return -ENOTSUP;
	if (nl != out->key_bits / 8 || !(n[0] & 0x80))
		return -EINVAL;
	if (exponent == 0) /* the TPM's way of saying the default */
		exponent = 65537;

	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn_n = BN_bin2bn(n, nl, NULL);
	BIGNUM *bn_e = BN_new();
	if (!bld || !bn_n || !bn_e || BN_set_word(bn_e, exponent) != 1)
		goto out;
	if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1)
		goto out;
	out->pkey = pkey_from_params("RSA", bld);
	rc = out->pkey ? 0 : -EINVAL;
out:
	BN_free(bn_e);
	BN_free(bn_n);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

int tpm_public_parse(const uint8_t *buf, size_t len, struct tpm_public *out)
{
	struct tpm_rd r;
	uint16_t policy_len;
	int rc;

	memset(out, 0, sizeof(*out));
	tpm_rd_init(&r, buf, len);
	out->type = tpm_rd_u16(&r);
	out->name_alg = tpm_rd_u16(&r);
	out->attributes = tpm_rd_u32(&r);
	tpm_rd_tpm2b(&r, MAX_POLICY, &policy_len);
	if (r.err)
		return -EINVAL;
	if (out->type == TPM_ALG_ECC)
		rc = ecc_key(&r, out);
	else if (out->type == TPM_ALG_RSA)
		rc = rsa_key(&r, out);
	else
		rc = -ENOTSUP;
	if (rc == 0 && (tpm_rd_left(&r) != 0 || !tpm_hash_md(out->name_alg)))
		rc = -EINVAL;
	if (rc)
		tpm_public_clear(out);
	return rc;
}

void tpm_public_clear(struct tpm_public *pub)
{
	EVP_PKEY_free(pub->pkey);
	pub->pkey = NULL;
}

int tpm_public_pem(const uint8_t *buf, size_t len, char **pem)
{
	struct tpm_public pub;
	BIO *bio = NULL;
	char *data;
	long n;
	int rc = tpm_public_parse(buf, len, &pub);

	*pem = NULL;
	if (rc)
		return rc;
	rc = -ENOMEM;
	bio = BIO_new(BIO_s_mem());
	if (!bio || PEM_write_bio_PUBKEY(bio, pub.pkey) != 1)
		goto out;
	n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || !(*pem = malloc((size_t)n + 1)))
		goto out;
	memcpy(*pem, data, (size_t)n);
	(*pem)[n] = '\0';
	rc = 0;
out:
	BIO_free(bio);
	tpm_public_clear(&pub);
	return rc;
}

/* alg || H_alg(prefix || data) */
static int name_hash(uint16_t alg, const uint8_t *prefix, size_t prefix_len,
		     const uint8_t *data, size_t len, uint8_t *out,
		     size_t *out_len)
{
	const EVP_MD *md = tpm_hash_md(alg);
	EVP_MD_CTX *ctx;
	unsigned int dl = 0;
	int ok;

	if (!md)
		return -EINVAL;
	if (!(ctx = EVP_MD_CTX_new()))
		return -ENOMEM;
	out[0] = (uint8_t)(alg >> 8);
	out[1] = (uint8_t)alg;
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	     EVP_DigestUpdate(ctx, prefix, prefix_len) == 1 &&
	     EVP_DigestUpdate(ctx, data, len) == 1 &&
	     EVP_DigestFinal_ex(ctx, out + 2, &dl) == 1;
	EVP_MD_CTX_free(ctx);
	*out_len = 2 + dl;
	return ok ? 0 : -EIO;
}

int tpm_public_name(const uint8_t *buf, size_t len, uint8_t *name,
		    size_t *name_len)
{
	struct tpm_rd r;

	tpm_rd_init(&r, buf, len);
	tpm_rd_u16(&r);
	uint16_t alg = tpm_rd_u16(&r);
	if (r.err)
		return -EINVAL;
	return name_hash(alg, NULL, 0, buf, len, name, name_len);
}

int tpm_public_primary_qname(const uint8_t *buf, size_t len,
			     uint32_t hierarchy, uint8_t *qname,
			     size_t *qname_len)
{
	uint8_t name[2 + EVP_MAX_MD_SIZE];
	uint8_t handle[4] = {(uint8_t)(hierarchy >> 24),
			     (uint8_t)(hierarchy >> 16),
			     (uint8_t)(hierarchy >> 8), (uint8_t)hierarchy};
	size_t name_len;
	int rc = tpm_public_name(buf, len, name, &name_len);

	if (rc)
		return rc;
	uint16_t alg = (uint16_t)(name[0] << 8 | name[1]);
	return name_hash(alg, handle, sizeof(handle), name, name_len, qname,
			 qname_len);
}
