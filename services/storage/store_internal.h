/* Shared between store.c (keys) and queue.c (queues); not public. */
#ifndef KETTLE_STORAGE_STORE_INTERNAL_H
#define KETTLE_STORAGE_STORE_INTERNAL_H

#include <lmdb.h>

#include "store.h"

struct store {
	MDB_env *env;
	MDB_dbi kv;     /* key -> version (8, BE) || record */
	MDB_dbi queues; /* name 0x00 seq (8, BE) -> queue item */
	MDB_dbi leases; /* lease (16) -> queue key */
	const struct keyring *keys;
};

int store_errno(int mdb_rc);
/* Opens a raw kv value (version || record) read from LMDB. */
int store_kv_unseal(struct store *s, const void *key, size_t key_len,
		    const MDB_val *v, uint8_t **val, size_t *val_len,
		    uint64_t *version);
void store_be64_put(uint8_t *p, uint64_t v);
uint64_t store_be64_get(const uint8_t *p);

#endif
