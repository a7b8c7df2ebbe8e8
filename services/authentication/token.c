/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lib/codec.h"

#define CLOCK_SKEW 60 /* seconds a token's iat may lie in the future */

struct token_signer {
	char *priv_pem;
	size_t priv_len;
	char *pub_pem;
	size_t pub_len;
};

/* Writes key (public or private part) as PEM into a malloc'd buffer. */
static int pem_of(EVP_PKEY *key, int private, char **out, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ok;

	if (!bio)
		return -ENOMEM;
	ok = private ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
						NULL)
		     : PEM_write_bio_PUBKEY(bio, key);
	n = BIO_get_mem_data(bio, &data);
	if (ok != 1 || n <= 0) {
		BIO_free(bio);
		return -EINVAL;
	}
	*out = malloc((size_t)n + 1);
	if (!*out) {
		BIO_free(bio);
		return -ENOMEM;
	}
	memcpy(*out, data, (size_t)n);
	(*out)[n] = 0;
	*len = (size_t)n;
	BIO_free(bio);
	return 0;
}

static int signer_from_key(struct token_signer **out, EVP_PKEY *key)
{
	struct token_signer *ts;
	char curve[32];
	size_t curve_len;
	int rc;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
	    EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof(curve),
					   &curve_len) != 1 ||
	    strcmp(curve, "prime256v1"))
		return -EINVAL;
	ts = calloc(1, sizeof(*ts));
	if (!ts)
		return -ENOMEM;
	rc = pem_of(key, 1, &ts->priv_pem, &ts->priv_len);
	if (rc == 0)
		rc = pem_of(key, 0, &ts->pub_pem, &ts->pub_len);
	if (rc < 0) {
		token_signer_free(ts);
		return rc;
	}
	*out = ts;
	return 0;
}

int token_signer_from_pem(struct token_signer **out, const char *pem,
			  size_t len)
{
	BIO *bio;
	EVP_PKEY *key;
	int rc;

	if (len > 1 << 16)
		return -EINVAL;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return -ENOMEM;
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!key)
		return -EINVAL;
	rc = signer_from_key(out, key);
	EVP_PKEY_free(key);
	return rc;
}

int token_signer_load(struct token_signer **out, const char *pem_path)
{
	FILE *f = fopen(pem_path, "re");
	EVP_PKEY *key;
	int rc;

	if (!f)
		return -errno;
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!key)
		return -EINVAL;
	rc = signer_from_key(out, key);
	EVP_PKEY_free(key);
	return rc;
}

void token_signer_free(struct token_signer *ts)
{
	if (!ts)
		return;
	if (ts->priv_pem) {
		OPENSSL_cleanse(ts->priv_pem, ts->priv_len);
		free(ts->priv_pem);
	}
	free(ts->pub_pem);
	free(ts);
}

#define SIG_LEN 64 /* ES256: r || s, 32 bytes each */

/* The order n of P-256, and n / 2 (rounded down): an ECDSA signature
 * (r, s) is equally valid as (r, n - s), so only s <= n / 2 is accepted
 * and issued, and each token has one valid signature. */
static const uint8_t p256_order[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
	0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};
static const uint8_t p256_half_order[32] = {
	0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b,
	0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
};

/* The signature of a compact JWS (after its last '.'), decoded. */
static int token_signature(const char *token, uint8_t sig[SIG_LEN],
			   size_t *sig_at)
{
	const char *dot = strrchr(token, '.');
	size_t len;

	if (!dot || base64url_decode(dot + 1, strlen(dot + 1), sig, SIG_LEN,
				     &len) < 0 ||
	    len != SIG_LEN)
		return -EBADMSG;
	*sig_at = (size_t)(dot + 1 - token);
	return 0;
}

static int high_s(const uint8_t sig[SIG_LEN])
{
	return memcmp(sig + 32, p256_half_order, 32) > 0;
}

/* Rewrites a high-S signature of *token as its low-S twin (n - s). */
static int token_low_s(char **token)
{
	uint8_t sig[SIG_LEN];
	size_t at;
	BIGNUM *n = NULL, *sv = NULL;
	char *b64, *out;
	int rc = token_signature(*token, sig, &at);

	if (rc < 0 || !high_s(sig))
		return rc;
	rc = -ENOMEM;
	n = BN_bin2bn(p256_order, 32, NULL);
	sv = BN_bin2bn(sig + 32, 32, NULL);
	if (!n || !sv || !BN_sub(sv, n, sv) || BN_bn2binpad(sv, sig + 32, 32) != 32)
		goto out;
	b64 = base64_encode(sig, SIG_LEN);
	if (!b64)
		goto out;
	/* base64 to base64url without padding. */
	for (char *p = b64; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	b64[strcspn(b64, "=")] = 0;
	out = malloc(at + strlen(b64) + 1);
	if (out) {
		memcpy(out, *token, at);
		strcpy(out + at, b64);
		free(*token);
		*token = out;
		rc = 0;
	}
	free(b64);
out:
	BN_free(n);
	BN_free(sv);
	return rc;
}

int token_issue(const struct token_signer *ts, const struct token_claims *c,
		char **token)
{
	jwt_t *jwt = NULL;
	char *str;
	int rc = -EINVAL;

	if (jwt_new(&jwt))
		return -ENOMEM;
	if (jwt_add_grant(jwt, "sub", c->sub) ||
	    jwt_add_grant(jwt, "role", authn_role_name(c->role)) ||
	    jwt_add_grant(jwt, "attr", c->attr) ||
	    jwt_add_grant_int(jwt, "iat", c->iat) ||
	    jwt_add_grant_int(jwt, "exp", c->exp) ||
	    jwt_add_grant_int(jwt, "gen", c->gen) ||
	    jwt_add_grant(jwt, "ep", c->epoch) ||
	    jwt_set_alg(jwt, JWT_ALG_ES256, (const unsigned char *)ts->priv_pem,
			(int)ts->priv_len))
		goto out;
	str = jwt_encode_str(jwt);
	if (!str) {
		rc = -EIO;
		goto out;
	}
	rc = token_low_s(&str);
	if (rc < 0) {
		free(str);
		goto out;
	}
	*token = str;
out:
	jwt_free(jwt);
	return rc;
}

static int copy_claim(jwt_t *jwt, const char *name, char *out, size_t cap)
{
	const char *v = jwt_get_grant(jwt, name);
	size_t len;

	if (!v)
		return -EBADMSG;
	len = strlen(v);
	if (len >= cap)
		return -EBADMSG;
	memcpy(out, v, len + 1);
	return 0;
}

static int int_claim(jwt_t *jwt, const char *name, long *out)
{
	errno = 0;
	*out = jwt_get_grant_int(jwt, name);
	return errno ? -EBADMSG : 0;
}

int token_verify(const struct token_signer *ts, const char *token, long now,
		 struct token_claims *out)
{
	char role[32];
	jwt_t *jwt = NULL;
	int rc = -EBADMSG;

	memset(out, 0, sizeof(*out));
	uint8_t sig[SIG_LEN];
	size_t at;

	if (!token || strnlen(token, TOKEN_MAX_LEN + 1) > TOKEN_MAX_LEN)
		return -EBADMSG;
	/* OpenSSL accepts both (r, s) and (r, n - s): insist on low S. */
	if (token_signature(token, sig, &at) < 0 || high_s(sig))
		return -EBADMSG;
	if (jwt_decode(&jwt, token, (const unsigned char *)ts->pub_pem,
		       (int)ts->pub_len) || !jwt)
		return -EBADMSG;
	/* libjwt verifies with whatever algorithm the header names; an HS256
	 * token keyed with our public PEM would pass, so insist on ES256. */
	if (jwt_get_alg(jwt) != JWT_ALG_ES256)
		goto out;
	if (copy_claim(jwt, "sub", out->sub, sizeof(out->sub)) ||
	    copy_claim(jwt, "role", role, sizeof(role)) ||
	    copy_claim(jwt, "attr", out->attr, sizeof(out->attr)) ||
	    copy_claim(jwt, "ep", out->epoch, sizeof(out->epoch)) ||
	    int_claim(jwt, "iat", &out->iat) ||
	    int_claim(jwt, "exp", &out->exp) ||
	    int_claim(jwt, "gen", &out->gen))
		goto out;
	out->role = authn_role_parse(role);
	if (out->role == ROLE_NONE ||
	    !authn_id_valid(out->sub, strlen(out->sub)) ||
	    out->iat > now + CLOCK_SKEW || out->exp <= out->iat)
		goto out;
	rc = now >= out->exp ? -EKEYEXPIRED : 0;
out:
	jwt_free(jwt);
	if (rc < 0 && rc != -EKEYEXPIRED)
		memset(out, 0, sizeof(*out));
	return rc;
}
