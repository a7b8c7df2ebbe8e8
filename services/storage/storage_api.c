/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-storage: the key-value handlers and the route table. */
#include "services/storage/storage_api_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/codec.h"
#include "services/common/rpc_fields.h"

static void reply_value(struct rpc_response *resp, const uint8_t *val,
			size_t len, uint64_t version)
{
	char *text = base64_encode(val, len);

	if (!text) {
		rpc_internal(resp, "out of memory");
		return;
	}
	rpc_reply_json(resp, 200,
		       json_pack("{s:s, s:I}", "value", text, "version",
				 (json_int_t)version));
	free(text);
}

static void h_get(void *ctx, const struct rpc_request *req,
		  struct rpc_response *resp)
{
	static const char *const fields[] = { "key", NULL };
	struct storage_service *svc = ctx;
	const char *key;
	uint8_t *val;
	size_t key_len, len;
	uint64_t version;
	int rc;

	if (!storage_body_ok(req, resp, fields) ||
	    !storage_key_field(req, resp, "key", true, STORE_KEY_MAX, &key, &key_len) ||
	    !storage_allowed(req, resp, WALL_KEY, key, key_len))
		return;
	rc = store_get(svc->store, key, key_len, &val, &len, &version);
	if (rc < 0) {
		storage_reply_error(resp, rc);
		return;
	}
	reply_value(resp, val, len, version);
	free(val);
}

static void write_common(void *ctx, const struct rpc_request *req,
			 struct rpc_response *resp, bool cas)
{
	static const char *const put_fields[] = { "key", "value", NULL };
	static const char *const cas_fields[] = { "key", "value",
						  "expected_version", NULL };
	struct storage_service *svc = ctx;
	const char *key;
	uint8_t *val = NULL;
	size_t key_len, len;
	uint64_t expected = 0, version = 0;
	int rc;

	if (!storage_body_ok(req, resp, cas ? cas_fields : put_fields) ||
	    !storage_key_field(req, resp, "key", true, STORE_KEY_MAX, &key, &key_len) ||
	    !storage_allowed(req, resp, WALL_KEY, key, key_len) ||
	    (cas && !storage_version_field(req, resp, true, &expected)) ||
	    !storage_value_field(req, resp, &val, &len))
		return;
	rc = cas ? store_cas(svc->store, key, key_len, val, len, expected,
			     &version)
		 : store_put(svc->store, key, key_len, val, len, &version);
	free(val);
	if (rc < 0) {
		storage_reply_error(resp, rc);
		return;
	}
	rpc_reply_json(resp, 200,
		       json_pack("{s:I}", "version", (json_int_t)version));
}

static void h_put(void *ctx, const struct rpc_request *req,
		  struct rpc_response *resp)
{
	write_common(ctx, req, resp, false);
}

static void h_cas(void *ctx, const struct rpc_request *req,
		  struct rpc_response *resp)
{
	write_common(ctx, req, resp, true);
}

static void h_delete(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp)
{
	static const char *const fields[] = { "key", "expected_version", NULL };
	struct storage_service *svc = ctx;
	const char *key;
	size_t key_len;
	uint64_t expected;
	int rc;

	if (!storage_body_ok(req, resp, fields) ||
	    !storage_key_field(req, resp, "key", true, STORE_KEY_MAX, &key, &key_len) ||
	    !storage_allowed(req, resp, WALL_KEY, key, key_len) ||
	    !storage_version_field(req, resp, false, &expected))
		return;
	rc = store_delete(svc->store, key, key_len, expected);
	if (rc < 0)
		storage_reply_error(resp, rc);
	else
		rpc_reply_json(resp, 200, json_object());
}

static json_t *page_json(const struct store_page *page)
{
	json_t *items = json_array(), *out;

	if (!items)
		return NULL;
	for (size_t i = 0; i < page->count; i++) {
		const struct store_item *it = &page->items[i];
		char *text = base64_encode(it->val, it->val_len);
		json_t *item = text ? json_pack("{s:s%, s:s, s:I}", "key",
						(const char *)it->key,
						it->key_len, "value", text,
						"version",
						(json_int_t)it->version)
				    : NULL;
		free(text);
		if (!item || json_array_append_new(items, item)) {
			json_decref(items);
			return NULL;
		}
	}
	out = json_pack("{s:o}", "items", items);
	if (out && page->more && page->count) {
		const struct store_item *last = &page->items[page->count - 1];
		json_object_set_new(out, "next",
				    json_stringn((const char *)last->key,
						 last->key_len));
	}
	return out;
}

static void h_scan(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp)
{
	static const char *const fields[] = { "prefix", "after", "limit",
					      NULL };
	struct storage_service *svc = ctx;
	char err[JSON_CHECK_ERR_MAX];
	const char *prefix, *after;
	size_t prefix_len, after_len;
	unsigned long long limit;
	struct store_page page;
	json_t *out;
	int rc;

	if (!storage_body_ok(req, resp, fields) ||
	    !storage_key_field(req, resp, "prefix", false, STORE_KEY_MAX, &prefix,
		       &prefix_len) ||
	    !storage_key_field(req, resp, "after", false, STORE_KEY_MAX, &after,
		       &after_len) ||
	    !storage_allowed(req, resp, WALL_SCAN, prefix, prefix_len))
		return;
	if (!json_check_uint(req->body, "limit", false, STORE_SCAN_LIMIT_MAX,
			     &limit, err)) {
		rpc_bad_request(resp, "%s", err);
		return;
	}
	rc = store_scan(svc->store, prefix, prefix_len, after, after_len,
			limit ? limit : 100, &page);
	if (rc < 0) {
		storage_reply_error(resp, rc);
		return;
	}
	out = page_json(&page);
	store_page_free(&page);
	if (!out)
		rpc_internal(resp, "out of memory");
	else
		rpc_reply_json(resp, 200, out);
}

/* Any platform certificate reaches the routes; what each caller may touch
 * is decided per name by storage_acl.c, the one table. */
#define ROUTE(m, p, h) { m, p, h, NULL, RPC_ROUTE_INTERNAL }
const struct rpc_route storage_routes[] = {
	ROUTE("POST", "/store/get", h_get),
	ROUTE("POST", "/store/put", h_put),
	ROUTE("POST", "/store/cas", h_cas),
	ROUTE("POST", "/store/delete", h_delete),
	ROUTE("POST", "/store/scan", h_scan),
	ROUTE("POST", "/store/enqueue", storage_h_enqueue),
	ROUTE("POST", "/store/dequeue", storage_h_dequeue),
	ROUTE("POST", "/store/ack", storage_h_ack),
	{ "PUT", "/blobs", storage_h_blob_put, NULL,
	  RPC_ROUTE_INTERNAL | RPC_ROUTE_RAW | RPC_ROUTE_BLOB },
	ROUTE("GET", "/blobs/{digest}", storage_h_blob_get),
};
const size_t storage_routes_count =
	sizeof(storage_routes) / sizeof(storage_routes[0]);
