/* SPDX-License-Identifier: Apache-2.0 */
#include "services/management/kv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/codec.h"
#include "lib/log.h"
#include "services/common/rpc_pool.h"
#include "services/management/mgmt.h"

static int status_errno(int status)
{
	switch (status) {
	case 200:
		return 0;
	case 404:
		return -ENOENT;
	case 409:
		return -ECANCELED;
	case 503:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

/* POSTs body (stolen) to path; on 0, res->json is an object. */
static int call(struct mgmt *m, const char *path, json_t *body,
		struct rpc_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	if (!body)
		return -ENOMEM;
	rc = rpc_pool_call(m->storage, "POST", path, body, NULL, res);
	json_decref(body);
	if (rc < 0) {
		log_warn("storage %s: %s", path, rpc_pool_error());
		return -EAGAIN;
	}
	rc = status_errno(res->status);
	if (rc == -EIO)
		log_warn("storage %s answered %d", path, res->status);
	if (rc == 0 && !json_is_object(res->json))
		rc = -EIO;
	if (rc < 0)
		rpc_result_clear(res);
	return rc;
}

static int decode_value(const json_t *v, uint8_t **val, size_t *len)
{
	if (!json_is_string(v) ||
	    base64_decode_alloc(json_string_value(v), json_string_length(v),
				val, len) < 0)
		return -EIO;
	return 0;
}

static json_t *parse_doc(const uint8_t *val, size_t len)
{
	json_t *doc = json_loadb((const char *)val, len, JSON_REJECT_DUPLICATES,
				 NULL);

	if (doc && !json_is_object(doc)) {
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

int kv_get_raw(struct mgmt *m, const char *key, uint8_t **val, size_t *len)
{
	struct rpc_result res;
	int rc = call(m, "/store/get", json_pack("{s:s}", "key", key), &res);

	if (rc == 0) {
		rc = decode_value(json_object_get(res.json, "value"), val, len);
		rpc_result_clear(&res);
	}
	return rc;
}

int kv_get(struct mgmt *m, const char *key, json_t **doc, uint64_t *version)
{
	struct rpc_result res;
	uint8_t *val;
	size_t len;
	json_t *ver;
	int rc = call(m, "/store/get", json_pack("{s:s}", "key", key), &res);

	if (rc < 0)
		return rc;
	ver = json_object_get(res.json, "version");
	rc = json_is_integer(ver) ? decode_value(json_object_get(res.json,
								 "value"),
						 &val, &len)
				  : -EIO;
	if (rc == 0) {
		*doc = parse_doc(val, len);
		free(val);
		if (!*doc) {
			log_error("storage key %s holds no JSON object", key);
			rc = -EIO;
		} else if (version) {
			*version = (uint64_t)json_integer_value(ver);
		}
	}
	rpc_result_clear(&res);
	return rc;
}

static char *encode_doc(const json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);
	char *b64 = text ? base64_encode(text, strlen(text)) : NULL;

	free(text);
	return b64;
}

int kv_cas(struct mgmt *m, const char *key, const json_t *doc,
	   uint64_t expected)
{
	struct rpc_result res;
	char *b64 = encode_doc(doc);
	int rc;

	if (!b64)
		return -ENOMEM;
	rc = call(m, "/store/cas",
		  json_pack("{s:s, s:s, s:I}", "key", key, "value", b64,
			    "expected_version", (json_int_t)expected),
		  &res);
	free(b64);
	if (rc == 0)
		rpc_result_clear(&res);
	return rc;
}

int kv_put_raw(struct mgmt *m, const char *key, const void *val, size_t len)
{
	struct rpc_result res;
	char *b64 = base64_encode(val, len);
	int rc;

	if (!b64)
		return -ENOMEM;
	rc = call(m, "/store/put",
		  json_pack("{s:s, s:s}", "key", key, "value", b64), &res);
	free(b64);
	if (rc == 0)
		rpc_result_clear(&res);
	return rc;
}

int kv_delete(struct mgmt *m, const char *key)
{
	struct rpc_result res;
	int rc = call(m, "/store/delete", json_pack("{s:s}", "key", key), &res);

	if (rc == 0)
		rpc_result_clear(&res);
	return rc;
}

static int visit_items(const json_t *items, kv_visit visit, void *arg)
{
	size_t i, len;
	json_t *it, *doc;
	uint8_t *val;
	int rc;

	json_array_foreach(items, i, it) {
		const char *key = json_string_value(json_object_get(it, "key"));
		if (!key || decode_value(json_object_get(it, "value"), &val,
					 &len) < 0)
			return -EIO;
		doc = parse_doc(val, len);
		free(val);
		if (!doc) {
			log_error("storage key %s holds no JSON object", key);
			continue;
		}
		rc = visit(arg, key, doc);
		json_decref(doc);
		if (rc)
			return rc;
	}
	return 0;
}

int kv_scan(struct mgmt *m, const char *prefix, kv_visit visit, void *arg,
	    unsigned max_pages)
{
	struct rpc_result res;
	char *after = NULL;
	json_t *next, *body;
	int rc = 0;

	for (unsigned page = 0; page < max_pages; page++) {
		body = json_pack("{s:s, s:i}", "prefix", prefix, "limit", 500);
		if (body && after)
			json_object_set_new(body, "after", json_string(after));
		free(after);
		after = NULL;
		rc = call(m, "/store/scan", body, &res);
		if (rc < 0)
			break;
		if (!json_is_array(json_object_get(res.json, "items")))
			rc = -EIO;
		else
			rc = visit_items(json_object_get(res.json, "items"),
					 visit, arg);
		next = json_object_get(res.json, "next");
		if (rc == 0 && json_is_string(next))
			after = strdup(json_string_value(next));
		rpc_result_clear(&res);
		if (rc || !after)
			break;
	}
	free(after);
	return rc;
}

int kv_enqueue(struct mgmt *m, const char *queue, const char *value)
{
	struct rpc_result res;
	char *b64 = base64_encode(value, strlen(value));
	int rc;

	if (!b64)
		return -ENOMEM;
	rc = call(m, "/store/enqueue",
		  json_pack("{s:s, s:s}", "queue", queue, "value", b64), &res);
	free(b64);
	if (rc == 0)
		rpc_result_clear(&res);
	return rc;
}

int kv_blob_put(struct mgmt *m, const void *data, size_t len, json_t **out)
{
	struct rpc_result res;
	int rc = rpc_pool_call_raw(m->storage, "PUT", "/blobs",
				   "application/octet-stream", data, len, NULL,
				   &res);

	if (rc < 0) {
		log_warn("storage PUT /blobs: %s", rpc_pool_error());
		return -EAGAIN;
	}
	rc = status_errno(res.status);
	if (rc == 0 && (!json_is_string(json_object_get(res.json, "digest")) ||
			!json_is_string(json_object_get(res.json, "url"))))
		rc = -EIO;
	if (rc == 0)
		*out = json_incref(res.json);
	else if (res.status == 413)
		rc = -EFBIG;
	rpc_result_clear(&res);
	return rc;
}

int kv_blob_get(struct mgmt *m, const char *digest, struct rpc_result *out)
{
	char path[96];
	int rc;

	snprintf(path, sizeof(path), "/blobs/%s", digest);
	rc = rpc_pool_call(m->storage, "GET", path, NULL, NULL, out);
	if (rc < 0) {
		log_warn("storage GET /blobs: %s", rpc_pool_error());
		return -EAGAIN;
	}
	rc = status_errno(out->status);
	if (rc < 0)
		rpc_result_clear(out);
	return rc;
}
