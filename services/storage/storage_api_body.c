/* SPDX-License-Identifier: Apache-2.0 */
/* Request checks and error replies shared by the kettle-storage handlers. */
#include "services/storage/storage_api_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/codec.h"
#include "services/common/rpc_fields.h"
#include "lib/log.h"
#include "services/storage/storage_acl.h"

/* One line for the caller per store error; corruption is also logged. */
void storage_reply_error(struct rpc_response *resp, int rc)
{
	switch (rc) {
	case -ENOENT:
		rpc_not_found(resp, "no such key");
		break;
	case -ECANCELED:
		rpc_conflict(resp, "the stored version is not the expected "
				   "one; read it again and retry");
		break;
	case -EINVAL:
		rpc_bad_request(resp, "a key, name or limit is out of bounds");
		break;
	case -E2BIG:
		rpc_payload_too_large(resp, "the value is larger than %u bytes",
				      STORE_VALUE_MAX);
		break;
	case -ENOSPC:
		log_error("the database is full");
		rpc_unavailable(resp, "the store is full; ask an operator");
		break;
	case -EBADMSG:
	case -ENOKEY:
		log_error("a stored record could not be opened: %s",
			  strerror(-rc));
		rpc_internal(resp, "a stored record failed authentication");
		break;
	default:
		log_error("store call failed: %s", strerror(-rc));
		rpc_internal(resp, "the store failed: %s", strerror(-rc));
	}
}

/* Parses the body against the allowed fields; replies 400 if it fails. */
bool storage_body_ok(const struct rpc_request *req, struct rpc_response *resp,
		    const char *const *allowed)
{
	char err[JSON_CHECK_ERR_MAX];

	if (!json_check_fields(req->body, allowed, err)) {
		rpc_bad_request(resp, "%s", err);
		return false;
	}
	return true;
}

bool storage_key_field(const struct rpc_request *req,
		      struct rpc_response *resp, const char *name,
		      bool required, size_t max, const char **out, size_t *len)
{
	char err[JSON_CHECK_ERR_MAX];

	if (!json_check_string(req->body, name, required, out, len, err)) {
		rpc_bad_request(resp, "%s", err);
		return false;
	}
	if (*out && ((required && *len == 0) || *len > max)) {
		rpc_bad_request(resp, "the field \"%s\" must be 1 to %zu bytes",
				name, max);
		return false;
	}
	return true;
}

/* Decodes the base64 "value" field; replies 400/413 if it fails. */
bool storage_value_field(const struct rpc_request *req,
			struct rpc_response *resp, uint8_t **val,
			size_t *val_len)
{
	char err[JSON_CHECK_ERR_MAX];
	const char *text;
	size_t len;

	if (!json_check_string(req->body, "value", true, &text, &len, err)) {
		rpc_bad_request(resp, "%s", err);
		return false;
	}
	if (len / 4 * 3 > STORE_VALUE_MAX + 3) {
		rpc_payload_too_large(resp, "the value is larger than %u bytes",
				      STORE_VALUE_MAX);
		return false;
	}
	if (base64_decode_alloc(text, len, val, val_len) < 0) {
		rpc_bad_request(resp, "the field \"value\" must be base64");
		return false;
	}
	return true;
}

bool storage_version_field(const struct rpc_request *req,
			  struct rpc_response *resp, bool required,
			  uint64_t *version)
{
	char err[JSON_CHECK_ERR_MAX];
	unsigned long long v;

	if (!json_check_uint(req->body, "expected_version", required,
			     (unsigned long long)INT64_MAX, &v, err)) {
		rpc_bad_request(resp, "%s", err);
		return false;
	}
	*version = v;
	return true;
}

bool storage_allowed(const struct rpc_request *req, struct rpc_response *resp,
		     enum storage_wall wall, const char *name, size_t len)
{
	static const char *const what[] = {
		[WALL_KEY] = "this key",
		[WALL_SCAN] = "this prefix; scan inside its own prefixes",
		[WALL_QUEUE] = "this queue",
		[WALL_BLOBS] = "the blob store",
	};
	const struct storage_grant *g = storage_grant_for(req->peer_cn);
	bool ok = wall == WALL_KEY     ? storage_may_key(g, name, len)
		  : wall == WALL_SCAN  ? storage_may_scan(g, name, len)
		  : wall == WALL_QUEUE ? storage_may_queue(g, name, len)
				       : g && g->blobs;

	if (!ok)
		rpc_permission_denied(resp, "service \"%s\" may not use %s",
				      req->peer_cn, what[wall]);
	return ok;
}
