/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between store.c (keys) and queue.c (queues); not public. */
#ifndef KETTLE_STORAGE_STORE_INTERNAL_H
#define KETTLE_STORAGE_STORE_INTERNAL_H

#include <lmdb.h>

#include "services/storage/store.h"

struct store {
	MDB_env *env;
	MDB_dbi kv;     /* key -> version (8, BE) || record */
	MDB_dbi queues; /* name 0x00 seq (8, BE) -> queue item */
	MDB_dbi leases; /* lease (16) -> queue key */
	const struct keyring *keys;
};

/* Bytes before the sealed record in a value of each database. */
#define STORE_KV_HDR_LEN 8    /* version */
#define STORE_ITEM_HDR_LEN 28 /* visible_at, lease, deliveries */
/* Largest AAD context either database builds. */
#define STORE_CTX_MAX (3 + 8 + STORE_KEY_MAX)

/* The AAD context of a kv record (binds key and version) and of a queue
 * item (binds its key); both return the length written to ctx. */
size_t store_kv_context(uint8_t *ctx, const void *key, size_t key_len,
			uint64_t version);
size_t store_item_context(uint8_t *ctx, const void *key, size_t key_len);

int store_errno(int mdb_rc);
/* Opens a raw kv value (version || record) read from LMDB. */
int store_kv_unseal(struct store *s, const void *key, size_t key_len,
		    const MDB_val *v, uint8_t **val, size_t *val_len,
		    uint64_t *version);
/* Called for each entry of a prefix walk: 0 goes on, 1 stops the walk
 * (store_prefix_walk then returns 1), a negative errno stops it with that
 * error. */
typedef int (*store_walk_fn)(void *arg, MDB_cursor *cur, MDB_val *k,
			     MDB_val *v);
/* Walks the keys of cur's database that start with prefix, in order, from
 * the first key >= start (start_len 0: from the prefix). 0 at the end of
 * the prefix, 1 if visit stopped, or a negative errno. */
int store_prefix_walk(MDB_cursor *cur, const void *prefix, size_t prefix_len,
		      const void *start, size_t start_len, store_walk_fn visit,
		      void *arg);
void store_be64_put(uint8_t *p, uint64_t v);
uint64_t store_be64_get(const uint8_t *p);

#endif
