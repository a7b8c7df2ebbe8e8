/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/user.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "lib/codec.h"

static void user_key(char *out, size_t cap, const char *id)
{
	snprintf(out, cap, "%s%s", USER_KEY_PREFIX, id);
}

static int copy_str(json_t *obj, const char *name, char *out, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	size_t len;

	if (!json_is_string(v))
		return -EBADMSG;
	len = json_string_length(v);
	if (len >= cap || memchr(json_string_value(v), 0, len))
		return -EBADMSG;
	memcpy(out, json_string_value(v), len + 1);
	return 0;
}

#define TAG_HEX_LEN 64

/* The tag of the record root (without its "tag") stored under key: over
 * the key name, a NUL and the compact JSON with sorted keys, so the same
 * content always has the same tag however it was spelled. */
static int record_tag(const struct user_db *db, const char *key, json_t *root,
		      char out[TAG_HEX_LEN + 1])
{
	char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	int rc = -ENOMEM;

	if (!text)
		return rc;
	size_t klen = strlen(key) + 1, tlen = strlen(text);
	uint8_t *msg = malloc(klen + tlen);
	if (msg) {
		memcpy(msg, key, klen);
		memcpy(msg + klen, text, tlen);
		rc = HMAC(EVP_sha256(), db->tag_key, USER_TAG_KEY_LEN, msg,
			  klen + tlen, md, &md_len) && md_len == 32
			     ? 0
			     : -EIO;
		free(msg);
	}
	free(text);
	if (rc == 0)
		hex_encode(md, 32, out);
	return rc;
}

/* Removes and checks root's tag. */
static int tag_check(const struct user_db *db, const char *key, json_t *root)
{
	char want[TAG_HEX_LEN + 1];
	json_t *tag = json_incref(json_object_get(root, "tag"));
	int rc = -EBADMSG;

	if (!json_is_string(tag) || json_string_length(tag) != TAG_HEX_LEN)
		goto out;
	json_object_del(root, "tag");
	if (record_tag(db, key, root, want) == 0 &&
	    !CRYPTO_memcmp(want, json_string_value(tag), TAG_HEX_LEN))
		rc = 0;
out:
	json_decref(tag);
	return rc;
}

int user_decode(const struct user_db *db, const char *key, const char *text,
		size_t len, struct authn_user *u)
{
	char role[32];
	json_t *root, *gen;
	int rc = -EBADMSG;

	memset(u, 0, sizeof(*u));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root) || tag_check(db, key, root) < 0)
		goto out;
	gen = json_object_get(root, "generation");
	if (copy_str(root, "id", u->id, sizeof(u->id)) ||
	    copy_str(root, "role", role, sizeof(role)) ||
	    copy_str(root, "attribute", u->attribute, sizeof(u->attribute)) ||
	    copy_str(root, "hash", u->hash, sizeof(u->hash)) ||
	    copy_str(root, "epoch", u->epoch, sizeof(u->epoch)) ||
	    !json_is_integer(gen))
		goto out;
	u->generation = (long)json_integer_value(gen);
	u->role = authn_role_parse(role);
	if (u->role != ROLE_NONE && authn_id_valid(u->id, strlen(u->id)))
		rc = 0;
out:
	json_decref(root);
	return rc;
}

char *user_encode(const struct user_db *db, const struct authn_user *u)
{
	char key[sizeof(USER_KEY_PREFIX) + AUTHN_ID_MAX], tag[TAG_HEX_LEN + 1];
	json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "id", u->id,
				 "role", authn_role_name(u->role), "attribute",
				 u->attribute, "hash", u->hash, "generation",
				 (json_int_t)u->generation, "epoch", u->epoch);
	char *text;

	if (!root)
		return NULL;
	user_key(key, sizeof(key), u->id);
	if (record_tag(db, key, root, tag) < 0 ||
	    json_object_set_new(root, "tag", json_string(tag))) {
		json_decref(root);
		return NULL;
	}
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return text;
}

int user_load(const struct user_db *db, const char *id, struct authn_user *u)
{
	char key[sizeof(USER_KEY_PREFIX) + AUTHN_ID_MAX];
	uint64_t version = 0;
	char *val = NULL;
	size_t len = 0;
	int rc;

	if (!authn_id_valid(id, strlen(id)))
		return -EINVAL;
	user_key(key, sizeof(key), id);
	rc = db->kv.get(db->kv.ctx, key, &val, &len, &version);
	if (rc < 0)
		return rc;
	rc = user_decode(db, key, val, len, u);
	OPENSSL_cleanse(val, len);
	free(val);
	/* A record stored under another id's key is corruption, not a user. */
	if (rc == 0 && strcmp(u->id, id))
		rc = -EBADMSG;
	u->version = version;
	return rc;
}

static int user_write(const struct user_db *db, struct authn_user *u,
		      uint64_t expected)
{
	char key[sizeof(USER_KEY_PREFIX) + AUTHN_ID_MAX];
	char *text = user_encode(db, u);
	uint64_t version = 0;
	int rc;

	if (!text)
		return -ENOMEM;
	user_key(key, sizeof(key), u->id);
	rc = db->kv.cas(db->kv.ctx, key, text, strlen(text), expected, &version);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	if (rc == 0)
		u->version = version;
	return rc;
}

int user_insert(const struct user_db *db, struct authn_user *u)
{
	return user_write(db, u, 0);
}

int user_update(const struct user_db *db, struct authn_user *u)
{
	return user_write(db, u, u->version);
}

int user_remove(const struct user_db *db, const struct authn_user *u)
{
	char key[sizeof(USER_KEY_PREFIX) + AUTHN_ID_MAX];

	user_key(key, sizeof(key), u->id);
	return db->kv.del(db->kv.ctx, key, u->version);
}

int user_new_epoch(char epoch[TOKEN_EPOCH_LEN + 1])
{
	uint8_t rnd[TOKEN_EPOCH_LEN / 2];

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -EIO;
	hex_encode(rnd, sizeof(rnd), epoch);
	return 0;
}
