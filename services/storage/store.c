/* SPDX-License-Identifier: Apache-2.0 */
#include "services/storage/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "services/storage/record.h"

#define KV_CTX_TAG "kv"
#define KV_CTX_MAX STORE_CTX_MAX

int store_errno(int mdb_rc)
{
	switch (mdb_rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return -ENOENT;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
		return -ENOSPC;
	case MDB_READERS_FULL:
		return -EAGAIN;
	case MDB_BAD_VALSIZE:
		return -EINVAL;
	default:
		/* Positive values are errno codes from the OS. */
		return mdb_rc > 0 ? -mdb_rc : -EIO;
	}
}

void store_be64_put(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

uint64_t store_be64_get(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The AAD of a key's record binds the key name and its version, so a record
 * copied onto another key or rolled back to another version fails to open. */
size_t store_kv_context(uint8_t *ctx, const void *key, size_t key_len,
			 uint64_t version)
{
	memcpy(ctx, KV_CTX_TAG, sizeof(KV_CTX_TAG));
	store_be64_put(ctx + sizeof(KV_CTX_TAG), version);
	memcpy(ctx + sizeof(KV_CTX_TAG) + 8, key, key_len);
	return sizeof(KV_CTX_TAG) + 8 + key_len;
}

static int key_valid(const void *key, size_t key_len)
{
	return key && key_len > 0 && key_len <= STORE_KEY_MAX;
}

int store_open(struct store **out, const char *dir, size_t map_size,
	       const struct keyring *kr)
{
	struct store *s;
	MDB_txn *txn;
	int dead, rc;

	if (!keyring_current_id(kr))
		return -ENOKEY;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->keys = kr;
	rc = store_errno(mdb_env_create(&s->env));
	if (rc < 0)
		goto err_free;
	rc = store_errno(mdb_env_set_maxdbs(s->env, 4));
	if (rc == 0)
		rc = store_errno(mdb_env_set_mapsize(
			s->env, map_size ? map_size : STORE_MAP_SIZE_DEFAULT));
	if (rc < 0)
		goto err_env;
	/* No MDB_NOSYNC / MDB_NOMETASYNC: a commit returns after fsync. */
	rc = store_errno(mdb_env_open(s->env, dir, MDB_NOTLS, 0600));
	if (rc < 0)
		goto err_env;
	/* A process killed mid-read leaves a stale reader slot behind. */
	mdb_reader_check(s->env, &dead);
	rc = store_errno(mdb_txn_begin(s->env, NULL, 0, &txn));
	if (rc < 0)
		goto err_env;
	rc = store_errno(mdb_dbi_open(txn, "kv", MDB_CREATE, &s->kv));
	if (rc == 0)
		rc = store_errno(
			mdb_dbi_open(txn, "queues", MDB_CREATE, &s->queues));
	if (rc == 0)
		rc = store_errno(
			mdb_dbi_open(txn, "leases", MDB_CREATE, &s->leases));
	if (rc < 0) {
		mdb_txn_abort(txn);
		goto err_env;
	}
	rc = store_errno(mdb_txn_commit(txn));
	if (rc < 0)
		goto err_env;
	*out = s;
	return 0;
err_env:
	mdb_env_close(s->env);
err_free:
	free(s);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	mdb_env_close(s->env);
	free(s);
}

int store_kv_unseal(struct store *s, const void *key, size_t key_len,
		    const MDB_val *v, uint8_t **val, size_t *val_len,
		    uint64_t *version)
{
	uint8_t ctx[KV_CTX_MAX];
	uint64_t ver;
	size_t ctx_len;

	if (v->mv_size < 8)
		return -EINVAL;
	ver = store_be64_get(v->mv_data);
	ctx_len = store_kv_context(ctx, key, key_len, ver);
	if (version)
		*version = ver;
	return record_open(s->keys, ctx, ctx_len, (uint8_t *)v->mv_data + 8,
			   v->mv_size - 8, val, val_len);
}

int store_get(struct store *s, const void *key, size_t key_len, uint8_t **val,
	      size_t *val_len, uint64_t *version)
{
	MDB_val k = { key_len, (void *)key }, v;
	MDB_txn *txn;
	int rc;

	if (!key_valid(key, key_len))
		return -EINVAL;
	rc = store_errno(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn));
	if (rc < 0)
		return rc;
	rc = store_errno(mdb_get(txn, s->kv, &k, &v));
	if (rc == 0)
		rc = store_kv_unseal(s, key, key_len, &v, val, val_len, version);
	mdb_txn_abort(txn);
	return rc;
}

static int kv_write(struct store *s, const void *key, size_t key_len,
		    const void *val, size_t val_len, int check,
		    uint64_t expected, uint64_t *version)
{
	MDB_val k = { key_len, (void *)key }, v;
	uint8_t ctx[KV_CTX_MAX];
	uint64_t current = 0;
	uint8_t *rec = NULL;
	size_t rec_len;
	MDB_txn *txn;
	int rc;

	if (!key_valid(key, key_len))
		return -EINVAL;
	if (val_len > STORE_VALUE_MAX)
		return -E2BIG;
	if (!val && val_len)
		return -EINVAL;
	rc = store_errno(mdb_txn_begin(s->env, NULL, 0, &txn));
	if (rc < 0)
		return rc;
	rc = store_errno(mdb_get(txn, s->kv, &k, &v));
	if (rc == 0 && v.mv_size >= 8)
		current = store_be64_get(v.mv_data);
	else if (rc < 0 && rc != -ENOENT)
		goto err_txn;
	if (check && current != expected) {
		rc = -ECANCELED;
		goto err_txn;
	}
	rc = record_seal(s->keys, ctx, store_kv_context(ctx, key, key_len, current + 1),
			 val, val_len, &rec, &rec_len);
	if (rc < 0)
		goto err_txn;
	v.mv_size = rec_len + 8;
	rc = store_errno(mdb_put(txn, s->kv, &k, &v, MDB_RESERVE));
	if (rc < 0)
		goto err_txn;
	store_be64_put(v.mv_data, current + 1);
	memcpy((uint8_t *)v.mv_data + 8, rec, rec_len);
	free(rec);
	rc = store_errno(mdb_txn_commit(txn));
	if (rc < 0)
		return rc;
	if (version)
		*version = current + 1;
	return 0;
err_txn:
	free(rec);
	mdb_txn_abort(txn);
	return rc;
}

int store_put(struct store *s, const void *key, size_t key_len,
	      const void *val, size_t val_len, uint64_t *version)
{
	return kv_write(s, key, key_len, val, val_len, 0, 0, version);
}

int store_cas(struct store *s, const void *key, size_t key_len,
	      const void *val, size_t val_len, uint64_t expected,
	      uint64_t *version)
{
	return kv_write(s, key, key_len, val, val_len, 1, expected, version);
}

int store_delete(struct store *s, const void *key, size_t key_len,
		 uint64_t expected)
{
	MDB_val k = { key_len, (void *)key }, v;
	MDB_txn *txn;
	int rc;

	if (!key_valid(key, key_len))
		return -EINVAL;
	rc = store_errno(mdb_txn_begin(s->env, NULL, 0, &txn));
	if (rc < 0)
		return rc;
	rc = store_errno(mdb_get(txn, s->kv, &k, &v));
	if (rc < 0)
		goto err_txn;
	if (expected &&
	    (v.mv_size < 8 || store_be64_get(v.mv_data) != expected)) {
		rc = -ECANCELED;
		goto err_txn;
	}
	rc = store_errno(mdb_del(txn, s->kv, &k, NULL));
	if (rc < 0)
		goto err_txn;
	return store_errno(mdb_txn_commit(txn));
err_txn:
	mdb_txn_abort(txn);
	return rc;
}
