/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime claims carry the AK as a JWK; OpenSSL builds the RSA key from
 * its base64url modulus and exponent. */
#include "attest/azure/azure.h"
#include "lib/codec.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

static BIGNUM *b64url_bn(const char *s)
{
	uint8_t buf[1024];
	size_t n = 0;
	if (!s || base64url_decode(s, strlen(s), buf, sizeof(buf), &n) != 0 || n == 0)
		return NULL;
	return BN_bin2bn(buf, (int)n, NULL);
}

static EVP_PKEY *rsa_from(BIGNUM *n, BIGNUM *e)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	if (!bld || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return key;
}

EVP_PKEY *azure_akpub(const uint8_t *claims, size_t len)
{
	json_error_t err;
	json_t *root = json_loadb((const char *)claims, len, 0, &err);
	json_t *keys = json_object_get(root, "keys");
	EVP_PKEY *key = NULL;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k) {
		const char *kid = json_string_value(json_object_get(k, "kid"));
		const char *kty = json_string_value(json_object_get(k, "kty"));
		if (!kid || strcmp(kid, "HCLAkPub") != 0)
			continue;
		if (!kty || strcmp(kty, "RSA") != 0)
			break;
		BIGNUM *n = b64url_bn(json_string_value(json_object_get(k, "n")));
		BIGNUM *e = b64url_bn(json_string_value(json_object_get(k, "e")));
		int bits = n ? BN_num_bits(n) : 0;
		if (e && bits >= 2048 && bits <= 4096)
			key = rsa_from(n, e);
		BN_free(n);
		BN_free(e);
		break;
	}
	json_decref(root);
	ERR_clear_error();
	return key;
}
