/* SPDX-License-Identifier: Apache-2.0 */
/* Test EC keys as PEM, made fresh for each run. */
#ifndef KETTLE_TESTS_AUTHN_KEYS_H
#define KETTLE_TESTS_AUTHN_KEYS_H

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

static inline char *test_pem(EVP_PKEY *key, int private, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	if (private)
		PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
	else
		PEM_write_bio_PUBKEY(bio, key);
	n = BIO_get_mem_data(bio, &data);
	out = malloc((size_t)n + 1);
	memcpy(out, data, (size_t)n);
	out[n] = 0;
	*len = (size_t)n;
	BIO_free(bio);
	return out;
}

/* A fresh key on curve ("P-256", "P-384") as private or public PEM. */
static inline char *test_ec_pem(const char *curve, int private, size_t *len,
				char **pub, size_t *pub_len)
{
	EVP_PKEY *key = EVP_EC_gen(curve);
	char *pem;

	if (!key)
		return NULL;
	pem = test_pem(key, private, len);
	if (pub)
		*pub = test_pem(key, 0, pub_len);
	EVP_PKEY_free(key);
	return pem;
}

#endif
