/* Login and token validation; the service's shared state. */
#include "services/authentication/authn_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static const struct {
	const char *code;
	int http;
} status_table[] = {
	[AUTHN_OK] = { "ok", 200 },
	[AUTHN_BAD_REQUEST] = { "bad_request", 400 },
	[AUTHN_UNAUTHENTICATED] = { "unauthenticated", 401 },
	[AUTHN_PERMISSION_DENIED] = { "permission_denied", 403 },
	[AUTHN_NOT_FOUND] = { "not_found", 404 },
	[AUTHN_CONFLICT] = { "conflict", 409 },
	[AUTHN_RATE_LIMITED] = { "rate_limited", 429 },
	[AUTHN_INTERNAL] = { "internal", 500 },
	[AUTHN_UNAVAILABLE] = { "unavailable", 503 },
};

const char *authn_status_code(enum authn_status s)
{
	return s <= AUTHN_UNAVAILABLE ? status_table[s].code : "internal";
}

int authn_status_http(enum authn_status s)
{
	return s <= AUTHN_UNAVAILABLE ? status_table[s].http : 500;
}

void authn_config_default(struct authn_config *cfg)
{
	cfg->cost = password_cost_default;
	cfg->token_ttl = 3600;
	cfg->lock_seconds = 300;
	cfg->throttle_ids = 10000;
}

struct authn_result authn_storage_error(int rc)
{
	switch (rc) {
	case -ECONNREFUSED:
	case -ETIMEDOUT:
	case -EHOSTUNREACH:
	case -ECONNRESET:
	case -EAGAIN:
		return AUTHN_RESULT(AUTHN_UNAVAILABLE,
				    "the user store is unreachable; try again "
				    "shortly");
	default:
		return AUTHN_RESULT(AUTHN_INTERNAL,
				    "the user store failed; see the service "
				    "log");
	}
}

int authn_new(struct authn **out, const struct authn_config *cfg,
	      const struct authn_kv *kv, const struct token_signer *signer)
{
	struct authn *a;
	int rc;

	if (cfg->token_ttl <= 0 || cfg->lock_seconds < 0)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->cfg = *cfg;
	a->kv = *kv;
	a->signer = signer;
	rc = throttle_new(&a->throttle, cfg->throttle_ids ? cfg->throttle_ids
							  : 10000,
			  cfg->lock_seconds);
	if (rc < 0)
		goto err_free;
	rc = password_hash(&cfg->cost, "kettle-unknown-user", 19,
			   a->dummy_hash);
	if (rc < 0)
		goto err_throttle;
	*out = a;
	return 0;
err_throttle:
	throttle_free(a->throttle);
err_free:
	free(a);
	return rc;
}

void authn_free(struct authn *a)
{
	if (!a)
		return;
	throttle_free(a->throttle);
	free(a);
}

int authn_bootstrap_admin(struct authn *a, const char *id,
			  const char *password, size_t len)
{
	struct authn_user u;
	int rc;

	if (!authn_id_valid(id, strlen(id)))
		return -EINVAL;
	rc = user_load(&a->kv, id, &u);
	if (rc == 0)
		return 0;
	if (rc != -ENOENT)
		return rc;
	if (!authn_password_valid(password, len))
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	memcpy(u.id, id, strlen(id));
	u.role = ROLE_PLATFORM_ADMIN;
	u.generation = 1;
	rc = user_new_epoch(u.epoch);
	if (rc == 0)
		rc = password_hash(&a->cfg.cost, password, len, u.hash);
	if (rc == 0)
		rc = user_insert(&a->kv, &u);
	OPENSSL_cleanse(u.hash, sizeof(u.hash));
	/* Another instance won the race: the admin exists, which is the goal. */
	return rc == -ECANCELED ? 0 : rc;
}

struct authn_result authn_login(struct authn *a, const char *id,
				size_t id_len, const char *pw, size_t pw_len,
				long now, char **token, long *expires_at)
{
	struct token_claims c;
	struct authn_user u;
	int rc;

	if (!authn_id_valid(id, id_len))
		return AUTHN_RESULT(AUTHN_BAD_REQUEST,
				    "id must be 1 to 64 characters of A-Z, "
				    "a-z, 0-9, '.', '_', '@' or '-'");
	if (!pw || pw_len > AUTHN_PASSWORD_MAX || memchr(pw, 0, pw_len))
		return AUTHN_RESULT(AUTHN_BAD_REQUEST,
				    "password must be at most 256 bytes "
				    "without NUL");
	if (throttle_locked(a->throttle, id, now))
		return AUTHN_RESULT(AUTHN_RATE_LIMITED,
				    "too many failed logins for this id; "
				    "wait and try again later");
	rc = user_load(&a->kv, id, &u);
	if (rc == -ENOENT) {
		(void)password_verify(a->dummy_hash, pw, pw_len);
		throttle_fail(a->throttle, id, now);
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "wrong id or password");
	}
	if (rc < 0)
		return authn_storage_error(rc);
	rc = password_verify(u.hash, pw, pw_len);
	if (rc == -EACCES) {
		throttle_fail(a->throttle, id, now);
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "wrong id or password");
	}
	if (rc < 0)
		return AUTHN_RESULT(AUTHN_INTERNAL,
				    "the stored password hash is unusable; "
				    "ask an admin to reset the password");
	throttle_reset(a->throttle, id);
	memset(&c, 0, sizeof(c));
	memcpy(c.sub, u.id, sizeof(c.sub));
	c.role = u.role;
	memcpy(c.attr, u.attribute, sizeof(c.attr));
	c.iat = now;
	c.exp = now + a->cfg.token_ttl;
	c.gen = u.generation;
	memcpy(c.epoch, u.epoch, sizeof(c.epoch));
	if (token_issue(a->signer, &c, token) < 0)
		return AUTHN_RESULT(AUTHN_INTERNAL, "could not sign the token");
	*expires_at = c.exp;
	return AUTHN_OK_RESULT;
}

struct authn_result authn_validate(struct authn *a, const char *token,
				   long now, struct authn_principal *who)
{
	struct token_claims c;
	struct authn_user u;
	int rc;

	rc = token_verify(a->signer, token, now, &c);
	if (rc == -EKEYEXPIRED)
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "the token has expired; log in again");
	if (rc < 0)
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "the token is not valid; log in again");
	rc = user_load(&a->kv, c.sub, &u);
	if (rc == -ENOENT)
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "the token's user no longer exists");
	if (rc < 0)
		return authn_storage_error(rc);
	if (u.generation != c.gen || strcmp(u.epoch, c.epoch))
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "the token was revoked by a password "
				    "change; log in again");
	/* Role and attribute come from the stored user, not the token, so a
	 * role change applies at once. */
	memcpy(who->id, u.id, sizeof(who->id));
	who->role = u.role;
	memcpy(who->attribute, u.attribute, sizeof(who->attribute));
	return AUTHN_OK_RESULT;
}
