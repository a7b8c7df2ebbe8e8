/* SPDX-License-Identifier: Apache-2.0 */
/* PUT /v1/blobs and GET /v1/blobs/{digest}, forwarded to storage's blob
 * store. Reading a blob needs ownership of a file whose url is
 * kettle://blob/<digest> (API.md): the owners come from the digest index
 * files.c keeps. The uploader of a blob is remembered so that only it can
 * register an input naming the blob. */
#include "services/management/files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/management/check.h"
#include "services/management/kv.h"
#include "services/management/objects.h"

void h_blob_put(void *ctx, const struct rpc_request *req,
		struct rpc_response *resp)
{
	char key[KEY_MAX];
	json_t *out = NULL;
	const char *digest;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "blob.put", true) ||
	    !op_authorize(&op, json_object()))
		return;
	rc = kv_blob_put(op.m, req->raw, req->raw_len, &out);
	if (rc == -EFBIG) {
		op_error(&op, 413, "The blob is larger than the storage service accepts.");
		return;
	}
	if (rc < 0) {
		op_store_error(&op, rc);
		return;
	}
	digest = json_string_value(json_object_get(out, "digest"));
	if (!digest_valid(digest)) {
		json_decref(out);
		op_error(&op, 500, "The storage service named the blob wrongly.");
		return;
	}
	op_object(&op, digest);
	key_uploader(key, digest, op.who.id);
	rc = kv_put_raw(op.m, key, "{}", 2);
	if (rc < 0) {
		json_decref(out);
		op_store_error(&op, rc);
		return;
	}
	op_reply(&op, 200, json_pack("{s:O, s:O}", "url",
				     json_object_get(out, "url"), "digest",
				     json_object_get(out, "digest")));
	json_decref(out);
}

static void add_owner(json_t *owners, const json_t *id)
{
	if (json_is_string(id) && !json_list_has(owners, json_string_value(id)))
		json_array_append(owners, (json_t *)id);
}

static int collect(void *arg, const char *key, json_t *idx)
{
	size_t i;
	json_t *o;

	(void)key;
	json_array_foreach(json_object_get(idx, "owners"), i, o)
		add_owner(arg, o);
	return 0;
}

void h_blob_get(void *ctx, const struct rpc_request *req,
		struct rpc_response *resp)
{
	const char *digest = rpc_param(req, "digest");
	char prefix[KEY_MAX];
	struct rpc_result blob;
	json_t *owners;
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "blob.get", true))
		return;
	if (!digest_valid(digest)) {
		op_error(&op, 400, "A blob is named by 64 lowercase hex digits.");
		return;
	}
	op_object(&op, digest);
	owners = json_array();
	snprintf(prefix, sizeof(prefix), "input/digest/%s/", digest);
	rc = kv_scan(op.m, prefix, collect, owners, 20);
	snprintf(prefix, sizeof(prefix), "output/digest/%s/", digest);
	if (rc == 0)
		rc = kv_scan(op.m, prefix, collect, owners, 20);
	if (rc < 0) {
		json_decref(owners);
		op_store_error(&op, rc);
		return;
	}
	if (!op_authorize(&op, json_pack("{s:o}", "owners", owners)))
		return;
	rc = kv_blob_get(op.m, digest, &blob);
	if (rc == -ENOENT) {
		op_error(&op, 404, "No blob with this digest.");
		return;
	}
	if (rc < 0) {
		op_store_error(&op, rc);
		return;
	}
	/* Audited before the bytes go out (op_reply would send JSON). */
	op_reply(&op, 200, NULL);
	rpc_reply_raw(resp, 200, "application/octet-stream", blob.raw,
		      blob.raw_len);
	rpc_result_clear(&blob);
}
