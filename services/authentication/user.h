/* One user record as kept in storage under "user/<id>" (JSON). */
#ifndef KETTLE_AUTHN_USER_H
#define KETTLE_AUTHN_USER_H

#include <jansson.h>
#include <stdint.h>

#include "services/authentication/ids.h"
#include "services/authentication/kv.h"
#include "services/authentication/password.h"
#include "services/authentication/token.h"

#define USER_KEY_PREFIX "user/"

struct authn_user {
	char id[AUTHN_ID_MAX + 1];
	enum authn_role role;
	char attribute[AUTHN_ATTR_MAX + 1];
	char hash[PASSWORD_HASH_MAX];
	long generation;                /* bumped by every password change */
	char epoch[TOKEN_EPOCH_LEN + 1]; /* random, fixed at creation */
	uint64_t version;               /* storage version, for CAS */
};

/* -ENOENT if absent, -EBADMSG if the stored JSON is not a user. */
int user_load(const struct authn_kv *kv, const char *id,
	      struct authn_user *u);
/* Creates; -ECANCELED if the id is taken. Sets u->version. */
int user_insert(const struct authn_kv *kv, struct authn_user *u);
/* Writes back over u->version; -ECANCELED if it changed meanwhile. */
int user_update(const struct authn_kv *kv, struct authn_user *u);
int user_remove(const struct authn_kv *kv, const struct authn_user *u);

/* Parses a stored record. */
int user_decode(const char *json, size_t len, struct authn_user *u);

/* A fresh random epoch. */
int user_new_epoch(char epoch[TOKEN_EPOCH_LEN + 1]);

#endif
