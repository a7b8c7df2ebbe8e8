/* SPDX-License-Identifier: Apache-2.0 */
/* ES256 session tokens: issue, verify, expiry, tampering, algorithm
 * confusion. The plan is announced first: a run that stops early (a key
 * that did not load) fails instead of passing what it got to. */
#include <errno.h>
#include <string.h>

#include <jwt.h>
#include <openssl/bn.h>

#include "lib/codec.h"

#include "tests/services/authentication/keys.h"
#include "tests/tap.h"
#include "services/authentication/token.h"

static struct token_claims sample(long now)
{
	struct token_claims c;

	memset(&c, 0, sizeof(c));
	strcpy(c.sub, "alice");
	c.role = ROLE_DATA_OWNER;
	strcpy(c.attr, "org1");
	c.iat = now;
	c.exp = now + 3600;
	c.gen = 3;
	strcpy(c.epoch, "00112233445566778899aabbccddeeff");
	return c;
}

/* A token with the given header alg, keyed with key (HS256) or none. */
static char *forge(jwt_alg_t alg, const char *key, size_t key_len, long now)
{
	jwt_t *jwt;
	char *out;

	jwt_new(&jwt);
	jwt_add_grant(jwt, "sub", "alice");
	jwt_add_grant(jwt, "role", "platform_admin");
	jwt_add_grant(jwt, "attr", "");
	jwt_add_grant_int(jwt, "iat", now);
	jwt_add_grant_int(jwt, "exp", now + 3600);
	jwt_add_grant_int(jwt, "gen", 3);
	jwt_add_grant(jwt, "ep", "00112233445566778899aabbccddeeff");
	jwt_set_alg(jwt, alg, (const unsigned char *)key, (int)key_len);
	out = jwt_encode_str(jwt);
	jwt_free(jwt);
	return out;
}

/* The same token with its ECDSA S replaced by n - S: a second signature
 * OpenSSL accepts for the same header and claims (issue 7). */
static char *flip_s(const char *tok)
{
	static const char n_hex[] =
		"FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
	const char *dot = strrchr(tok, '.');
	uint8_t sig[64];
	size_t len = 0, at = (size_t)(dot + 1 - tok);
	BIGNUM *n = NULL, *sv;
	char *b64, *out;

	if (base64url_decode(dot + 1, strlen(dot + 1), sig, sizeof(sig), &len) ||
	    len != 64 || !BN_hex2bn(&n, n_hex))
		return NULL;
	sv = BN_bin2bn(sig + 32, 32, NULL);
	BN_sub(sv, n, sv);
	BN_bn2binpad(sv, sig + 32, 32);
	BN_free(sv);
	BN_free(n);
	b64 = base64_encode(sig, 64);
	for (char *p = b64; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	b64[strcspn(b64, "=")] = 0;
	out = malloc(at + strlen(b64) + 1);
	memcpy(out, tok, at);
	strcpy(out + at, b64);
	free(b64);
	return out;
}

/* S of a token's signature is at most n / 2. */
static int low_s(const char *tok)
{
	static const uint8_t half[32] = {
		0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b,
		0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
	};
	const char *dot = strrchr(tok, '.');
	uint8_t sig[64];
	size_t len = 0;

	return !base64url_decode(dot + 1, strlen(dot + 1), sig, sizeof(sig), &len) &&
	       len == 64 && memcmp(sig + 32, half, 32) <= 0;
}

static void test_low_s(const struct token_signer *ts, long now)
{
	struct token_claims c = sample(now), got;
	int all_low = 1, twins_refused = 1;

	/* OpenSSL signs high S about half the time: 16 tokens cover both. */
	for (int i = 0; i < 16; i++) {
		char *tok = NULL, *twin;
		token_issue(ts, &c, &tok);
		all_low &= tok && low_s(tok) &&
			   token_verify(ts, tok, now, &got) == 0;
		twin = tok ? flip_s(tok) : NULL;
		twins_refused &= twin && token_verify(ts, twin, now, &got) == -EBADMSG;
		free(twin);
		free(tok);
	}
	CHECK(all_low, "every issued token has a low-S signature and verifies");
	CHECK(twins_refused,
	      "the high-S twin of a valid token (n - S) is rejected");
}

int main(void)
{
	struct token_signer *ts = NULL, *other = NULL, *p384 = NULL;
	struct token_claims c = sample(1700000000), got;
	char *priv, *pub, *priv2, *priv3, *tok = NULL, *bad;
	size_t len, pub_len, len2, len3;
	long now = 1700000000;

	TAP_PLAN(18);
	priv = test_ec_pem("P-256", 1, &len, &pub, &pub_len);
	priv2 = test_ec_pem("P-256", 1, &len2, NULL, NULL);
	priv3 = test_ec_pem("P-384", 1, &len3, NULL, NULL);
	CHECK(token_signer_from_pem(&ts, priv, len) == 0,
	      "a P-256 private key loads as signer");
	CHECK(token_signer_from_pem(&p384, priv3, len3) == -EINVAL,
	      "a P-384 key is refused (ES256 needs P-256)");
	CHECK(token_signer_from_pem(&p384, "not a pem", 9) == -EINVAL,
	      "garbage is refused as a key");
	CHECK(token_signer_from_pem(&other, priv2, len2) == 0,
	      "a second P-256 key loads as another signer");
	if (!ts || !other)
		TAP_DONE();

	CHECK(token_issue(ts, &c, &tok) == 0 && tok, "a token is issued");
	CHECK(token_verify(ts, tok, now + 10, &got) == 0 &&
		      !strcmp(got.sub, "alice") && got.role == ROLE_DATA_OWNER &&
		      !strcmp(got.attr, "org1") && got.gen == 3 &&
		      got.exp == now + 3600 &&
		      !strcmp(got.epoch, c.epoch),
	      "it verifies and carries sub, role, attr, gen, exp, epoch");
	CHECK(token_verify(ts, tok, now + 3600, &got) == -EKEYEXPIRED,
	      "at exp the token has expired");
	CHECK(token_verify(ts, tok, now - 3600, &got) == -EBADMSG,
	      "a token issued an hour in the future is refused");
	CHECK(token_verify(other, tok, now, &got) == -EBADMSG,
	      "another key's signer rejects it");

	bad = strdup(tok);
	/* Change the payload: swap one character of the claims segment. */
	char *dot = strchr(bad, '.');
	dot[5] = dot[5] == 'A' ? 'B' : 'A';
	CHECK(token_verify(ts, bad, now, &got) == -EBADMSG,
	      "a tampered payload is rejected");
	free(bad);
	bad = strdup(tok);
	bad[strlen(bad) - 3] = bad[strlen(bad) - 3] == 'A' ? 'B' : 'A';
	CHECK(token_verify(ts, bad, now, &got) == -EBADMSG,
	      "a tampered signature is rejected");
	free(bad);
	bad = strdup(tok);
	*strrchr(bad, '.') = 0;
	CHECK(token_verify(ts, bad, now, &got) == -EBADMSG,
	      "a token without signature is rejected");
	free(bad);

	bad = forge(JWT_ALG_HS256, pub, pub_len, now);
	CHECK(bad && token_verify(ts, bad, now, &got) == -EBADMSG,
	      "an HS256 token keyed with our public key is rejected");
	free(bad);
	bad = forge(JWT_ALG_NONE, NULL, 0, now);
	CHECK(bad && token_verify(ts, bad, now, &got) == -EBADMSG,
	      "an unsigned (alg none) token is rejected");
	free(bad);
	CHECK(token_verify(ts, "", now, &got) == -EBADMSG &&
		      token_verify(ts, "a.b.c", now, &got) == -EBADMSG &&
		      token_verify(ts, NULL, now, &got) == -EBADMSG,
	      "empty and junk tokens are rejected");
	bad = calloc(1, TOKEN_MAX_LEN + 2);
	memset(bad, 'A', TOKEN_MAX_LEN + 1);
	CHECK(token_verify(ts, bad, now, &got) == -EBADMSG,
	      "an oversized token is rejected before parsing");
	free(bad);

	test_low_s(ts, now);
	free(tok);
	token_signer_free(ts);
	token_signer_free(other);
	free(priv);
	free(pub);
	free(priv2);
	free(priv3);
	TAP_DONE();
}
