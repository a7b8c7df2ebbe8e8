/* SPDX-License-Identifier: Apache-2.0 */
/* One user record as kept in storage under "user/<id>" (JSON), with an
 * integrity tag: HMAC-SHA-256 under a key only authentication holds, over
 * the key name and the record's canonical JSON. Every read checks it, so a
 * record written by anyone else through storage (issue 7, F6: another
 * service rewriting user/admin's hash) is not a user (-EBADMSG). */
#ifndef KETTLE_AUTHN_USER_H
#define KETTLE_AUTHN_USER_H

#include <jansson.h>
#include <stdint.h>

#include "services/authentication/ids.h"
#include "services/authentication/kv.h"
#include "services/authentication/password.h"
#include "services/authentication/token.h"

#define USER_KEY_PREFIX "user/"
#define USER_TAG_KEY_LEN 32

/* Where users live and the key that tags them. */
struct user_db {
	struct authn_kv kv;
	uint8_t tag_key[USER_TAG_KEY_LEN];
};

struct authn_user {
	char id[AUTHN_ID_MAX + 1];
	enum authn_role role;
	char attribute[AUTHN_ATTR_MAX + 1];
	char hash[PASSWORD_HASH_MAX];
	long generation;                /* bumped by every password change */
	char epoch[TOKEN_EPOCH_LEN + 1]; /* random, fixed at creation */
	uint64_t version;               /* storage version, for CAS */
};

/* -ENOENT if absent, -EBADMSG if the stored JSON is not a user or its tag
 * does not match. */
int user_load(const struct user_db *db, const char *id, struct authn_user *u);
/* Creates; -ECANCELED if the id is taken. Sets u->version. */
int user_insert(const struct user_db *db, struct authn_user *u);
/* Writes back over u->version; -ECANCELED if it changed meanwhile. */
int user_update(const struct user_db *db, struct authn_user *u);
int user_remove(const struct user_db *db, const struct authn_user *u);

/* Parses and checks a stored record read under key. */
int user_decode(const struct user_db *db, const char *key, const char *json,
		size_t len, struct authn_user *u);
/* The record text stored for u (tagged), malloc'd; for tests too. */
char *user_encode(const struct user_db *db, const struct authn_user *u);

/* A fresh random epoch. */
int user_new_epoch(char epoch[TOKEN_EPOCH_LEN + 1]);

#endif
