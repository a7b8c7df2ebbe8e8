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

int store_scan(struct store *s, const void *prefix, size_t prefix_len,
	       const void *after, size_t after_len, size_t limit,
	       struct store_page *page)
{
	MDB_val k, v;
	MDB_cursor *cur;
	MDB_txn *txn;
	int op, rc;

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
	if (after_len && bytes_cmp(after, after_len, prefix, prefix_len) > 0) {
		k.mv_data = (void *)after;
		k.mv_size = after_len;
	} else {
		k.mv_data = (void *)prefix;
		k.mv_size = prefix_len;
	}
	op = k.mv_size ? MDB_SET_RANGE : MDB_FIRST;
	for (rc = mdb_cursor_get(cur, &k, &v, op); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (!has_prefix(&k, prefix, prefix_len))
			break;
		if (after_len &&
		    bytes_cmp(k.mv_data, k.mv_size, after, after_len) <= 0)
			continue;
		if (page->count == limit) {
			page->more = true;
			break;
		}
		rc = scan_take(s, &k, &v, &page->items[page->count]);
		if (rc < 0)
			goto err_cursor;
		page->count++;
	}
	rc = rc == MDB_NOTFOUND ? 0 : store_errno(rc);
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
