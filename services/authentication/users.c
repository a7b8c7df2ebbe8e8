/* SPDX-License-Identifier: Apache-2.0 */
/* User management: the admin and data_owner_manager calls of API.md. */
#include "services/authentication/authn_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "services/authentication/rules.h"

#define BAD_ID                                                                \
	AUTHN_RESULT(AUTHN_BAD_REQUEST,                                       \
		     "id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', "  \
		     "'_', '@' or '-'")
#define BAD_PASSWORD                                                          \
	AUTHN_RESULT(AUTHN_BAD_REQUEST,                                       \
		     "password must be 8 to 256 bytes without NUL")
#define BAD_ROLE                                                              \
	AUTHN_RESULT(AUTHN_BAD_REQUEST,                                       \
		     "role must be platform_admin, function_owner, "          \
		     "data_owner_manager or data_owner")
#define BAD_ATTRIBUTE                                                         \
	AUTHN_RESULT(AUTHN_BAD_REQUEST,                                       \
		     "attribute must be at most 128 characters of A-Z, a-z, " \
		     "0-9, '.', '_', '@' or '-', and is required for the "    \
		     "data owner roles")
#define DENIED                                                                \
	AUTHN_RESULT(AUTHN_PERMISSION_DENIED,                                 \
		     "you may not manage this user")
#define NO_USER AUTHN_RESULT(AUTHN_NOT_FOUND, "no such user")
#define RACED                                                                 \
	AUTHN_RESULT(AUTHN_CONFLICT,                                          \
		     "the user changed while this request ran; retry")

/* Stores a user read earlier and changed since, then wipes its hash from
 * memory. A concurrent change or deletion in between is a conflict. */
static struct authn_result save_changed(struct authn *a, struct authn_user *u)
{
	int rc = user_update(&a->users, u);
	OPENSSL_cleanse(u->hash, sizeof(u->hash));
	if (rc == -ECANCELED || rc == -ENOENT)
		return RACED;
	return rc < 0 ? authn_storage_error(rc) : AUTHN_OK_RESULT;
}

static bool role_attr_ok(enum authn_role role, const char *attr, size_t len)
{
	if (!authn_attribute_valid(attr, len))
		return false;
	return !authn_role_needs_attribute(role) || len > 0;
}

/* Loads the target and checks the actor may manage it. A target the actor
 * may not manage answers not_found for a manager (it cannot tell which ids
 * exist outside its org) and permission_denied for anyone else. */
static struct authn_result load_managed(struct authn *a,
					const struct authn_principal *who,
					const char *id, size_t id_len,
					struct authn_user *u)
{
	int rc;

	if (!authn_is_manager(who->role))
		return DENIED;
	if (!authn_id_valid(id, id_len))
		return BAD_ID;
	rc = user_load(&a->users, id, u);
	if (rc == -ENOENT)
		return NO_USER;
	if (rc < 0)
		return authn_storage_error(rc);
	if (!authn_may_manage(who->role, who->attribute, u->role,
			      u->attribute))
		return who->role == ROLE_PLATFORM_ADMIN ? DENIED : NO_USER;
	return AUTHN_OK_RESULT;
}

struct authn_result authn_user_create(struct authn *a,
				      const struct authn_principal *who,
				      const char *id, size_t id_len,
				      const char *pw, size_t pw_len,
				      const char *role, const char *attr,
				      size_t attr_len)
{
	struct authn_user u;
	int rc;

	if (!authn_is_manager(who->role))
		return DENIED;
	memset(&u, 0, sizeof(u));
	if (!authn_id_valid(id, id_len))
		return BAD_ID;
	if (!authn_password_valid(pw, pw_len))
		return BAD_PASSWORD;
	u.role = authn_role_parse(role);
	if (u.role == ROLE_NONE)
		return BAD_ROLE;
	if (!role_attr_ok(u.role, attr, attr_len))
		return BAD_ATTRIBUTE;
	memcpy(u.id, id, id_len);
	memcpy(u.attribute, attr, attr_len);
	if (!authn_may_manage(who->role, who->attribute, u.role, u.attribute))
		return DENIED;
	u.generation = 1;
	if (user_new_epoch(u.epoch) < 0)
		return AUTHN_RESULT(AUTHN_INTERNAL, "could not make an epoch");
	rc = authn_hash(a, pw, pw_len, u.hash);
	if (rc < 0)
		return authn_hash_error(rc);
	rc = user_insert(&a->users, &u);
	OPENSSL_cleanse(u.hash, sizeof(u.hash));
	if (rc == -ECANCELED)
		return AUTHN_RESULT(AUTHN_CONFLICT,
				    "a user with this id already exists");
	if (rc < 0)
		return authn_storage_error(rc);
	return AUTHN_OK_RESULT;
}

struct list_ctx {
	struct authn *a;
	const struct authn_principal *who;
	json_t *users;
};

static int list_visit(void *arg, const char *key, const char *val,
		      size_t len)
{
	struct list_ctx *ctx = arg;
	struct authn_user u;
	json_t *entry;

	/* A record that does not parse or fails its tag is skipped, not
	 * fatal to the list. */
	if (user_decode(&ctx->a->users, key, val, len, &u) < 0)
		return 0;
	OPENSSL_cleanse(u.hash, sizeof(u.hash));
	if (!authn_may_manage(ctx->who->role, ctx->who->attribute, u.role,
			      u.attribute))
		return 0;
	entry = json_pack("{s:s, s:s, s:s}", "id", u.id, "role",
			  authn_role_name(u.role), "attribute", u.attribute);
	if (!entry || json_array_append_new(ctx->users, entry))
		return -ENOMEM;
	return 0;
}

struct authn_result authn_user_list(struct authn *a,
				    const struct authn_principal *who,
				    json_t **users)
{
	struct list_ctx ctx = { a, who, json_array() };
	int rc;

	if (!ctx.users)
		return AUTHN_RESULT(AUTHN_INTERNAL, "out of memory");
	if (!authn_is_manager(who->role)) {
		json_decref(ctx.users);
		return DENIED;
	}
	rc = a->users.kv.scan(a->users.kv.ctx, USER_KEY_PREFIX, list_visit, &ctx);
	if (rc < 0) {
		json_decref(ctx.users);
		return authn_storage_error(rc);
	}
	*users = ctx.users;
	return AUTHN_OK_RESULT;
}

struct authn_result authn_user_update(struct authn *a,
				      const struct authn_principal *who,
				      const char *id, size_t id_len,
				      const struct authn_user_change *change)
{
	struct authn_result r;
	struct authn_user u;
	enum authn_role role;

	r = load_managed(a, who, id, id_len, &u);
	if (r.status != AUTHN_OK)
		return r;
	role = change->role ? authn_role_parse(change->role) : u.role;
	if (role == ROLE_NONE)
		return BAD_ROLE;
	if (change->attribute) {
		if (change->attribute_len > AUTHN_ATTR_MAX ||
		    !authn_attribute_valid(change->attribute,
					   change->attribute_len))
			return BAD_ATTRIBUTE;
		memset(u.attribute, 0, sizeof(u.attribute));
		memcpy(u.attribute, change->attribute, change->attribute_len);
	}
	if (!role_attr_ok(role, u.attribute, strlen(u.attribute)))
		return BAD_ATTRIBUTE;
	/* The user after the change must be manageable too, or a manager
	 * could move a user out of its reach or promote it. */
	if (!authn_may_manage(who->role, who->attribute, role, u.attribute))
		return DENIED;
	if (!strcmp(u.id, who->id) && role != u.role)
		return AUTHN_RESULT(AUTHN_CONFLICT,
				    "you cannot change your own role");
	u.role = role;
	if (change->password) {
		if (!authn_password_valid(change->password,
					  change->password_len))
			return BAD_PASSWORD;
		int rc = authn_hash(a, change->password,
				    change->password_len, u.hash);
		if (rc < 0)
			return authn_hash_error(rc);
		u.generation++;
	}
	return save_changed(a, &u);
}

struct authn_result authn_user_delete(struct authn *a,
				      const struct authn_principal *who,
				      const char *id, size_t id_len)
{
	struct authn_result r;
	struct authn_user u;
	int rc;

	r = load_managed(a, who, id, id_len, &u);
	if (r.status != AUTHN_OK)
		return r;
	if (!strcmp(u.id, who->id))
		return AUTHN_RESULT(AUTHN_CONFLICT,
				    "you cannot delete your own account");
	rc = user_remove(&a->users, &u);
	if (rc == -ECANCELED)
		return RACED;
	if (rc == -ENOENT)
		return NO_USER;
	return rc < 0 ? authn_storage_error(rc) : AUTHN_OK_RESULT;
}

struct authn_result authn_user_reset_password(struct authn *a,
					      const struct authn_principal *who,
					      const char *id, size_t id_len,
					      char password[25])
{
	struct authn_result r;
	struct authn_user u;

	r = load_managed(a, who, id, id_len, &u);
	if (r.status != AUTHN_OK)
		return r;
	if (password_generate(password) < 0)
		return AUTHN_RESULT(AUTHN_INTERNAL,
				    "could not make a new password");
	int rc = authn_hash(a, password, strlen(password), u.hash);
	if (rc < 0) {
		OPENSSL_cleanse(password, 25);
		return authn_hash_error(rc);
	}
	u.generation++;
	r = save_changed(a, &u);
	if (r.status != AUTHN_OK)
		OPENSSL_cleanse(password, 25);
	return r;
}

struct authn_result authn_change_password(struct authn *a,
					  const struct authn_principal *who,
					  const char *old_pw, size_t old_len,
					  const char *new_pw, size_t new_len,
					  const char *peer, long now)
{
	struct authn_result r;
	struct authn_user u;
	int rc;

	if (!old_pw || old_len > AUTHN_PASSWORD_MAX ||
	    memchr(old_pw, 0, old_len))
		return AUTHN_RESULT(AUTHN_BAD_REQUEST,
				    "old_password must be at most 256 bytes "
				    "without NUL");
	if (!authn_password_valid(new_pw, new_len))
		return BAD_PASSWORD;
	r = authn_throttled(a, who->id, peer, now);
	if (r.status != AUTHN_OK)
		return r;
	rc = user_load(&a->users, who->id, &u);
	if (rc == -ENOENT)
		return AUTHN_RESULT(AUTHN_UNAUTHENTICATED,
				    "your user no longer exists");
	if (rc < 0)
		return authn_storage_error(rc);
	rc = hash_pool_verify(a->hashes, u.hash, old_pw, old_len);
	if (rc == -EACCES) {
		/* Guessing through this call counts like guessing at login. */
		authn_count_failure(a, who->id, peer, now);
		return AUTHN_RESULT(AUTHN_PERMISSION_DENIED,
				    "old_password is wrong");
	}
	if (rc == -EBUSY)
		return authn_hash_error(rc);
	if (rc < 0)
		return AUTHN_RESULT(AUTHN_INTERNAL,
				    "the stored password hash is unusable");
	rc = authn_hash(a, new_pw, new_len, u.hash);
	if (rc < 0)
		return authn_hash_error(rc);
	u.generation++;
	return save_changed(a, &u);
}
