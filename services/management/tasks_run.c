/* SPDX-License-Identifier: Apache-2.0 */
/* Invoking and canceling tasks, their evidence, and the restart sweep.
 *
 * Invoke, in an order that survives kill -9 at any point:
 *   1. count the invocation against the function's quota (usage/<fid>);
 *   2. CAS the task approved -> staged with its nonce;
 *   3. put the task id on the tasks-staged queue.
 * A crash between 2 and 3 leaves a staged task off the queue: the sweep at
 * every start queues every staged task again. A crash between 1 and 2
 * counts an invocation that did not happen (a quota is never exceeded).
 * The scheduler claims a task by CAS staged -> running and skips items
 * whose task is in any other state (canceled, claimed, or a duplicate), so
 * the duplicates the sweep makes are harmless. Each durable write costs a
 * synchronous commit in storage, so invoke makes no write it can spare. */
#include "services/management/tasks.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "lib/codec.h"
#include "lib/log.h"
#include "services/management/check.h"
#include "services/management/kv.h"
#include "services/management/objects.h"
#include "services/management/task_state.h"

#define NONCE_GENERATED 32

/* Adds delta to the function's invocation count, refusing to pass quota
 * (null: none). 0, 1 when the quota is used up, or -errno. */
static int usage_add(struct mgmt *m, const char *fid, const json_t *quota,
		     int delta)
{
	char key[KEY_MAX];
	uint64_t version;
	json_t *usage;
	json_int_t n;
	int rc;

	key_usage(key, fid);
	for (int i = 0; i < KV_CAS_TRIES; i++) {
		rc = kv_get(m, key, &usage, &version);
		if (rc == -ENOENT) {
			usage = json_pack("{s:i}", "invocations", 0);
			version = 0;
		} else if (rc < 0) {
			return rc;
		}
		n = json_integer_value(json_object_get(usage, "invocations")) + delta;
		if (n < 0)
			n = 0;
		if (delta > 0 && json_is_integer(quota) &&
		    n > json_integer_value(quota)) {
			json_decref(usage);
			return 1;
		}
		json_object_set_new(usage, "invocations", json_integer(n));
		rc = kv_cas(m, key, usage, version);
		json_decref(usage);
		if (rc != -ECANCELED)
			return rc;
	}
	return -EAGAIN;
}

static int apply_stage(json_t *task, void *arg, char *msg, size_t cap)
{
	if (task_stage(task, arg) < 0) {
		snprintf(msg, cap, "The task is %s: only an approved task can be invoked.",
			 task_status(task));
		return 409;
	}
	json_object_set_new(task, "staged_at", json_integer(now_ms()));
	return 0;
}

/* The nonce from {"nonce": HEX} or a fresh one; false once answered. */
static bool invoke_nonce(struct op *op, char nonce[2 * NONCE_MAX + 1])
{
	static const struct field spec[] = { { "nonce", FIELD_STRING, false } };
	unsigned char rnd[NONCE_GENERATED];
	char err[CHECK_ERR_MAX];
	const json_t *body = op->req->body;
	const char *given;

	if (op->req->raw_len && !fields_check(body, spec, 1, err)) {
		op_error(op, 400, "%s", err);
		return false;
	}
	given = json_string_value(json_object_get(body, "nonce"));
	if (given) {
		if (!nonce_check(given, err)) {
			op_error(op, 400, "%s", err);
			return false;
		}
		/* Stored in one spelling: the evidence binds these bytes. */
		size_t i;
		for (i = 0; given[i]; i++)
			nonce[i] = (char)(given[i] >= 'A' && given[i] <= 'F'
						  ? given[i] - 'A' + 'a'
						  : given[i]);
		nonce[i] = 0;
		return true;
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		op_error(op, 500, "No randomness for a nonce.");
		return false;
	}
	hex_encode(rnd, sizeof(rnd), nonce);
	return true;
}

/* Counts the invocation; false once answered. */
static bool reserve_usage(struct op *op, const json_t *task, json_t **fn)
{
	const char *fid = json_string_value(json_object_get(task, "function_id"));
	char key[KEY_MAX];
	int rc;

	key_function(key, fid);
	rc = kv_get(op->m, key, fn, NULL);
	if (rc == -ENOENT) {
		op_error(op, 409, "The task's function no longer exists.");
		return false;
	}
	if (rc == 0)
		rc = usage_add(op->m, fid, json_object_get(*fn, "usage_quota"), 1);
	if (rc == 1) {
		op_error(op, 409, "The function's usage quota is used up.");
	} else if (rc < 0) {
		op_store_error(op, rc);
	}
	if (rc != 0) {
		json_decref(*fn);
		*fn = NULL;
	}
	return rc == 0;
}

static void release_usage(struct op *op, const json_t *fn)
{
	const char *fid = json_string_value(json_object_get(fn, "function_id"));

	if (usage_add(op->m, fid, NULL, -1) < 0)
		log_warn("invocation of %s counted though it did not happen", fid);
}

/* staged (by this invocation, told by its nonce) -> approved. */
static int unstage(struct mgmt *m, const char *id, const char *nonce)
{
	char key[KEY_MAX];
	uint64_t version;
	json_t *task;
	int rc;

	key_object(key, OBJ_TASK, id);
	for (int i = 0; i < KV_CAS_TRIES; i++) {
		rc = kv_get(m, key, &task, &version);
		if (rc < 0)
			return rc;
		if (strcmp(task_status(task), "staged") ||
		    strcmp(json_string_value(json_object_get(task, "nonce")) ?: "", nonce)) {
			json_decref(task);
			return -EBUSY;
		}
		json_object_set_new(task, "status", json_string("approved"));
		json_object_del(task, "nonce");
		json_object_del(task, "staged_at");
		rc = kv_cas(m, key, task, version);
		json_decref(task);
		if (rc != -ECANCELED)
			return rc;
	}
	return -EAGAIN;
}

/* POST /v1/tasks/{id}/invoke {nonce?} */
void h_task_invoke(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp)
{
	char nonce[2 * NONCE_MAX + 1];
	json_t *task, *fn = NULL;
	const char *id;
	struct op op;
	int ok, rc;

	if (!op_begin(&op, ctx, req, resp, "task.invoke", true) ||
	    !(id = path_id(&op, OBJ_TASK)) || !invoke_nonce(&op, nonce) ||
	    !load_object(&op, OBJ_TASK, id, &task, NULL))
		return;
	ok = op_authorize(&op, json_pack("{s:O, s:b}", "creator",
					 json_object_get(task, "creator"),
					 "all_approved", task_all_approved(task)));
	if (ok && strcmp(task_status(task), "approved")) {
		op_error(&op, 409, "The task is %s: only an approved task can be invoked.",
			 task_status(task));
		ok = 0;
	}
	ok = ok && reserve_usage(&op, task, &fn);
	json_decref(task);
	if (!ok)
		return;
	if (update_object(&op, OBJ_TASK, id, apply_stage, nonce, NULL) < 0) {
		release_usage(&op, fn);
		goto out;
	}
	rc = kv_enqueue(op.m, TASKS_STAGED_QUEUE, id);
	if (rc < 0) {
		/* Back to approved so that a retry can invoke it; if even that
		 * fails, the sweep at the next start queues it. */
		if (unstage(op.m, id, nonce) == 0)
			release_usage(&op, fn);
		else
			log_error("task %s staged but not queued: %s", id, strerror(-rc));
		op_store_error(&op, rc);
		goto out;
	}
	op_reply(&op, 200, json_object());
out:
	json_decref(fn);
}

static int apply_cancel(json_t *task, void *arg, char *msg, size_t cap)
{
	(void)arg;
	if (task_cancel(task) < 0) {
		snprintf(msg, cap, "The task is %s: it can no longer be canceled.",
			 task_status(task));
		return 409;
	}
	json_object_set_new(task, "canceled_at", json_integer(now_ms()));
	return 0;
}

/* POST /v1/tasks/{id}/cancel: a staged task stays on the queue, and the
 * scheduler skips it because it is no longer staged. */
void h_task_cancel(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp)
{
	const char *id;
	json_t *task;
	struct op op;
	int ok;

	if (!op_begin(&op, ctx, req, resp, "task.cancel", true) ||
	    !(id = path_id(&op, OBJ_TASK)) || !empty_body(&op) ||
	    !load_object(&op, OBJ_TASK, id, &task, NULL))
		return;
	ok = op_authorize(&op, json_pack("{s:O}", "creator",
					 json_object_get(task, "creator")));
	json_decref(task);
	if (ok && update_object(&op, OBJ_TASK, id, apply_cancel, NULL, NULL) == 0)
		op_reply(&op, 200, json_object());
}

/* GET /v1/tasks/{id}/evidence: written by the execution side once the task
 * ran (task/<id>/evidence); 404 until then. */
void h_task_evidence(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp)
{
	char key[KEY_MAX];
	json_t *task, *ev;
	const char *id;
	struct op op;
	int ok, rc;

	if (!op_begin(&op, ctx, req, resp, "task.evidence", false) ||
	    !(id = path_id(&op, OBJ_TASK)) ||
	    !load_object(&op, OBJ_TASK, id, &task, NULL))
		return;
	ok = op_authorize(&op, task_participant_facts(task));
	json_decref(task);
	if (!ok)
		return;
	key_evidence(key, id);
	rc = kv_get(op.m, key, &ev, NULL);
	if (rc == -ENOENT)
		op_error(&op, 404, "The task has no evidence yet: it has not run.");
	else if (rc < 0)
		op_store_error(&op, rc);
	else
		op_reply(&op, 200, ev);
}

static int requeue_one(void *arg, const char *key, json_t *task)
{
	struct mgmt *m = arg;
	const char *id = json_string_value(json_object_get(task, "task_id"));

	/* Only task/<id> itself, not task/<id>/evidence. */
	if (strchr(key + strlen("task/"), '/') || !id ||
	    strcmp(task_status(task), "staged"))
		return 0;
	return kv_enqueue(m, TASKS_STAGED_QUEUE, id) < 0;
}

int tasks_requeue_staged(struct mgmt *m)
{
	int rc = kv_scan(m, "task/", requeue_one, m, 100000);

	return rc > 0 ? -EAGAIN : rc;
}
