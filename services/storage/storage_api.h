/* SPDX-License-Identifier: Apache-2.0 */
/* The kettle-storage RPC surface: the store and the blob store as JSON
 * calls on the internal (mutual TLS) listener.
 *
 *   POST /store/get      {key}                          -> {value, version}
 *   POST /store/put      {key, value}                   -> {version}
 *   POST /store/cas      {key, value, expected_version} -> {version}
 *   POST /store/delete   {key, expected_version?}       -> {}
 *   POST /store/scan     {prefix, after?, limit?}       -> {items: [{key, value, version}], next?}
 *   POST /store/enqueue  {queue, value}                 -> {}
 *   POST /store/dequeue  {queue, visibility_ms}         -> {item: {value, lease} | null}
 *   POST /store/ack      {lease}                        -> {}
 *   PUT  /blobs          raw bytes                      -> {digest, url}
 *   GET  /blobs/{digest}                                -> raw bytes
 *
 * Keys and queue names are strings; values are base64. expected_version 0
 * means "must not exist"; a version mismatch is 409 conflict. `next` is
 * present when more items follow: pass it as `after`. Each caller reaches
 * only the key prefixes, queues and blobs storage_acl.c grants it; anything
 * else is 403 permission_denied. */
#ifndef KETTLE_STORAGE_API_H
#define KETTLE_STORAGE_API_H

#include <stddef.h>

#include "services/common/rpc.h"
#include "services/storage/store.h"

struct keyring;

/* Shared by every handler thread: the store and the keyring are safe to
 * use concurrently (one LMDB transaction per call, keys fixed at start). */
struct storage_service {
	struct store *store;
	const struct keyring *keys;
	const char *blob_dir;
};

/* The route table (handlers take a struct storage_service as ctx). */
extern const struct rpc_route storage_routes[];
extern const size_t storage_routes_count;

#endif
