/* SPDX-License-Identifier: Apache-2.0 */
#include "services/management/objects.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "services/management/kv.h"

static const char *const kind_prefix[] = {
	[OBJ_FUNCTION] = "function/meta/",
	[OBJ_INPUT] = "input/",
	[OBJ_OUTPUT] = "output/",
	[OBJ_TASK] = "task/",
};

void key_function(char key[KEY_MAX], const char *id)
{
	snprintf(key, KEY_MAX, "function/meta/%s", id);
}

void key_payload(char key[KEY_MAX], const char *id, const char *digest)
{
	snprintf(key, KEY_MAX, "function/payload/%s/%s", id, digest);
}

void key_usage(char key[KEY_MAX], const char *id)
{
	snprintf(key, KEY_MAX, "usage/%s", id);
}

void key_object(char key[KEY_MAX], enum object_kind kind, const char *id)
{
	snprintf(key, KEY_MAX, "%s%s", kind_prefix[kind], id);
}

void key_digest_index(char key[KEY_MAX], enum object_kind kind,
		      const char *digest, const char *id)
{
	snprintf(key, KEY_MAX, "%s/digest/%s/%s",
		 kind == OBJ_INPUT ? "input" : "output", digest, id);
}

void key_uploader(char key[KEY_MAX], const char *digest, const char *user)
{
	snprintf(key, KEY_MAX, "input/uploader/%s/%s", digest, user);
}

void key_evidence(char key[KEY_MAX], const char *task_id)
{
	snprintf(key, KEY_MAX, "task/%s/evidence", task_id);
}

const char *path_id(struct op *op, enum object_kind kind)
{
	const char *id = rpc_param(op->req, "id");

	if (!object_id_valid(kind, id)) {
		op_error(op, 400, "The path does not name a valid %s id "
				  "(\"%s\" and 32 lowercase hex digits).",
			 object_name(kind), object_prefix(kind));
		return NULL;
	}
	op_object(op, id);
	return id;
}

bool load_object(struct op *op, enum object_kind kind, const char *id,
		 json_t **doc, uint64_t *version)
{
	char key[KEY_MAX];
	int rc;

	key_object(key, kind, id);
	rc = kv_get(op->m, key, doc, version);
	if (rc == -ENOENT)
		op_error(op, 404, "No %s with this id.", object_name(kind));
	else if (rc < 0)
		op_store_error(op, rc);
	return rc == 0;
}

const json_t *file_owners(const json_t *file)
{
	return json_object_get(file, "owners");
}

int update_object(struct op *op, enum object_kind kind, const char *id,
		  object_change change, void *arg, json_t **out)
{
	char key[KEY_MAX], msg[512];
	uint64_t version;
	json_t *doc;
	int rc;

	key_object(key, kind, id);
	for (int i = 0; i < KV_CAS_TRIES; i++) {
		if (!load_object(op, kind, id, &doc, &version))
			return -ENOENT;
		msg[0] = 0;
		rc = change(doc, arg, msg, sizeof(msg));
		if (rc > 0) {
			json_decref(doc);
			op_error(op, rc, "%s", msg);
			return -EINVAL;
		}
		if (rc == 0)
			rc = kv_cas(op->m, key, doc, version);
		if (rc == 0 && out)
			*out = json_incref(doc);
		json_decref(doc);
		if (rc != -ECANCELED) {
			if (rc < 0)
				op_store_error(op, rc);
			return rc;
		}
	}
	op_error(op, 503, "The %s changed too often to update; retry.",
		 object_name(kind));
	return -EAGAIN;
}
