/* SPDX-License-Identifier: Apache-2.0 */
/* Durable FIFO queues with visibility timeouts, inside the same LMDB
 * environment as the keys.
 *
 * An item lives at  name 0x00 seq(8, BE)  in the "queues" database, as
 *   visible_at (8, BE, ms since the epoch) || lease (16) || deliveries (4, BE)
 *   || sealed payload (record.h; context "q" 0x00 || item key).
 * Dequeue hands out the oldest item whose visible_at has passed and moves
 * visible_at forward by the visibility timeout; the "leases" database maps
 * the current lease of every handed-out item back to its key for Ack. The
 * wall clock is used because leases must survive a restart. */
#include "services/storage/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "lib/codec.h"
#include "services/storage/record.h"

#define ITEM_KEY_MAX (STORE_QUEUE_NAME_MAX + 9)
#define ITEM_HDR_LEN STORE_ITEM_HDR_LEN
#define LEASE_LEN 16
#define VISIBILITY_MAX_MS (24u * 3600u * 1000u)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int queue_name_len(const char *queue, size_t *len)
{
	if (!queue)
		return -EINVAL;
	*len = strnlen(queue, STORE_QUEUE_NAME_MAX + 1);
	return *len == 0 || *len > STORE_QUEUE_NAME_MAX ? -EINVAL : 0;
}

static size_t item_key(uint8_t *out, const char *queue, size_t len,
		       uint64_t seq)
{
	memcpy(out, queue, len);
	out[len] = 0;
	store_be64_put(out + len + 1, seq);
	return len + 9;
}

size_t store_item_context(uint8_t *ctx, const void *key, size_t key_len)
{
	ctx[0] = 'q';
	ctx[1] = 0;
	memcpy(ctx + 2, key, key_len);
	return key_len + 2;
}

/* The sequence number after the newest item of the queue (1 if empty). */
static int queue_next_seq(MDB_txn *txn, MDB_dbi dbi, const char *queue,
			  size_t len, uint64_t *seq)
{
	uint8_t probe[STORE_QUEUE_NAME_MAX + 1];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	rc = store_errno(mdb_cursor_open(txn, dbi, &cur));
	if (rc < 0)
		return rc;
	/* name 0x01 sorts just after every key of this queue. */
	memcpy(probe, queue, len);
	probe[len] = 1;
	k.mv_data = probe;
	k.mv_size = len + 1;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	*seq = 1;
	if (rc == 0 && k.mv_size == len + 9 && !memcmp(k.mv_data, queue, len) &&
	    ((uint8_t *)k.mv_data)[len] == 0)
		*seq = store_be64_get((uint8_t *)k.mv_data + len + 1) + 1;
	mdb_cursor_close(cur);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

int store_enqueue(struct store *s, const char *queue, const void *val,
		  size_t val_len)
{
	uint8_t key[ITEM_KEY_MAX], ctx[ITEM_KEY_MAX + 2];
	uint8_t *rec = NULL;
	size_t len, key_len, rec_len;
	MDB_val k, v;
	MDB_txn *txn;
	uint64_t seq;
	int rc;

	if (queue_name_len(queue, &len) < 0 || (!val && val_len))
		return -EINVAL;
	if (val_len > STORE_VALUE_MAX)
		return -E2BIG;
	rc = store_errno(mdb_txn_begin(s->env, NULL, 0, &txn));
	if (rc < 0)
		return rc;
	rc = queue_next_seq(txn, s->queues, queue, len, &seq);
	if (rc < 0)
		goto err_txn;
	key_len = item_key(key, queue, len, seq);
	rc = record_seal(s->keys, ctx, store_item_context(ctx, key, key_len), val,
			 val_len, &rec, &rec_len);
	if (rc < 0)
		goto err_txn;
	k.mv_data = key;
	k.mv_size = key_len;
	v.mv_size = ITEM_HDR_LEN + rec_len;
	rc = store_errno(mdb_put(txn, s->queues, &k, &v, MDB_RESERVE));
	if (rc < 0)
		goto err_txn;
	/* Visible at once (0), never leased, never delivered. */
	memset(v.mv_data, 0, ITEM_HDR_LEN);
	memcpy((uint8_t *)v.mv_data + ITEM_HDR_LEN, rec, rec_len);
	free(rec);
	return store_errno(mdb_txn_commit(txn));
err_txn:
	free(rec);
	mdb_txn_abort(txn);
	return rc;
}

static int lease_parse(const char *hex, uint8_t lease[LEASE_LEN])
{
	if (!hex || strnlen(hex, STORE_LEASE_HEX_LEN + 1) != STORE_LEASE_HEX_LEN)
		return -EINVAL;
	for (size_t i = 0; i < STORE_LEASE_HEX_LEN; i++) {
		char c = hex[i];
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
					       : -1;
		if (d < 0)
			return -EINVAL;
		if (i % 2 == 0)
			lease[i / 2] = (uint8_t)(d << 4);
		else
			lease[i / 2] |= (uint8_t)d;
	}
	return 0;
}

static int is_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

static uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Leases the item under the cursor until visible_at and returns its
 * payload; the item's previous lease, if any, stops being valid. */
static int item_lease(struct store *s, MDB_txn *txn, MDB_cursor *cur,
		      const MDB_val *k, const MDB_val *v, uint64_t visible_at,
		      uint8_t **val, size_t *val_len, uint8_t lease[LEASE_LEN])
{
	uint8_t ctx[ITEM_KEY_MAX + 2];
	uint8_t *old = v->mv_data, *copy;
	uint32_t deliveries;
	MDB_val nv, lk, lv;
	int rc;

	rc = record_open(s->keys, ctx, store_item_context(ctx, k->mv_data, k->mv_size),
			 old + ITEM_HDR_LEN, v->mv_size - ITEM_HDR_LEN, val,
			 val_len);
	if (rc < 0)
		return rc;
	if (!is_zero(old + 8, LEASE_LEN)) {
		lk.mv_data = old + 8;
		lk.mv_size = LEASE_LEN;
		rc = mdb_del(txn, s->leases, &lk, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND) {
			rc = store_errno(rc);
			goto err_val;
		}
	}
	if (RAND_bytes(lease, LEASE_LEN) != 1) {
		rc = -EIO;
		goto err_val;
	}
	/* The old bytes live in the map and change under a write: copy. */
	copy = malloc(v->mv_size);
	if (!copy) {
		rc = -ENOMEM;
		goto err_val;
	}
	memcpy(copy, old, v->mv_size);
	deliveries = be32_get(copy + 24);
	store_be64_put(copy, visible_at);
	memcpy(copy + 8, lease, LEASE_LEN);
	be32_put(copy + 24, deliveries == UINT32_MAX ? deliveries : deliveries + 1);
	nv.mv_data = copy;
	nv.mv_size = v->mv_size;
	rc = store_errno(mdb_cursor_put(cur, (MDB_val *)k, &nv, MDB_CURRENT));
	free(copy);
	if (rc < 0)
		goto err_val;
	lk.mv_data = lease;
	lk.mv_size = LEASE_LEN;
	lv.mv_data = k->mv_data;
	lv.mv_size = k->mv_size;
	rc = store_errno(mdb_put(txn, s->leases, &lk, &lv, 0));
	if (rc < 0)
		goto err_val;
	return 0;
err_val:
	free(*val);
	*val = NULL;
	return rc;
}

/* Finds the first item of a queue whose visibility time has passed. */
struct visible_walk {
	uint64_t now;
	size_t key_len;
	MDB_val k, v;
};

static int first_visible(void *arg, MDB_cursor *cur, MDB_val *k, MDB_val *v)
{
	struct visible_walk *w = arg;

	(void)cur;
	if (k->mv_size != w->key_len)
		return 0;
	if (v->mv_size < ITEM_HDR_LEN)
		return -EINVAL;
	if (store_be64_get(v->mv_data) > w->now)
		return 0;
	w->k = *k;
	w->v = *v;
	return 1;
}

int store_dequeue(struct store *s, const char *queue, uint32_t visibility_ms,
		  uint8_t **val, size_t *val_len,
		  char lease_out[STORE_LEASE_HEX_LEN + 1])
{
	uint8_t start[STORE_QUEUE_NAME_MAX + 1], lease[LEASE_LEN];
	uint64_t now = now_ms();
	MDB_cursor *cur;
	MDB_val k, v;
	MDB_txn *txn;
	size_t len;
	int rc;

	if (queue_name_len(queue, &len) < 0 || visibility_ms == 0 ||
	    visibility_ms > VISIBILITY_MAX_MS)
		return -EINVAL;
	rc = store_errno(mdb_txn_begin(s->env, NULL, 0, &txn));
	if (rc < 0)
		return rc;
	rc = store_errno(mdb_cursor_open(txn, s->queues, &cur));
	if (rc < 0)
		goto err_txn;
	memcpy(start, queue, len);
	start[len] = 0;
	struct visible_walk w = { now, len + 9, { 0 }, { 0 } };
	rc = store_prefix_walk(cur, start, len + 1, NULL, 0, first_visible, &w);
	if (rc != 1) {
		rc = rc == 0 ? -ENOENT : rc;
		goto err_cursor;
	}
	k = w.k;
	v = w.v;
	rc = item_lease(s, txn, cur, &k, &v, now + visibility_ms, val, val_len,
			lease);
	if (rc < 0)
		goto err_cursor;
	mdb_cursor_close(cur);
	rc = store_errno(mdb_txn_commit(txn));
	if (rc < 0) {
		free(*val);
		*val = NULL;
		return rc;
	}
	hex_encode(lease, LEASE_LEN, lease_out);
	return 0;
err_cursor:
	mdb_cursor_close(cur);
err_txn:
	mdb_txn_abort(txn);
	return rc;
}

int store_ack(struct store *s, const char *lease_str)
{
	uint8_t lease[LEASE_LEN];
	MDB_val lk, ik, iv;
	MDB_txn *txn;
	int rc;

	if (lease_parse(lease_str, lease) < 0)
		return -EINVAL;
	rc = store_errno(mdb_txn_begin(s->env, NULL, 0, &txn));
	if (rc < 0)
		return rc;
	lk.mv_data = lease;
	lk.mv_size = LEASE_LEN;
	rc = store_errno(mdb_get(txn, s->leases, &lk, &ik));
	if (rc < 0)
		goto err_txn;
	rc = store_errno(mdb_get(txn, s->queues, &ik, &iv));
	if (rc == 0 && (iv.mv_size < ITEM_HDR_LEN ||
			memcmp((uint8_t *)iv.mv_data + 8, lease, LEASE_LEN)))
		rc = -ENOENT;
	if (rc == 0)
		rc = store_errno(mdb_del(txn, s->queues, &ik, NULL));
	if (rc < 0 && rc != -ENOENT)
		goto err_txn;
	/* A dangling lease (item gone) is dropped as well, then reported. */
	{
		int drop = store_errno(mdb_del(txn, s->leases, &lk, NULL));
		if (drop < 0) {
			rc = drop;
			goto err_txn;
		}
	}
	if (rc < 0)
		goto err_txn;
	return store_errno(mdb_txn_commit(txn));
err_txn:
	mdb_txn_abort(txn);
	return rc;
}

int store_lease_queue(struct store *s, const char *lease_str,
		      char name[STORE_QUEUE_NAME_MAX + 1])
{
	uint8_t lease[LEASE_LEN];
	MDB_val lk, ik;
	MDB_txn *txn;
	int rc;

	if (lease_parse(lease_str, lease) < 0)
		return -EINVAL;
	rc = store_errno(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn));
	if (rc < 0)
		return rc;
	lk.mv_data = lease;
	lk.mv_size = LEASE_LEN;
	rc = store_errno(mdb_get(txn, s->leases, &lk, &ik));
	if (rc == 0) {
		/* An item key is name 0x00 seq(8). */
		size_t n = ik.mv_size >= 9 ? ik.mv_size - 9 : 0;
		if (n == 0 || n > STORE_QUEUE_NAME_MAX ||
		    memchr(ik.mv_data, 0, n) ||
		    ((uint8_t *)ik.mv_data)[n] != 0)
			rc = -EBADMSG;
		else {
			memcpy(name, ik.mv_data, n);
			name[n] = 0;
		}
	}
	mdb_txn_abort(txn);
	return rc;
}

struct count_walk {
	size_t key_len, n;
};

static int count_item(void *arg, MDB_cursor *cur, MDB_val *k, MDB_val *v)
{
	struct count_walk *w = arg;

	(void)cur;
	(void)v;
	w->n += k->mv_size == w->key_len;
	return 0;
}

int store_queue_length(struct store *s, const char *queue, size_t *count)
{
	uint8_t start[STORE_QUEUE_NAME_MAX + 1];
	MDB_cursor *cur;
	MDB_txn *txn;
	size_t len, n = 0;
	int rc;

	if (queue_name_len(queue, &len) < 0)
		return -EINVAL;
	rc = store_errno(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn));
	if (rc < 0)
		return rc;
	rc = store_errno(mdb_cursor_open(txn, s->queues, &cur));
	if (rc < 0)
		goto out_txn;
	memcpy(start, queue, len);
	start[len] = 0;
	struct count_walk w = { len + 9, 0 };
	rc = store_prefix_walk(cur, start, len + 1, NULL, 0, count_item, &w);
	n = w.n;
	mdb_cursor_close(cur);
	*count = n;
out_txn:
	mdb_txn_abort(txn);
	return rc;
}
