/* SPDX-License-Identifier: Apache-2.0 */
/* The append-only audit log: audit/<inverted time><random> -> entry, so a
 * prefix scan meets the newest entries first. Entries are only ever
 * created (compare-and-swap against "must not exist"), never changed. */
#include "services/management/mgmt.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "lib/log.h"
#include "services/management/check.h"
#include "services/management/kv.h"

#define AUDIT_PREFIX "audit/"
#define AUDIT_LIMIT_DEFAULT 100
#define AUDIT_LIMIT_MAX 1000
/* A read examines at most this many pages of 500 entries. */
#define AUDIT_MAX_PAGES 200

void audit_append(struct mgmt *m, const struct op *op, int status)
{
	unsigned char rnd[8];
	long long t = now_ms();
	char key[64];
	json_t *entry;
	int rc;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		memset(rnd, 0, sizeof(rnd));
	snprintf(key, sizeof(key), AUDIT_PREFIX "%016llx%02x%02x%02x%02x%02x%02x%02x%02x",
		 (unsigned long long)(UINT64_MAX - (uint64_t)t), rnd[0], rnd[1],
		 rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	entry = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:i}", "time",
			  (json_int_t)t, "user_id", op->who.id, "role",
			  op->who.role, "action", op->action, "allowed",
			  op->allowed, "rule", op->rule, "status", status);
	if (!entry)
		return;
	if (op->object[0])
		json_object_set_new(entry, "object", json_string(op->object));
	if (op->task_id[0])
		json_object_set_new(entry, "task_id", json_string(op->task_id));
	if (!op->allowed)
		json_object_set_new(entry, "reason", json_string(op->reason));
	if (op->req->request_id)
		json_object_set_new(entry, "request_id",
				    json_string(op->req->request_id));
	rc = kv_cas(m, key, entry, 0);
	if (rc < 0)
		log_error("cannot append to the audit log (%s by %s): %s",
			  op->action, op->who.id, strerror(-rc));
	json_decref(entry);
}

struct audit_query {
	const char *task_id, *user_id;
	size_t limit;
	json_t *entries;
};

static const char *str_of(const json_t *doc, const char *key)
{
	const char *s = json_string_value(json_object_get(doc, key));
	return s ? s : "";
}

static int keep(void *arg, const char *key, json_t *doc)
{
	struct audit_query *q = arg;

	(void)key;
	if (q->task_id && strcmp(str_of(doc, "task_id"), q->task_id))
		return 0;
	if (q->user_id && strcmp(str_of(doc, "user_id"), q->user_id))
		return 0;
	json_array_append(q->entries, doc);
	return json_array_size(q->entries) >= q->limit;
}

/* GET /v1/audit?limit=&task_id=&user_id= */
void h_audit_list(void *ctx, const struct rpc_request *req,
		  struct rpc_response *resp)
{
	struct audit_query q = { rpc_query(req, "task_id"),
				 rpc_query(req, "user_id"),
				 AUDIT_LIMIT_DEFAULT, NULL };
	const char *limit = rpc_query(req, "limit");
	struct op op;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "audit.read", false))
		return;
	if (limit) {
		char *end;
		unsigned long v = strtoul(limit, &end, 10);
		if (!*limit || *end || limit[0] == '-' || v < 1 ||
		    v > AUDIT_LIMIT_MAX)
			{
			op_error(&op, 400, "The limit must be an integer "
						  "from 1 to %d.",
					AUDIT_LIMIT_MAX);
			return;
		}
		q.limit = v;
	}
	if (q.task_id && !object_id_valid(OBJ_TASK, q.task_id))
		{
			op_error(&op, 400, "The task_id is not a valid task id.");
			return;
		}
	if (q.user_id && !user_id_valid(q.user_id))
		{
			op_error(&op, 400, "The user_id is not a valid user id.");
			return;
		}
	if (!op_authorize(&op, json_object()))
		return;
	q.entries = json_array();
	rc = kv_scan(op.m, AUDIT_PREFIX, keep, &q, AUDIT_MAX_PAGES);
	if (rc < 0) {
		json_decref(q.entries);
		op_store_error(&op, rc);
		return;
	}
	op_reply(&op, 200, json_pack("{s:o}", "entries", q.entries));
}
