/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-storage: the queue and blob handlers. */
#include "services/storage/storage_api_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/codec.h"
#include "services/storage/blob.h"
#include "services/common/rpc_fields.h"
#include "lib/log.h"

void storage_h_enqueue(void *ctx, const struct rpc_request *req,
		      struct rpc_response *resp)
{
	static const char *const fields[] = { "queue", "value", NULL };
	struct storage_service *svc = ctx;
	const char *queue;
	uint8_t *val = NULL;
	size_t queue_len, len;
	int rc;

	if (!storage_body_ok(req, resp, fields) ||
	    !storage_key_field(req, resp, "queue", true, STORE_QUEUE_NAME_MAX, &queue,
		       &queue_len) ||
	    !storage_allowed(req, resp, WALL_QUEUE, queue, queue_len) ||
	    !storage_value_field(req, resp, &val, &len))
		return;
	rc = store_enqueue(svc->store, queue, val, len);
	free(val);
	if (rc < 0)
		storage_reply_error(resp, rc);
	else
		rpc_reply_json(resp, 200, json_object());
}

void storage_h_dequeue(void *ctx, const struct rpc_request *req,
		      struct rpc_response *resp)
{
	static const char *const fields[] = { "queue", "visibility_ms", NULL };
	struct storage_service *svc = ctx;
	char err[JSON_CHECK_ERR_MAX], lease[STORE_LEASE_HEX_LEN + 1];
	const char *queue;
	unsigned long long vis;
	uint8_t *val;
	size_t queue_len, len;
	char *text;
	int rc;

	if (!storage_body_ok(req, resp, fields) ||
	    !storage_key_field(req, resp, "queue", true, STORE_QUEUE_NAME_MAX, &queue,
		       &queue_len) ||
	    !storage_allowed(req, resp, WALL_QUEUE, queue, queue_len))
		return;
	if (!json_check_uint(req->body, "visibility_ms", true, 86400000ull,
			     &vis, err) ||
	    vis == 0) {
		rpc_bad_request(resp, "the field \"visibility_ms\" must be an "
				      "integer from 1 to 86400000");
		return;
	}
	rc = store_dequeue(svc->store, queue, (uint32_t)vis, &val, &len, lease);
	if (rc == -ENOENT) {
		rpc_reply_json(resp, 200, json_pack("{s:n}", "item"));
		return;
	}
	if (rc < 0) {
		storage_reply_error(resp, rc);
		return;
	}
	text = base64_encode(val, len);
	free(val);
	if (!text) {
		rpc_internal(resp, "out of memory");
		return;
	}
	rpc_reply_json(resp, 200,
		       json_pack("{s:{s:s, s:s}}", "item", "value", text,
				 "lease", lease));
	free(text);
}

void storage_h_ack(void *ctx, const struct rpc_request *req,
		  struct rpc_response *resp)
{
	static const char *const fields[] = { "lease", NULL };
	struct storage_service *svc = ctx;
	const char *lease;
	char queue[STORE_QUEUE_NAME_MAX + 1];
	size_t lease_len;
	int rc;

	if (!storage_body_ok(req, resp, fields) ||
	    !storage_key_field(req, resp, "lease", true, STORE_LEASE_HEX_LEN, &lease,
		       &lease_len))
		return;
	/* A lease names no queue: look its item's queue up to check it. */
	rc = store_lease_queue(svc->store, lease, queue);
	if (rc == 0 && !storage_allowed(req, resp, WALL_QUEUE, queue, strlen(queue)))
		return;
	if (rc == 0)
		rc = store_ack(svc->store, lease);
	if (rc == -ENOENT)
		rpc_not_found(resp, "no such lease: the item was acknowledged "
				    "or handed out again");
	else if (rc == -EINVAL)
		rpc_bad_request(resp, "a lease is 32 lowercase hex digits");
	else if (rc < 0)
		storage_reply_error(resp, rc);
	else
		rpc_reply_json(resp, 200, json_object());
}

void storage_h_blob_put(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp)
{
	struct storage_service *svc = ctx;
	char digest[BLOB_DIGEST_HEX_LEN + 1], url[128];
	int rc;

	if (!storage_allowed(req, resp, WALL_BLOBS, NULL, 0))
		return;
	rc = blob_put(svc->blob_dir, svc->keys, req->raw, req->raw_len, digest);
	if (rc == -E2BIG) {
		rpc_payload_too_large(resp, "a blob is at most %zu bytes",
				      BLOB_SIZE_MAX);
		return;
	}
	if (rc < 0) {
		log_error("blob write failed: %s", strerror(-rc));
		rpc_internal(resp, "the blob could not be stored");
		return;
	}
	snprintf(url, sizeof(url), "kettle://blob/%s", digest);
	rpc_reply_json(resp, 200,
		       json_pack("{s:s, s:s}", "digest", digest, "url", url));
}

void storage_h_blob_get(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp)
{
	struct storage_service *svc = ctx;
	const char *digest = rpc_param(req, "digest");
	uint8_t *data;
	size_t len;
	int rc;

	if (!storage_allowed(req, resp, WALL_BLOBS, NULL, 0))
		return;
	rc = blob_get(svc->blob_dir, svc->keys, digest, &data, &len);
	if (rc == -EINVAL) {
		rpc_bad_request(resp, "a blob digest is 64 lowercase hex "
				      "digits");
		return;
	}
	if (rc == -ENOENT) {
		rpc_not_found(resp, "no such blob");
		return;
	}
	if (rc < 0) {
		log_error("blob read failed: %s", strerror(-rc));
		rpc_internal(resp, "the blob could not be read");
		return;
	}
	rpc_reply_raw(resp, 200, "application/octet-stream", data, len);
	free(data);
}
