/* SPDX-License-Identifier: Apache-2.0 */
/* The authentication service's logic, free of HTTP: login, token
 * validation and user management per API.md "Users". The HTTP layer parses
 * JSON, calls these and turns an authn_result into a status and
 * {"error": {"code", "message"}}. */
#ifndef KETTLE_AUTHN_AUTHN_H
#define KETTLE_AUTHN_AUTHN_H

#include <jansson.h>
#include <stddef.h>

#include "services/authentication/ids.h"
#include "services/authentication/kv.h"
#include "services/authentication/password.h"
#include "services/authentication/throttle.h"
#include "services/authentication/token.h"
#include "services/authentication/user.h"

enum authn_status {
	AUTHN_OK = 0,
	AUTHN_BAD_REQUEST,
	AUTHN_UNAUTHENTICATED,
	AUTHN_PERMISSION_DENIED,
	AUTHN_NOT_FOUND,
	AUTHN_CONFLICT,
	AUTHN_RATE_LIMITED,
	AUTHN_INTERNAL,
	AUTHN_UNAVAILABLE,
};

struct authn_result {
	enum authn_status status;
	const char *message; /* one sentence, static */
	long retry_after;    /* seconds, for rate_limited and unavailable; 0: none */
};

const char *authn_status_code(enum authn_status s); /* "bad_request" */
int authn_status_http(enum authn_status s);          /* 400 */

struct authn_config {
	struct password_cost cost;
	long token_ttl;        /* seconds; default 3600 */
	struct throttle_rules throttle;
	unsigned hash_threads; /* Argon2id threads; default 2 */
	unsigned hash_queue;   /* hashes waiting at most; default 16 */
};

void authn_config_default(struct authn_config *cfg);

struct authn_principal {
	char id[AUTHN_ID_MAX + 1];
	enum authn_role role;
	char attribute[AUTHN_ATTR_MAX + 1];
};

struct authn;

/* kv and tag_key (the user records' integrity key, user.h) are copied;
 * signer is borrowed and must outlive the authn. Every call below is
 * thread-safe: the state is fixed after creation, the hashing pool and the
 * kv are safe to share, the throttle lives in storage. */
int authn_new(struct authn **out, const struct authn_config *cfg,
	      const struct authn_kv *kv,
	      const uint8_t tag_key[USER_TAG_KEY_LEN],
	      const struct token_signer *signer);
void authn_free(struct authn *a);

/* The first admin (API.md: "admin"), created with role platform_admin if
 * no user with that id exists yet. 0 when created or already there. */
int authn_bootstrap_admin(struct authn *a, const char *id,
			  const char *password, size_t len);

/* peer: the client's address (throttle.h), never NULL. */
struct authn_result authn_login(struct authn *a, const char *id,
				size_t id_len, const char *pw, size_t pw_len,
				const char *peer, long now, char **token,
				long *expires_at);

/* Token to the user it names, checked against the stored user (exists,
 * same password generation and epoch). */
struct authn_result authn_validate(struct authn *a, const char *token,
				   long now, struct authn_principal *who);

struct authn_result authn_user_create(struct authn *a,
				      const struct authn_principal *who,
				      const char *id, size_t id_len,
				      const char *pw, size_t pw_len,
				      const char *role, const char *attr,
				      size_t attr_len);

/* *users: [{id, role, attribute}] of the users `who` manages, by id. */
struct authn_result authn_user_list(struct authn *a,
				    const struct authn_principal *who,
				    json_t **users);

/* Fields left NULL stay as they are. */
struct authn_user_change {
	const char *password;
	size_t password_len;
	const char *role;
	const char *attribute;
	size_t attribute_len;
};

struct authn_result authn_user_update(struct authn *a,
				      const struct authn_principal *who,
				      const char *id, size_t id_len,
				      const struct authn_user_change *change);
struct authn_result authn_user_delete(struct authn *a,
				      const struct authn_principal *who,
				      const char *id, size_t id_len);
struct authn_result authn_user_reset_password(struct authn *a,
					      const struct authn_principal *who,
					      const char *id, size_t id_len,
					      char password[25]);
struct authn_result authn_change_password(struct authn *a,
					  const struct authn_principal *who,
					  const char *old_pw, size_t old_len,
					  const char *new_pw, size_t new_len,
					  const char *peer, long now);

#endif
