/* SPDX-License-Identifier: Apache-2.0 */
/* Login and token validation; the service's shared state. */
#include "services/authentication/authn_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "lib/log.h"

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
	throttle_rules_default(&cfg->throttle);
	cfg->hash_threads = HASH_POOL_THREADS_DEFAULT;
	cfg->hash_queue = HASH_POOL_QUEUE_DEFAULT;
}

struct authn_result authn_storage_error(int rc)
{
	struct authn_result r;

	switch (rc) {
	case -EBADMSG:
		log_error("a stored user record failed its integrity check");
		return AUTHN_RESULT(AUTHN_INTERNAL,
				    "a stored user record failed its integrity "
				    "check; see the service log");
	case -EACCES:
	case -EINVAL:
	case -ENOMEM:
		return AUTHN_RESULT(AUTHN_INTERNAL,
				    "the user store failed; see the service "
				    "log");
	default:
		/* Unreachable, stalled, busy or failing storage (issue 7,
		 * F9): the client may retry shortly. */
		r = AUTHN_RESULT(AUTHN_UNAVAILABLE,
				 "the user store is unavailable; try again "
				 "shortly");
		r.retry_after = 1;
		return r;
	}
}

int authn_hash(struct authn *a, const char *pw, size_t len,
	       char out[PASSWORD_HASH_MAX])
{
	return hash_pool_hash(a->hashes, &a->cfg.cost, pw, len, out);
}

struct authn_result authn_hash_error(int rc)
{
	struct authn_result r;

	if (rc != -EBUSY)
		return AUTHN_RESULT(AUTHN_INTERNAL,
				    "could not hash the password");
	r = AUTHN_RESULT(AUTHN_UNAVAILABLE,
			 "too many password checks are waiting; try again "
			 "in a second");
	r.retry_after = 1;
	return r;
}

int authn_new(struct authn **out, const struct authn_config *cfg,
	      const struct authn_kv *kv,
	      const uint8_t tag_key[USER_TAG_KEY_LEN],
	      const struct token_signer *signer)
{
	struct authn *a;
	int rc;

	if (cfg->token_ttl <= 0 || cfg->throttle.first_delay < 1 ||
	    cfg->throttle.max_delay < cfg->throttle.first_delay ||
	    cfg->throttle.forget < 1)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->cfg = *cfg;
	a->users.kv = *kv;
	memcpy(a->users.tag_key, tag_key, USER_TAG_KEY_LEN);
	a->signer = signer;
	rc = hash_pool_new(&a->hashes, cfg->hash_threads, cfg->hash_queue);
	if (rc < 0)
		goto err_free;
	rc = password_hash(&cfg->cost, "kettle-unknown-user", 19,
			   a->dummy_hash);
	if (rc < 0)
		goto err_pool;
	*out = a;
	return 0;
err_pool:
	hash_pool_free(a->hashes);
err_free:
	OPENSSL_cleanse(a->users.tag_key, USER_TAG_KEY_LEN);
	free(a);
	return rc;
}

void authn_free(struct authn *a)
{
	if (!a)
		return;
	hash_pool_free(a->hashes);
	OPENSSL_cleanse(a->users.tag_key, USER_TAG_KEY_LEN);
	free(a);
}

int authn_bootstrap_admin(struct authn *a, const char *id,
			  const char *password, size_t len)
{
	struct authn_user u;
	int rc;

	if (!authn_id_valid(id, strlen(id)))
		return -EINVAL;
	rc = user_load(&a->users, id, &u);
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
		rc = authn_hash(a, password, len, u.hash);
	if (rc == 0)
		rc = user_insert(&a->users, &u);
	OPENSSL_cleanse(u.hash, sizeof(u.hash));
	/* Another instance won the race: the admin exists, which is the goal. */
	return rc == -ECANCELED ? 0 : rc;
}

struct authn_result authn_throttled(struct authn *a, const char *id,
				    const char *peer, long now)
{
	struct authn_result r = AUTHN_OK_RESULT;
	long wait = 0;
	int rc = throttle_check(&a->users.kv, &a->cfg.throttle, id, peer, now,
				&wait);

	if (rc == THROTTLE_WAIT) {
		r = AUTHN_RESULT(AUTHN_RATE_LIMITED,
				 "too many failed attempts from your address; "
				 "wait and try again");
		r.retry_after = wait;
	} else if (rc < 0) {
		r = authn_storage_error(rc);
	}
	return r;
}

/* Counts a failed attempt; the answer stays 401 even if counting fails. */
void authn_count_failure(struct authn *a, const char *id, const char *peer,
			 long now)
{
	int rc = throttle_fail(&a->users.kv, &a->cfg.throttle, id, peer, now);

	if (rc < 0)
		log_warn("could not record a failed login: %s", strerror(-rc));
}

/* A password check on the pool: 0, -EACCES wrong, -EBUSY queue full. */
static int verify(struct authn *a, const char *hash, const char *pw,
		  size_t len)
{
	return hash_pool_verify(a->hashes, hash, pw, len);
}

struct authn_result authn_login(struct authn *a, const char *id,
				size_t id_len, const char *pw, size_t pw_len,
				const char *peer, long now, char **token,
				long *expires_at)
{
	struct authn_result r;
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
	/* Before any hashing, for known and unknown ids alike. */
	r = authn_throttled(a, id, peer, now);
	if (r.status != AUTHN_OK)
		return r;
	rc = user_load(&a->users, id, &u);
	if (rc == -ENOENT || rc == -EBADMSG) {
		/* Unknown ids and records failing their tag cost the same. */
		if (rc == -EBADMSG)
			log_error("user record \"%s\" failed its integrity "
				  "check; refusing the login", id);
		rc = verify(a, a->dummy_hash, pw, pw_len);
		if (rc == -EBUSY)
			return authn_hash_error(rc);
		authn_count_failure(a, NULL, peer, now);
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "wrong id or password");
	}
	if (rc < 0)
		return authn_storage_error(rc);
	rc = verify(a, u.hash, pw, pw_len);
	OPENSSL_cleanse(u.hash, sizeof(u.hash));
	if (rc == -EBUSY)
		return authn_hash_error(rc);
	if (rc == -EACCES) {
		authn_count_failure(a, id, peer, now);
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "wrong id or password");
	}
	if (rc < 0)
		return AUTHN_RESULT(AUTHN_INTERNAL,
				    "the stored password hash is unusable; "
				    "ask an admin to reset the password");
	rc = throttle_success(&a->users.kv, id, peer);
	if (rc < 0)
		log_warn("could not clear the login throttle: %s", strerror(-rc));
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
	rc = user_load(&a->users, c.sub, &u);
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
