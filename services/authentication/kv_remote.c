/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/kv_remote.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/codec.h"
#include "lib/log.h"

/* Calls path with body (stolen) and maps the HTTP answer to errno. */
static int remote_call(struct rpc_pool *pool, const char *path, json_t *body,
		       struct rpc_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	if (!body)
		return -ENOMEM;
	rc = rpc_pool_call(pool, "POST", path, body, NULL, res);
	json_decref(body);
	if (rc < 0) {
		log_warn("storage %s failed: %s", path, rpc_pool_error());
		return -EAGAIN;
	}
	switch (res->status) {
	case 200:
		return json_is_object(res->json) ? 0 : -EPROTO;
	case 404:
		return -ENOENT;
	case 409:
		return -ECANCELED;
	case 403:
		/* storage's walls refuse this key: a configuration error. */
		log_error("storage refused %s to authentication", path);
		return -EACCES;
	case 400:
	case 413:
		return -EINVAL;
	default:
		return -EAGAIN;
	}
}

static int remote_get(void *ctx, const char *key, char **val, size_t *len,
		      uint64_t *version)
{
	struct rpc_result res;
	json_t *v, *ver;
	int rc;

	rc = remote_call(ctx, "/store/get", json_pack("{s:s}", "key", key),
			 &res);
	if (rc == 0) {
		v = json_object_get(res.json, "value");
		ver = json_object_get(res.json, "version");
		if (!json_is_string(v) || !json_is_integer(ver))
			rc = -EPROTO;
		else
			rc = base64_decode_alloc(json_string_value(v),
					json_string_length(v), (uint8_t **)val,
					len);
		if (rc == 0)
			*version = (uint64_t)json_integer_value(ver);
	}
	rpc_result_clear(&res);
	return rc;
}

static int remote_cas(void *ctx, const char *key, const char *val, size_t len,
		      uint64_t expected, uint64_t *version)
{
	struct rpc_result res;
	char *text = base64_encode(val, len);
	json_t *ver;
	int rc;

	if (!text)
		return -ENOMEM;
	rc = remote_call(ctx, "/store/cas",
			 json_pack("{s:s, s:s, s:I}", "key", key, "value",
				   text, "expected_version",
				   (json_int_t)expected),
			 &res);
	free(text);
	if (rc == 0) {
		ver = json_object_get(res.json, "version");
		if (json_is_integer(ver))
			*version = (uint64_t)json_integer_value(ver);
		else
			rc = -EPROTO;
	}
	rpc_result_clear(&res);
	return rc;
}

static int remote_del(void *ctx, const char *key, uint64_t expected)
{
	struct rpc_result res;
	int rc;

	rc = remote_call(ctx, "/store/delete",
			 json_pack("{s:s, s:I}", "key", key,
				   "expected_version", (json_int_t)expected),
			 &res);
	rpc_result_clear(&res);
	return rc;
}

/* Visits one page; *next gets the cursor for the following page or NULL. */
static int visit_page(json_t *page, authn_kv_visit visit, void *arg,
		      char **next)
{
	json_t *items = json_object_get(page, "items"), *it, *n;
	size_t i;
	int rc = 0;

	*next = NULL;
	if (!json_is_array(items))
		return -EPROTO;
	json_array_foreach(items, i, it) {
		json_t *k = json_object_get(it, "key");
		json_t *v = json_object_get(it, "value");
		uint8_t *val;
		size_t len;

		if (!json_is_string(k) || !json_is_string(v))
			return -EPROTO;
		rc = base64_decode_alloc(json_string_value(v), json_string_length(v),
				&val, &len);
		if (rc < 0)
			return -EPROTO;
		rc = visit(arg, json_string_value(k), (const char *)val, len);
		free(val);
		if (rc)
			return rc;
	}
	n = json_object_get(page, "next");
	if (json_is_string(n) && (*next = strdup(json_string_value(n))) == NULL)
		return -ENOMEM;
	return 0;
}

static int remote_scan(void *ctx, const char *prefix, authn_kv_visit visit,
		       void *arg)
{
	struct rpc_result res;
	char *after = NULL, *next;
	json_t *body;
	int rc;

	do {
		body = after ? json_pack("{s:s, s:s, s:i}", "prefix", prefix,
					 "after", after, "limit", 500)
			     : json_pack("{s:s, s:i}", "prefix", prefix,
					 "limit", 500);
		rc = remote_call(ctx, "/store/scan", body, &res);
		if (rc == 0)
			rc = visit_page(res.json, visit, arg, &next);
		rpc_result_clear(&res);
		free(after);
		after = rc == 0 ? next : NULL;
	} while (rc == 0 && after);
	return rc;
}

void authn_kv_remote(struct authn_kv *kv, struct rpc_pool *pool)
{
	kv->ctx = pool;
	kv->get = remote_get;
	kv->cas = remote_cas;
	kv->del = remote_del;
	kv->scan = remote_scan;
}
