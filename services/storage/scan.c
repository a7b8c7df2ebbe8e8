/* SPDX-License-Identifier: Apache-2.0 */
/* Paged prefix scans over the key space. */
#include "services/storage/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int has_prefix(const MDB_val *k, const void *prefix, size_t len)
{
	return k->mv_size >= len && (len == 0 || !memcmp(k->mv_data, prefix, len));
}

void store_page_free(struct store_page *page)
{
	for (size_t i = 0; i < page->count; i++) {
		free(page->items[i].key);
		free(page->items[i].val);
	}
	free(page->items);
	memset(page, 0, sizeof(*page));
}

static int scan_take(struct store *s, const MDB_val *k, const MDB_val *v,
		     struct store_item *item)
{
	int rc;

	item->key = malloc(k->mv_size + 1);
	if (!item->key)
		return -ENOMEM;
	memcpy(item->key, k->mv_data, k->mv_size);
	item->key[k->mv_size] = 0;
	item->key_len = k->mv_size;
	rc = store_kv_unseal(s, k->mv_data, k->mv_size, v, &item->val,
			     &item->val_len, &item->version);
	if (rc < 0) {
		free(item->key);
		item->key = NULL;
	}
	return rc;
}

int store_prefix_walk(MDB_cursor *cur, const void *prefix, size_t prefix_len,
		      const void *start, size_t start_len, store_walk_fn visit,
		      void *arg)
{
	MDB_val k, v;
	int rc;

	k.mv_data = (void *)(start_len ? start : prefix);
	k.mv_size = start_len ? start_len : prefix_len;
	for (rc = mdb_cursor_get(cur, &k, &v, k.mv_size ? MDB_SET_RANGE : MDB_FIRST);
	     rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (!has_prefix(&k, prefix, prefix_len))
			return 0;
		rc = visit(arg, cur, &k, &v);
		if (rc)
			return rc;
	}
	return rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

struct scan_walk {
	struct store *s;
	const void *after;
	size_t after_len, limit;
	struct store_page *page;
};

static int scan_visit(void *arg, MDB_cursor *cur, MDB_val *k, MDB_val *v)
{
	struct scan_walk *w = arg;
	int rc;

	(void)cur;
	if (w->after_len &&
	    bytes_cmp(k->mv_data, k->mv_size, w->after, w->after_len) <= 0)
		return 0;
	if (w->page->count == w->limit) {
		w->page->more = true;
		return 1;
	}
	rc = scan_take(w->s, k, v, &w->page->items[w->page->count]);
	if (rc < 0)
		return rc;
	w->page->count++;
	return 0;
}

int store_scan(struct store *s, const void *prefix, size_t prefix_len,
	       const void *after, size_t after_len, size_t limit,
	       struct store_page *page)
{
	MDB_cursor *cur;
	MDB_txn *txn;
	int rc;

	memset(page, 0, sizeof(*page));
	if (limit == 0 || limit > STORE_SCAN_LIMIT_MAX ||
	    prefix_len > STORE_KEY_MAX || after_len > STORE_KEY_MAX ||
	    (prefix_len && !prefix) || (after_len && !after))
		return -EINVAL;
	page->items = calloc(limit, sizeof(*page->items));
	if (!page->items)
		return -ENOMEM;
	rc = store_errno(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn));
	if (rc < 0)
		goto err_page;
	rc = store_errno(mdb_cursor_open(txn, s->kv, &cur));
	if (rc < 0)
		goto err_txn;
	/* Start at whichever comes later: the prefix or the cursor key. */
	struct scan_walk w = { s, after, after_len, limit, page };
	int later = after_len && bytes_cmp(after, after_len, prefix, prefix_len) > 0;
	rc = store_prefix_walk(cur, prefix, prefix_len, later ? after : NULL,
			       later ? after_len : 0, scan_visit, &w);
	if (rc < 0)
		goto err_cursor;
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return 0;
err_cursor:
	mdb_cursor_close(cur);
err_txn:
	mdb_txn_abort(txn);
err_page:
	store_page_free(page);
	return rc;
}
