/* SPDX-License-Identifier: Apache-2.0 */
/* /v1/inputs and /v1/outputs: register, update the url, read; fusion
 * outputs (several owners) and inputs made from finished outputs.
 *
 * A file document: {data_id, owners: [ids], url, crypto, digest (null for
 * an output until it is written), created_at, from_output?}. A file whose
 * url is kettle://blob/<digest> is also indexed under
 * <kind>/digest/<digest>/<id> -> {owners}, which is what GET /v1/blobs
 * consults (blobs.c). */
#include "services/management/files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/management/check.h"
#include "services/management/kv.h"
#include "services/management/objects.h"

#define BLOB_URL "kettle://blob/"

const char *blob_url_digest(const char *url)
{
	if (!url || strncmp(url, BLOB_URL, strlen(BLOB_URL)))
		return NULL;
	url += strlen(BLOB_URL);
	return digest_valid(url) ? url : NULL;
}

static int write_index(struct op *op, enum object_kind kind, const json_t *file)
{
	const char *d = blob_url_digest(json_string_value(json_object_get(file, "url")));
	char key[KEY_MAX];
	json_t *idx;
	int rc;

	if (!d)
		return 0;
	key_digest_index(key, kind, d,
			 json_string_value(json_object_get(file, "data_id")));
	idx = json_pack("{s:O}", "owners", file_owners(file));
	if (!idx)
		return -ENOMEM;
	char *text = json_dumps(idx, JSON_COMPACT);
	json_decref(idx);
	if (!text)
		return -ENOMEM;
	rc = kv_put_raw(op->m, key, text, strlen(text));
	free(text);
	return rc;
}

/* A kettle://blob/ url of an input must be its digest, uploaded by the
 * caller: a digest seen elsewhere (a task result) is no key to the blob. */
static bool blob_url_allowed(struct op *op, const char *url, const char *digest)
{
	const char *d = blob_url_digest(url);
	char key[KEY_MAX];
	uint8_t *val;
	size_t len;
	int rc;

	if (strncmp(url, BLOB_URL, strlen(BLOB_URL)))
		return true;
	if (!d || strcmp(d, digest)) {
		op_error(op, 400, "A kettle://blob/ url must end with the file's digest.");
		return false;
	}
	key_uploader(key, d, op->who.id);
	rc = kv_get_raw(op->m, key, &val, &len);
	if (rc == 0) {
		free(val);
		return true;
	}
	if (rc == -ENOENT)
		op_error(op, 403, "You did not upload the blob %s.", d);
	else
		op_store_error(op, rc);
	return false;
}

/* Creates the document (and its index) under a fresh id; answers. */
static void create_file(struct op *op, enum object_kind kind, json_t *doc)
{
	char id[ID_MAX], key[KEY_MAX];
	int rc;

	if (!doc || object_id_new(kind, id) < 0) {
		json_decref(doc);
		op_error(op, 500, "Cannot make a new %s.", object_name(kind));
		return;
	}
	op_object(op, id);
	json_object_set_new(doc, "data_id", json_string(id));
	json_object_set_new(doc, "created_at", json_integer(now_ms()));
	key_object(key, kind, id);
	rc = write_index(op, kind, doc);
	if (rc == 0)
		rc = kv_cas(op->m, key, doc, 0);
	json_decref(doc);
	if (rc < 0)
		op_store_error(op, rc);
	else
		op_reply(op, 200, json_pack("{s:s}", "data_id", id));
}

/* POST /v1/inputs {url, digest, crypto} */
void h_input_register(void *ctx, const struct rpc_request *req,
		      struct rpc_response *resp)
{
	static const struct field spec[] = {
		{ "url", FIELD_STRING, true },
		{ "digest", FIELD_STRING, true },
		{ "crypto", FIELD_OBJECT, true },
	};
	char err[CHECK_ERR_MAX];
	const char *url, *digest;
	struct op op;

	if (!op_begin(&op, ctx, req, resp, "input.register", true))
		return;
	if (!fields_check(req->body, spec, 3, err) ||
	    !url_check(json_string_value(json_object_get(req->body, "url")), err) ||
	    !crypto_check(json_object_get(req->body, "crypto"), err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	url = json_string_value(json_object_get(req->body, "url"));
	digest = json_string_value(json_object_get(req->body, "digest"));
	if (!digest_valid(digest)) {
		op_error(&op, 400, "The digest must be the SHA-256 of the file in 64 lowercase hex digits.");
		return;
	}
	if (!op_authorize(&op, json_object()) ||
	    !blob_url_allowed(&op, url, digest))
		return;
	create_file(&op, OBJ_INPUT,
		    json_pack("{s:[s], s:s, s:s, s:O}", "owners", op.who.id,
			      "url", url, "digest", digest, "crypto",
			      json_object_get(req->body, "crypto")));
}

/* POST /v1/outputs {url, crypto} */
void h_output_register(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp)
{
	static const struct field spec[] = {
		{ "url", FIELD_STRING, true },
		{ "crypto", FIELD_OBJECT, true },
	};
	char err[CHECK_ERR_MAX];
	const char *url;
	struct op op;

	if (!op_begin(&op, ctx, req, resp, "output.register", true))
		return;
	if (!fields_check(req->body, spec, 2, err) ||
	    !url_check(json_string_value(json_object_get(req->body, "url")), err) ||
	    !crypto_check(json_object_get(req->body, "crypto"), err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	url = json_string_value(json_object_get(req->body, "url"));
	if (!strncmp(url, "data:", 5) ||
	    (!strncmp(url, BLOB_URL, strlen(BLOB_URL)) && strcmp(url, BLOB_URL))) {
		op_error(&op, 400, "An output's url must be kettle://blob/, file:// or http(s)://.");
		return;
	}
	if (!op_authorize(&op, json_object()))
		return;
	create_file(&op, OBJ_OUTPUT,
		    json_pack("{s:[s], s:s, s:n, s:O}", "owners", op.who.id,
			      "url", url, "digest", "crypto",
			      json_object_get(req->body, "crypto")));
}

/* POST /v1/outputs/fusion {owners}: an output owned jointly, stored in the
 * blob store as it is written (schema raw: no single owner holds a key). */
void h_output_fusion(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp)
{
	static const struct field spec[] = { { "owners", FIELD_ARRAY, true } };
	char err[CHECK_ERR_MAX];
	const json_t *owners;
	struct op op;

	if (!op_begin(&op, ctx, req, resp, "output.fusion", true))
		return;
	owners = json_object_get(req->body, "owners");
	if (!fields_check(req->body, spec, 1, err) ||
	    !user_list_check(owners, "owners", MAX_OWNERS, false, err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	if (!json_list_has(owners, op.who.id)) {
		op_error(&op, 400, "The owners of a fusion output must include you.");
		return;
	}
	if (!op_authorize(&op, json_object()))
		return;
	create_file(&op, OBJ_OUTPUT,
		    json_pack("{s:O, s:s, s:n, s:{s:s}, s:b}", "owners", owners,
			      "url", BLOB_URL, "digest", "crypto", "schema",
			      "raw", "fusion", 1));
}

/* POST /v1/inputs/from-output {data_id}: a finished output as an input. */
void h_input_from_output(void *ctx, const struct rpc_request *req,
			 struct rpc_response *resp)
{
	static const struct field spec[] = { { "data_id", FIELD_STRING, true } };
	char err[CHECK_ERR_MAX], url[128];
	const char *out_id, *digest, *out_url;
	struct op op;
	json_t *out;

	if (!op_begin(&op, ctx, req, resp, "input.from_output", true))
		return;
	if (!fields_check(req->body, spec, 1, err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	out_id = json_string_value(json_object_get(req->body, "data_id"));
	if (!object_id_valid(OBJ_OUTPUT, out_id)) {
		op_error(&op, 400, "The data_id must be an output id.");
		return;
	}
	op_object(&op, out_id);
	if (!load_object(&op, OBJ_OUTPUT, out_id, &out, NULL))
		return;
	if (!op_authorize(&op, json_pack("{s:O}", "owners", file_owners(out))))
		goto done;
	digest = json_string_value(json_object_get(out, "digest"));
	if (!digest) {
		op_error(&op, 409, "The output has not been written yet.");
		goto done;
	}
	out_url = json_string_value(json_object_get(out, "url"));
	if (out_url && !strcmp(out_url, BLOB_URL)) {
		snprintf(url, sizeof(url), BLOB_URL "%s", digest);
		out_url = url;
	}
	create_file(&op, OBJ_INPUT,
		    json_pack("{s:O, s:s, s:s, s:O, s:s}", "owners",
			      file_owners(out), "url", out_url ? out_url : "",
			      "digest", digest, "crypto",
			      json_object_get(out, "crypto"), "from_output",
			      out_id));
done:
	json_decref(out);
}

static void get_file(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp, enum object_kind kind)
{
	struct op op;
	const char *id;
	json_t *f, *body;

	if (!op_begin(&op, ctx, req, resp,
		      kind == OBJ_INPUT ? "input.read" : "output.read", false) ||
	    !(id = path_id(&op, kind)) || !load_object(&op, kind, id, &f, NULL))
		return;
	if (op_authorize(&op, json_pack("{s:O}", "owners", file_owners(f)))) {
		body = json_pack("{s:O, s:O, s:O}", "owner",
				 json_array_get(file_owners(f), 0), "owners",
				 file_owners(f), "digest",
				 json_object_get(f, "digest"));
		if (body && kind == OBJ_INPUT)
			json_object_set(body, "url", json_object_get(f, "url"));
		op_reply(&op, 200, body);
	}
	json_decref(f);
}

void h_input_get(void *ctx, const struct rpc_request *req,
		 struct rpc_response *resp)
{
	get_file(ctx, req, resp, OBJ_INPUT);
}

void h_output_get(void *ctx, const struct rpc_request *req,
		  struct rpc_response *resp)
{
	get_file(ctx, req, resp, OBJ_OUTPUT);
}

static int set_url(json_t *doc, void *arg, char *msg, size_t cap)
{
	(void)msg;
	(void)cap;
	return json_object_set_new(doc, "url", json_string(arg)) ? -ENOMEM : 0;
}

static void update_file(void *ctx, const struct rpc_request *req,
			struct rpc_response *resp, enum object_kind kind)
{
	static const struct field spec[] = { { "url", FIELD_STRING, true } };
	char err[CHECK_ERR_MAX], key[KEY_MAX];
	const char *id, *url, *old_digest;
	json_t *f, *written = NULL;
	struct op op;
	int ok;

	if (!op_begin(&op, ctx, req, resp,
		      kind == OBJ_INPUT ? "input.update" : "output.update", true) ||
	    !(id = path_id(&op, kind)))
		return;
	if (!fields_check(req->body, spec, 1, err) ||
	    !url_check(json_string_value(json_object_get(req->body, "url")), err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	url = json_string_value(json_object_get(req->body, "url"));
	if (kind == OBJ_OUTPUT && (!strncmp(url, "data:", 5) ||
				   !strncmp(url, BLOB_URL, strlen(BLOB_URL)))) {
		op_error(&op, 400, "An output's new url must be file:// or http(s)://.");
		return;
	}
	if (!load_object(&op, kind, id, &f, NULL))
		return;
	ok = op_authorize(&op, json_pack("{s:O}", "owners", file_owners(f))) &&
	     (kind == OBJ_OUTPUT ||
	      blob_url_allowed(&op, url, json_string_value(json_object_get(f, "digest")))) &&
	     update_object(&op, kind, id, set_url, (void *)url, &written) == 0;
	if (ok && write_index(&op, kind, written) < 0) {
		op_error(&op, 503, "The url changed but its blob index did not; retry.");
		ok = 0;
	}
	/* The old blob no longer serves this file. */
	old_digest = blob_url_digest(json_string_value(json_object_get(f, "url")));
	if (ok && old_digest && strcmp(url, json_string_value(json_object_get(f, "url")))) {
		key_digest_index(key, kind, old_digest, id);
		kv_delete(op.m, key);
	}
	if (ok)
		op_reply(&op, 200, json_object());
	json_decref(written);
	json_decref(f);
}

void h_input_update(void *ctx, const struct rpc_request *req,
		    struct rpc_response *resp)
{
	update_file(ctx, req, resp, OBJ_INPUT);
}

void h_output_update(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp)
{
	update_file(ctx, req, resp, OBJ_OUTPUT);
}
