#include "storage_api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "blob.h"
#include "json_check.h"
#include "log.h"

const char *const storage_callers[] = {
	"authentication", "management", "scheduler", "execution", "client",
	NULL,
};

/* One line for the caller per store error; corruption is also logged. */
static void reply_store_error(struct rpc_response *resp, int rc)
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
static bool body_ok(const struct rpc_request *req, struct rpc_response *resp,
		    const char *const *allowed)
{
	char err[JSON_CHECK_ERR_MAX];

	if (!json_check_fields(req->body, allowed, err)) {
		rpc_bad_request(resp, "%s", err);
		return false;
	}
	return true;
}

static bool key_field(const struct rpc_request *req,
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
static bool value_field(const struct rpc_request *req,
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
	if (b64_decode(text, len, val, val_len) < 0) {
		rpc_bad_request(resp, "the field \"value\" must be base64");
		return false;
	}
	return true;
}

static bool version_field(const struct rpc_request *req,
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

static void reply_value(struct rpc_response *resp, const uint8_t *val,
			size_t len, uint64_t version)
{
	char *text = b64_encode(val, len);

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

	if (!body_ok(req, resp, fields) ||
	    !key_field(req, resp, "key", true, STORE_KEY_MAX, &key, &key_len))
		return;
	rc = store_get(svc->store, key, key_len, &val, &len, &version);
	if (rc < 0) {
		reply_store_error(resp, rc);
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

	if (!body_ok(req, resp, cas ? cas_fields : put_fields) ||
	    !key_field(req, resp, "key", true, STORE_KEY_MAX, &key, &key_len) ||
	    (cas && !version_field(req, resp, true, &expected)) ||
	    !value_field(req, resp, &val, &len))
		return;
	rc = cas ? store_cas(svc->store, key, key_len, val, len, expected,
			     &version)
		 : store_put(svc->store, key, key_len, val, len, &version);
	free(val);
	if (rc < 0) {
		reply_store_error(resp, rc);
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

	if (!body_ok(req, resp, fields) ||
	    !key_field(req, resp, "key", true, STORE_KEY_MAX, &key, &key_len) ||
	    !version_field(req, resp, false, &expected))
		return;
	rc = store_delete(svc->store, key, key_len, expected);
	if (rc < 0)
		reply_store_error(resp, rc);
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
		char *text = b64_encode(it->val, it->val_len);
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

	if (!body_ok(req, resp, fields) ||
	    !key_field(req, resp, "prefix", false, STORE_KEY_MAX, &prefix,
		       &prefix_len) ||
	    !key_field(req, resp, "after", false, STORE_KEY_MAX, &after,
		       &after_len))
		return;
	if (!json_check_uint(req->body, "limit", false, STORE_SCAN_LIMIT_MAX,
			     &limit, err)) {
		rpc_bad_request(resp, "%s", err);
		return;
	}
	rc = store_scan(svc->store, prefix, prefix_len, after, after_len,
			limit ? limit : 100, &page);
	if (rc < 0) {
		reply_store_error(resp, rc);
		return;
	}
	out = page_json(&page);
	store_page_free(&page);
	if (!out)
		rpc_internal(resp, "out of memory");
	else
		rpc_reply_json(resp, 200, out);
}

static void h_enqueue(void *ctx, const struct rpc_request *req,
		      struct rpc_response *resp)
{
	static const char *const fields[] = { "queue", "value", NULL };
	struct storage_service *svc = ctx;
	const char *queue;
	uint8_t *val = NULL;
	size_t queue_len, len;
	int rc;

	if (!body_ok(req, resp, fields) ||
	    !key_field(req, resp, "queue", true, STORE_QUEUE_NAME_MAX, &queue,
		       &queue_len) ||
	    !value_field(req, resp, &val, &len))
		return;
	rc = store_enqueue(svc->store, queue, val, len);
	free(val);
	if (rc < 0)
		reply_store_error(resp, rc);
	else
		rpc_reply_json(resp, 200, json_object());
}

static void h_dequeue(void *ctx, const struct rpc_request *req,
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

	if (!body_ok(req, resp, fields) ||
	    !key_field(req, resp, "queue", true, STORE_QUEUE_NAME_MAX, &queue,
		       &queue_len))
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
		reply_store_error(resp, rc);
		return;
	}
	text = b64_encode(val, len);
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

static void h_ack(void *ctx, const struct rpc_request *req,
		  struct rpc_response *resp)
{
	static const char *const fields[] = { "lease", NULL };
	struct storage_service *svc = ctx;
	const char *lease;
	size_t lease_len;
	int rc;

	if (!body_ok(req, resp, fields) ||
	    !key_field(req, resp, "lease", true, STORE_LEASE_HEX_LEN, &lease,
		       &lease_len))
		return;
	rc = store_ack(svc->store, lease);
	if (rc == -ENOENT)
		rpc_not_found(resp, "no such lease: the item was acknowledged "
				    "or handed out again");
	else if (rc == -EINVAL)
		rpc_bad_request(resp, "a lease is 32 lowercase hex digits");
	else if (rc < 0)
		reply_store_error(resp, rc);
	else
		rpc_reply_json(resp, 200, json_object());
}

static void h_blob_put(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp)
{
	struct storage_service *svc = ctx;
	char digest[BLOB_DIGEST_HEX_LEN + 1], url[128];
	int rc;

	rc = blob_put(svc->blob_dir, req->raw, req->raw_len, digest);
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

static void h_blob_get(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp)
{
	struct storage_service *svc = ctx;
	const char *digest = rpc_param(req, "digest");
	uint8_t *data;
	size_t len;
	int rc;

	rc = blob_get(svc->blob_dir, digest, &data, &len);
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

#define ROUTE(m, p, h) { m, p, h, storage_callers, RPC_ROUTE_INTERNAL }
const struct rpc_route storage_routes[] = {
	ROUTE("POST", "/store/get", h_get),
	ROUTE("POST", "/store/put", h_put),
	ROUTE("POST", "/store/cas", h_cas),
	ROUTE("POST", "/store/delete", h_delete),
	ROUTE("POST", "/store/scan", h_scan),
	ROUTE("POST", "/store/enqueue", h_enqueue),
	ROUTE("POST", "/store/dequeue", h_dequeue),
	ROUTE("POST", "/store/ack", h_ack),
	{ "PUT", "/blobs", h_blob_put, storage_callers,
	  RPC_ROUTE_INTERNAL | RPC_ROUTE_RAW },
	ROUTE("GET", "/blobs/{digest}", h_blob_get),
};
const size_t storage_routes_count =
	sizeof(storage_routes) / sizeof(storage_routes[0]);
