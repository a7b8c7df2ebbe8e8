/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the kettle-storage handler files; not public. */
#ifndef KETTLE_STORAGE_API_INTERNAL_H
#define KETTLE_STORAGE_API_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "services/storage/storage_api.h"

/* One line for the caller per store error; corruption is also logged. */
void storage_reply_error(struct rpc_response *resp, int rc);

/* Each checks one part of the body and replies 400 (or 413) on failure. */
bool storage_body_ok(const struct rpc_request *req, struct rpc_response *resp,
		     const char *const *allowed);
bool storage_key_field(const struct rpc_request *req,
		       struct rpc_response *resp, const char *name,
		       bool required, size_t max, const char **out,
		       size_t *len);
bool storage_value_field(const struct rpc_request *req,
			 struct rpc_response *resp, uint8_t **val,
			 size_t *val_len);
bool storage_version_field(const struct rpc_request *req,
			   struct rpc_response *resp, bool required,
			   uint64_t *version);

/* Checks the caller's grant (storage_acl.h) for one name (a key, a scan
 * prefix, a queue; none for blobs) and replies 403 permission_denied
 * outside it. */
enum storage_wall { WALL_KEY, WALL_SCAN, WALL_QUEUE, WALL_BLOBS };
bool storage_allowed(const struct rpc_request *req, struct rpc_response *resp,
		     enum storage_wall wall, const char *name, size_t len);

/* Queue and blob handlers (storage_api_queue.c). */
void storage_h_enqueue(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp);
void storage_h_dequeue(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp);
void storage_h_ack(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp);
void storage_h_blob_put(void *ctx, const struct rpc_request *req,
			struct rpc_response *resp);
void storage_h_blob_get(void *ctx, const struct rpc_request *req,
			struct rpc_response *resp);

#endif
