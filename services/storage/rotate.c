/* SPDX-License-Identifier: Apache-2.0 */
/* Key rotation: re-seal records written under older keys with the
 * keyring's current key, so an old key can leave the keyring. */
#include "services/storage/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "services/storage/record.h"

/* Records per write transaction: bounds the dirty pages of one commit. */
#define REWRAP_BATCH 512

static int under_current(const struct store *s, const MDB_val *v,
			 size_t hdr_len)
{
	const char *id = keyring_current_id(s->keys);
	const uint8_t *rec = (const uint8_t *)v->mv_data + hdr_len;
	size_t id_len = strlen(id);

	if (v->mv_size < hdr_len + 2 + id_len)
		return 0;
	return rec[1] == id_len && !memcmp(rec + 2, id, id_len);
}

/* Re-seals the value under the cursor and writes it back in place. */
static int rewrap_one(struct store *s, MDB_cursor *cur, MDB_val *k,
		      const MDB_val *v, size_t hdr_len, int is_kv)
{
	uint8_t ctx[STORE_CTX_MAX], *pt = NULL, *rec = NULL, *val;
	size_t ctx_len, pt_len, rec_len;
	MDB_val nv;
	int rc;

	if (v->mv_size < hdr_len)
		return -EINVAL;
	ctx_len = is_kv ? store_kv_context(ctx, k->mv_data, k->mv_size,
					   store_be64_get(v->mv_data))
			: store_item_context(ctx, k->mv_data, k->mv_size);
	rc = record_open(s->keys, ctx, ctx_len, (uint8_t *)v->mv_data + hdr_len,
			 v->mv_size - hdr_len, &pt, &pt_len);
	if (rc < 0)
		return rc;
	rc = record_seal(s->keys, ctx, ctx_len, pt, pt_len, &rec, &rec_len);
	free(pt);
	if (rc < 0)
		return rc;
	val = malloc(hdr_len + rec_len);
	if (!val) {
		free(rec);
		return -ENOMEM;
	}
	memcpy(val, v->mv_data, hdr_len);
	memcpy(val + hdr_len, rec, rec_len);
	free(rec);
	nv.mv_data = val;
	nv.mv_size = hdr_len + rec_len;
	rc = store_errno(mdb_cursor_put(cur, k, &nv, MDB_CURRENT));
	free(val);
	return rc;
}

/* One batch from after `last` (empty: from the start); *done at the end. */
static int rewrap_batch(struct store *s, MDB_dbi dbi, size_t hdr_len,
			int is_kv, uint8_t *last, size_t *last_len,
			size_t *count, int *done)
{
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	size_t n = 0;
	int rc;

	rc = store_errno(mdb_txn_begin(s->env, NULL, 0, &txn));
	if (rc < 0)
		return rc;
	rc = store_errno(mdb_cursor_open(txn, dbi, &cur));
	if (rc < 0)
		goto err_txn;
	k.mv_data = last;
	k.mv_size = *last_len;
	rc = mdb_cursor_get(cur, &k, &v, *last_len ? MDB_SET_RANGE : MDB_FIRST);
	if (rc == 0 && *last_len && k.mv_size == *last_len &&
	    !memcmp(k.mv_data, last, *last_len))
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	for (; rc == 0 && n < REWRAP_BATCH;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size > STORE_KEY_MAX) {
			rc = EINVAL;
			break;
		}
		memcpy(last, k.mv_data, k.mv_size);
		*last_len = k.mv_size;
		if (under_current(s, &v, hdr_len))
			continue;
		rc = rewrap_one(s, cur, &k, &v, hdr_len, is_kv);
		if (rc < 0)
			goto err_cursor;
		n++;
	}
	*done = rc == MDB_NOTFOUND;
	if (rc != 0 && rc != MDB_NOTFOUND) {
		rc = store_errno(rc);
		goto err_cursor;
	}
	mdb_cursor_close(cur);
	rc = store_errno(mdb_txn_commit(txn));
	if (rc == 0)
		*count += n;
	return rc;
err_cursor:
	mdb_cursor_close(cur);
err_txn:
	mdb_txn_abort(txn);
	return rc;
}

static int rewrap_db(struct store *s, MDB_dbi dbi, size_t hdr_len, int is_kv,
		     size_t *count)
{
	uint8_t last[STORE_KEY_MAX];
	size_t last_len = 0;
	int done = 0, rc = 0;

	while (!done && rc == 0)
		rc = rewrap_batch(s, dbi, hdr_len, is_kv, last, &last_len, count,
				  &done);
	return rc;
}

int store_rewrap(struct store *s, size_t *count)
{
	size_t n = 0;
	int rc;

	rc = rewrap_db(s, s->kv, STORE_KV_HDR_LEN, 1, &n);
	if (rc == 0)
		rc = rewrap_db(s, s->queues, STORE_ITEM_HDR_LEN, 0, &n);
	if (count)
		*count = n;
	return rc;
}
