/* SPDX-License-Identifier: Apache-2.0 */
/* The key-value store behind kettle-storage: LMDB with every value sealed
 * at rest (record.h), a version number per key for compare-and-swap, paged
 * prefix scans, and durable FIFO queues with visibility timeouts.
 *
 * Every write is one synchronous LMDB commit: when a call returns 0 the data
 * is on disk. Functions return 0 or a negative errno:
 *   -ENOENT     no such key / no visible queue item / unknown lease
 *   -ECANCELED  compare-and-swap: the stored version is not the expected one
 *   -EINVAL     a key, queue name or limit out of bounds
 *   -E2BIG      a value larger than STORE_VALUE_MAX
 *   -EBADMSG    a stored record failed authentication (tampering)
 *   -ENOKEY     a stored record names a key id not in the keyring
 *   -ENOSPC     the database map is full */
#ifndef KETTLE_STORAGE_STORE_H
#define KETTLE_STORAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "services/storage/keyring.h"

#define STORE_KEY_MAX 256               /* bytes */
#define STORE_VALUE_MAX (4u << 20)      /* bytes, before sealing */
#define STORE_QUEUE_NAME_MAX 128        /* bytes */
#define STORE_SCAN_LIMIT_MAX 1000       /* items per page */
#define STORE_LEASE_HEX_LEN 32          /* a lease id is 32 hex digits */
#define STORE_MAP_SIZE_DEFAULT ((size_t)1 << 30)

struct store;

/* Opens (creating if needed) the database in directory dir. The keyring is
 * borrowed and must outlive the store. map_size 0 means the default. */
int store_open(struct store **out, const char *dir, size_t map_size,
	       const struct keyring *kr);
void store_close(struct store *s);

/* *val is malloc'd (NUL-terminated for convenience, not counted in *len). */
int store_get(struct store *s, const void *key, size_t key_len, uint8_t **val,
	      size_t *val_len, uint64_t *version);

/* Unconditional write; *version (may be NULL) gets the new version. */
int store_put(struct store *s, const void *key, size_t key_len,
	      const void *val, size_t val_len, uint64_t *version);

/* Writes only if the stored version equals expected (0: key must not
 * exist); -ECANCELED otherwise. */
int store_cas(struct store *s, const void *key, size_t key_len,
	      const void *val, size_t val_len, uint64_t expected,
	      uint64_t *version);

/* expected 0 deletes whatever is there; otherwise it must match. */
int store_delete(struct store *s, const void *key, size_t key_len,
		 uint64_t expected);

struct store_item {
	uint8_t *key;
	size_t key_len;
	uint8_t *val;
	size_t val_len;
	uint64_t version;
};

struct store_page {
	struct store_item *items;
	size_t count;
	bool more; /* another page follows: pass the last key as after */
};

/* Keys starting with prefix, strictly after `after` (NULL/0: from the
 * start), in byte order, at most limit (1..STORE_SCAN_LIMIT_MAX). */
int store_scan(struct store *s, const void *prefix, size_t prefix_len,
	       const void *after, size_t after_len, size_t limit,
	       struct store_page *page);
void store_page_free(struct store_page *page);

/* Appends to the named queue. */
int store_enqueue(struct store *s, const char *queue, const void *val,
		  size_t val_len);

/* Takes the oldest item of the queue that is not leased, leases it for
 * visibility_ms and returns it with its lease id; an item that is not
 * acknowledged before the lease ends is handed out again. -ENOENT when no
 * item is available. */
int store_dequeue(struct store *s, const char *queue, uint32_t visibility_ms,
		  uint8_t **val, size_t *val_len,
		  char lease[STORE_LEASE_HEX_LEN + 1]);

/* Removes the item held under lease. -ENOENT if the lease is unknown or
 * has been superseded by a later delivery. */
int store_ack(struct store *s, const char *lease);

/* Re-seals every record (keys and queue items) that is not under the
 * keyring's current key, in bounded transactions, so an older key can then
 * be dropped from the keyring. *count (may be NULL) gets how many records
 * were rewritten. Safe to interrupt and run again. */
int store_rewrap(struct store *s, size_t *count);

/* The queue (name, NUL-terminated) whose item lease names, so a caller's
 * right to that queue can be checked before store_ack. -ENOENT if the
 * lease is unknown, -EINVAL if malformed. */
int store_lease_queue(struct store *s, const char *lease,
		      char name[STORE_QUEUE_NAME_MAX + 1]);

/* Items in the queue, leased or not. */
int store_queue_length(struct store *s, const char *queue, size_t *count);

#endif
