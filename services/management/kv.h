/* SPDX-License-Identifier: Apache-2.0 */
/* management's view of kettle-storage: JSON documents under keys with
 * versions for compare-and-swap, paged prefix scans, the tasks-staged
 * queue and the blob store. Every call returns 0 or a negative errno:
 * -ENOENT (no such key), -ECANCELED (version conflict: re-read and retry),
 * -EAGAIN (storage unreachable, busy or stalled: answer 503), -EIO (any
 * other failure: answer 500). */
#ifndef KETTLE_MANAGEMENT_KV_H
#define KETTLE_MANAGEMENT_KV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "services/common/rpc_client.h"

struct mgmt;

/* How many times a read-modify-CAS loop retries before giving up (503). */
#define KV_CAS_TRIES 64

int kv_get(struct mgmt *m, const char *key, json_t **doc, uint64_t *version);
int kv_get_raw(struct mgmt *m, const char *key, uint8_t **val, size_t *len);
/* expected 0: the key must not exist yet. */
int kv_cas(struct mgmt *m, const char *key, const json_t *doc,
	   uint64_t expected);
int kv_put_raw(struct mgmt *m, const char *key, const void *val, size_t len);
int kv_delete(struct mgmt *m, const char *key);

/* Visits every document under prefix in key order; a visitor returning
 * non-zero stops the scan with that value. At most max_pages pages. */
typedef int (*kv_visit)(void *arg, const char *key, json_t *doc);
int kv_scan(struct mgmt *m, const char *prefix, kv_visit visit, void *arg,
	    unsigned max_pages);

int kv_enqueue(struct mgmt *m, const char *queue, const char *value);

/* PUT /blobs: *out gets {digest, url}. */
int kv_blob_put(struct mgmt *m, const void *data, size_t len, json_t **out);
/* GET /blobs/{digest}: out holds the bytes (clear it). */
int kv_blob_get(struct mgmt *m, const char *digest, struct rpc_result *out);

#endif
