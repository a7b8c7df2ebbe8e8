/* ES256 session tokens: issue, verify, expiry, tampering, algorithm
 * confusion. The plan is announced first: a run that stops early (a key
 * that did not load) fails instead of passing what it got to. */
#include <errno.h>
#include <string.h>

#include <jwt.h>

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

int main(void)
{
	struct token_signer *ts = NULL, *other = NULL, *p384 = NULL;
	struct token_claims c = sample(1700000000), got;
	char *priv, *pub, *priv2, *priv3, *tok = NULL, *bad;
	size_t len, pub_len, len2, len3;
	long now = 1700000000;

	TAP_PLAN(16);
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

	free(tok);
	token_signer_free(ts);
	token_signer_free(other);
	free(priv);
	free(pub);
	free(priv2);
	free(priv3);
	TAP_DONE();
}
