/* SPDX-License-Identifier: Apache-2.0 */
/* Session tokens: JWTs signed with ES256 (libjwt) under the authentication
 * service's EC P-256 key.
 *
 * Claims: sub (user id), role, attr (attribute), iat, exp, gen (the user's
 * password generation) and ep (a random epoch fixed when the user was
 * created). token_verify checks only what the token itself proves; the
 * caller then compares gen and ep with the stored user, so a changed
 * password, a deleted user or a deleted-and-recreated id ends old tokens. */
#ifndef KETTLE_AUTHN_TOKEN_H
#define KETTLE_AUTHN_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "services/authentication/ids.h"

#define TOKEN_MAX_LEN 2048
#define TOKEN_EPOCH_LEN 32 /* hex chars */

struct token_claims {
	char sub[AUTHN_ID_MAX + 1];
	enum authn_role role;
	char attr[AUTHN_ATTR_MAX + 1];
	long iat;
	long exp;
	long gen;
	char epoch[TOKEN_EPOCH_LEN + 1];
};

struct token_signer;

/* Loads a PEM EC P-256 private key (file or buffer). */
int token_signer_load(struct token_signer **out, const char *pem_path);
int token_signer_from_pem(struct token_signer **out, const char *pem,
			  size_t len);
void token_signer_free(struct token_signer *ts);

/* Issues a token for claims (iat and exp as given); *token is malloc'd. */
int token_issue(const struct token_signer *ts, const struct token_claims *c,
		char **token);

/* Verifies signature (ES256 only), structure and time at `now` (seconds):
 * 0, -EKEYEXPIRED when expired, -EBADMSG for anything forged, malformed or
 * signed otherwise. */
int token_verify(const struct token_signer *ts, const char *token, long now,
		 struct token_claims *out);

#endif
