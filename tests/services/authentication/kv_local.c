/* SPDX-License-Identifier: Apache-2.0 */
/* The authentication kv over a local libkettle_store database. */
#include "tests/services/authentication/kv_local.h"

#include <string.h>

#include "services/storage/store.h"

static int local_get(void *ctx, const char *key, char **val, size_t *len,
		     uint64_t *version)
{
	return store_get(ctx, key, strlen(key), (uint8_t **)val, len, version);
}

static int local_cas(void *ctx, const char *key, const char *val, size_t len,
		     uint64_t expected, uint64_t *version)
{
	return store_cas(ctx, key, strlen(key), val, len, expected, version);
}

static int local_del(void *ctx, const char *key, uint64_t expected)
{
	return store_delete(ctx, key, strlen(key), expected);
}

static int local_scan(void *ctx, const char *prefix, authn_kv_visit visit,
		      void *arg)
{
	struct store_page page;
	char after[STORE_KEY_MAX + 1];
	size_t after_len = 0;
	int rc;

	do {
		rc = store_scan(ctx, prefix, strlen(prefix),
				after_len ? after : NULL, after_len, 100, &page);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < page.count && rc == 0; i++)
			rc = visit(arg, (const char *)page.items[i].key,
				   (const char *)page.items[i].val,
				   page.items[i].val_len);
		if (page.count) {
			after_len = page.items[page.count - 1].key_len;
			memcpy(after, page.items[page.count - 1].key, after_len);
		}
		bool more = page.more;
		store_page_free(&page);
		if (rc != 0 || !more)
			return rc;
	} while (1);
}

void authn_kv_local(struct authn_kv *kv, struct store *s)
{
	kv->ctx = s;
	kv->get = local_get;
	kv->cas = local_cas;
	kv->del = local_del;
	kv->scan = local_scan;
}
