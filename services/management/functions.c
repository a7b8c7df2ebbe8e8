/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/functions: register, get, update, delete, disable, list, stats. */
#include "services/management/functions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "lib/codec.h"
#include "services/management/check.h"
#include "services/management/kv.h"
#include "services/management/objects.h"

json_t *function_read_facts(const json_t *fn, const char *caller)
{
	return json_pack("{s:O, s:O, s:b}", "owner", json_object_get(fn, "owner"),
			 "public", json_object_get(fn, "public"), "allowlisted",
			 json_list_has(json_object_get(fn, "user_allowlist"),
				       caller));
}

static json_t *owner_facts(const json_t *fn)
{
	return json_pack("{s:O}", "owner", json_object_get(fn, "owner"));
}

/* Stores the payload under its digest; *digest gets the hex. */
static int store_payload(struct op *op, const char *id, const uint8_t *raw,
			 size_t len, char digest[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char key[KEY_MAX];

	SHA256(raw, len, md);
	hex_encode(md, sizeof(md), digest);
	key_payload(key, id, digest);
	return kv_put_raw(op->m, key, raw, len);
}

/* The stored document from a checked body (payload removed). */
static json_t *function_doc(const json_t *body, const char *id,
			    const char *owner, const char *digest,
			    bool disabled, json_int_t created)
{
	json_t *doc = json_deep_copy(body);

	if (!doc)
		return NULL;
	json_object_del(doc, "payload");
	if (!json_object_get(doc, "usage_quota"))
		json_object_set_new(doc, "usage_quota", json_null());
	json_object_set_new(doc, "function_id", json_string(id));
	json_object_set_new(doc, "owner", json_string(owner));
	json_object_set_new(doc, "payload_digest",
			    digest ? json_string(digest) : json_null());
	json_object_set_new(doc, "disabled", json_boolean(disabled));
	json_object_set_new(doc, "created_at", json_integer(created));
	return doc;
}

/* POST /v1/functions */
void h_function_register(void *ctx, const struct rpc_request *req,
			 struct rpc_response *resp)
{
	char err[CHECK_ERR_MAX], id[ID_MAX], key[KEY_MAX], digest[65];
	uint8_t *raw = NULL;
	size_t len;
	json_t *doc;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "function.register", true))
		return;
	if (!function_body_check(op.m, req->body, &raw, &len, err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	if (!op_authorize(&op, json_object()))
		goto out;
	if (object_id_new(OBJ_FUNCTION, id) < 0) {
		op_error(&op, 500, "No randomness for a new id.");
		goto out;
	}
	op_object(&op, id);
	/* The payload first: a document never names a payload not stored. */
	rc = raw ? store_payload(&op, id, raw, len, digest) : 0;
	doc = function_doc(req->body, id, op.who.id, raw ? digest : NULL, false,
			   now_ms());
	key_function(key, id);
	if (rc == 0)
		rc = doc ? kv_cas(op.m, key, doc, 0) : -ENOMEM;
	json_decref(doc);
	if (rc < 0)
		op_store_error(&op, rc);
	else
		op_reply(&op, 200, json_pack("{s:s}", "function_id", id));
out:
	free(raw);
}

/* GET /v1/functions/{id}: the payload only to those who may read it. */
void h_function_get(void *ctx, const struct rpc_request *req,
		    struct rpc_response *resp)
{
	const char *id, *digest;
	char key[KEY_MAX];
	uint8_t *raw;
	size_t len;
	json_t *fn;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "function.read", false) ||
	    !(id = path_id(&op, OBJ_FUNCTION)) ||
	    !load_object(&op, OBJ_FUNCTION, id, &fn, NULL))
		return;
	if (!op_authorize(&op, function_read_facts(fn, op.who.id))) {
		json_decref(fn);
		return;
	}
	rc = op_decide_quiet(&op, "function.read_payload", owner_facts(fn));
	digest = json_string_value(json_object_get(fn, "payload_digest"));
	if (rc < 0) {
		op_error(&op, 503, "The access control service is unavailable; retry later.");
		json_decref(fn);
		return;
	}
	if (rc == 0) {
		json_object_del(fn, "user_allowlist");
	} else if (digest) {
		key_payload(key, id, digest);
		rc = kv_get_raw(op.m, key, &raw, &len);
		if (rc < 0) {
			op_store_error(&op, rc);
			json_decref(fn);
			return;
		}
		char *b64 = base64_encode(raw, len);
		free(raw);
		if (!b64) {
			op_error(&op, 500, "Out of memory.");
			json_decref(fn);
			return;
		}
		json_object_set_new(fn, "payload", json_string(b64));
		free(b64);
	}
	json_object_del(fn, "created_at");
	op_reply(&op, 200, fn);
}

struct replace {
	const json_t *body;
	const char *digest;
	char old_digest[65];
};

static int replace_doc(json_t *doc, void *arg, char *msg, size_t cap)
{
	struct replace *r = arg;
	const char *old = json_string_value(json_object_get(doc, "payload_digest"));
	json_t *fresh = function_doc(r->body,
				     json_string_value(json_object_get(doc, "function_id")),
				     json_string_value(json_object_get(doc, "owner")),
				     r->digest,
				     json_is_true(json_object_get(doc, "disabled")),
				     json_integer_value(json_object_get(doc, "created_at")));

	(void)msg;
	(void)cap;
	if (!fresh)
		return -ENOMEM;
	snprintf(r->old_digest, sizeof(r->old_digest), "%s", old ? old : "");
	json_object_clear(doc);
	json_object_update(doc, fresh);
	json_decref(fresh);
	return 0;
}

/* PUT /v1/functions/{id}: owner; the same fields as register. */
void h_function_update(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp)
{
	char err[CHECK_ERR_MAX], digest[65], key[KEY_MAX];
	struct replace r = { req->body, NULL, "" };
	uint8_t *raw = NULL;
	const char *id;
	size_t len;
	json_t *fn;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "function.update", true) ||
	    !(id = path_id(&op, OBJ_FUNCTION)))
		return;
	if (!function_body_check(op.m, req->body, &raw, &len, err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	if (!load_object(&op, OBJ_FUNCTION, id, &fn, NULL))
		goto out;
	rc = op_authorize(&op, owner_facts(fn));
	json_decref(fn);
	if (!rc)
		goto out;
	if (raw && (rc = store_payload(&op, id, raw, len, digest)) < 0) {
		op_store_error(&op, rc);
		goto out;
	}
	r.digest = raw ? digest : NULL;
	if (update_object(&op, OBJ_FUNCTION, id, replace_doc, &r, NULL) < 0)
		goto out;
	/* The replaced payload is garbage now (a crash here leaves it). */
	if (r.old_digest[0] && (!r.digest || strcmp(r.old_digest, r.digest))) {
		key_payload(key, id, r.old_digest);
		kv_delete(op.m, key);
	}
	op_reply(&op, 200, json_object());
out:
	free(raw);
}

/* DELETE /v1/functions/{id}: owner. */
void h_function_delete(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp)
{
	const char *id, *digest;
	char key[KEY_MAX];
	json_t *fn;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "function.delete", true) ||
	    !(id = path_id(&op, OBJ_FUNCTION)) ||
	    !load_object(&op, OBJ_FUNCTION, id, &fn, NULL))
		return;
	if (op_authorize(&op, owner_facts(fn))) {
		key_function(key, id);
		rc = kv_delete(op.m, key);
		if (rc < 0 && rc != -ENOENT) {
			op_store_error(&op, rc);
		} else {
			digest = json_string_value(json_object_get(fn, "payload_digest"));
			if (digest) {
				key_payload(key, id, digest);
				kv_delete(op.m, key);
			}
			key_usage(key, id);
			kv_delete(op.m, key);
			op_reply(&op, 200, json_object());
		}
	}
	json_decref(fn);
}

static int set_disabled(json_t *doc, void *arg, char *msg, size_t cap)
{
	(void)arg;
	(void)msg;
	(void)cap;
	return json_object_set_new(doc, "disabled", json_true()) ? -ENOMEM : 0;
}

/* POST /v1/functions/{id}/disable: owner. */
void h_function_disable(void *ctx, const struct rpc_request *req,
			struct rpc_response *resp)
{
	const char *id;
	json_t *fn;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "function.disable", true) ||
	    !(id = path_id(&op, OBJ_FUNCTION)))
		return;
	if (!empty_body(&op) || !load_object(&op, OBJ_FUNCTION, id, &fn, NULL))
		return;
	rc = op_authorize(&op, owner_facts(fn));
	json_decref(fn);
	if (rc && update_object(&op, OBJ_FUNCTION, id, set_disabled, NULL,
				NULL) == 0)
		op_reply(&op, 200, json_object());
}

struct listing {
	const char *caller;
	json_t *registered, *allowed;
};

static int list_one(void *arg, const char *key, json_t *fn)
{
	struct listing *l = arg;
	const char *owner = json_string_value(json_object_get(fn, "owner"));
	json_t *id = json_object_get(fn, "function_id");
	bool mine = owner && !strcmp(owner, l->caller);

	(void)key;
	if (!json_is_string(id))
		return 0;
	if (mine)
		json_array_append(l->registered, id);
	if (!json_is_true(json_object_get(fn, "disabled")) &&
	    (mine || json_is_true(json_object_get(fn, "public")) ||
	     json_list_has(json_object_get(fn, "user_allowlist"), l->caller)))
		json_array_append(l->allowed, id);
	return 0;
}

/* GET /v1/functions: {registered: mine, allowed: usable by me}. */
void h_function_list(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp)
{
	struct listing l;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "function.list", false) ||
	    !op_authorize(&op, json_object()))
		return;
	l.caller = op.who.id;
	l.registered = json_array();
	l.allowed = json_array();
	rc = kv_scan(op.m, "function/meta/", list_one, &l, 1000);
	if (rc < 0) {
		json_decref(l.registered);
		json_decref(l.allowed);
		op_store_error(&op, rc);
		return;
	}
	op_reply(&op, 200, json_pack("{s:o, s:o}", "registered", l.registered,
				     "allowed", l.allowed));
}

/* GET /v1/functions/{id}/stats: {invocations, quota}. */
void h_function_stats(void *ctx, const struct rpc_request *req,
		      struct rpc_response *resp)
{
	const char *id;
	char key[KEY_MAX];
	json_t *fn, *usage = NULL;
	json_int_t n = 0;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "function.stats", false) ||
	    !(id = path_id(&op, OBJ_FUNCTION)) ||
	    !load_object(&op, OBJ_FUNCTION, id, &fn, NULL))
		return;
	if (!op_authorize(&op, owner_facts(fn)))
		goto out;
	key_usage(key, id);
	rc = kv_get(op.m, key, &usage, NULL);
	if (rc < 0 && rc != -ENOENT) {
		op_store_error(&op, rc);
		goto out;
	}
	if (rc == 0)
		n = json_integer_value(json_object_get(usage, "invocations"));
	json_decref(usage);
	op_reply(&op, 200, json_pack("{s:I, s:O}", "invocations", n, "quota",
				     json_object_get(fn, "usage_quota")));
out:
	json_decref(fn);
}
