/* SPDX-License-Identifier: Apache-2.0 */
/* POST /v1/tasks, GET /v1/tasks/{id}, assign, approve. */
#include "services/management/tasks.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "services/management/check.h"
#include "services/management/functions.h"
#include "services/management/kv.h"
#include "services/management/objects.h"
#include "services/management/task_state.h"

json_t *task_participant_facts(const json_t *task)
{
	return json_pack("{s:O, s:O}", "participants",
			 json_object_get(task, "participants"), "creator",
			 json_object_get(task, "creator"));
}

/* The arguments a task gives: exactly the overwritable ones. */
static bool arguments_match(const json_t *fn, const json_t *given, char *err)
{
	const json_t *decl = json_object_get(fn, "arguments");
	size_t i, overwritable = 0;
	const char *key;
	json_t *a, *v;

	json_array_foreach(decl, i, a) {
		key = json_string_value(json_object_get(a, "key"));
		if (!json_is_true(json_object_get(a, "allow_overwrite")))
			continue;
		overwritable++;
		if (!json_object_get(given, key)) {
			snprintf(err, CHECK_ERR_MAX,
				 "The argument \"%s\" must be given.", key);
			return false;
		}
	}
	if (json_object_size(given) == overwritable)
		return true;
	json_object_foreach((json_t *)given, key, v) {
		bool ok = false;
		json_array_foreach(decl, i, a)
			if (!strcmp(json_string_value(json_object_get(a, "key")), key))
				ok = json_is_true(json_object_get(a, "allow_overwrite"));
		if (!ok) {
			if (name_valid(key, MAX_NAME))
				snprintf(err, CHECK_ERR_MAX,
					 "The argument \"%s\" is not one the task may set.",
					 key);
			else
				snprintf(err, CHECK_ERR_MAX,
					 "An argument is not one the task may set.");
			return false;
		}
	}
	return true;
}

/* [{name, owners}] naming only the function's files and all its required
 * ones. */
static bool ownership_check(const json_t *own, const json_t *files,
			    const char *field, char *err)
{
	static const struct field spec[] = {
		{ "name", FIELD_STRING, true },
		{ "owners", FIELD_ARRAY, true },
	};
	size_t i, j;
	json_t *e, *f;

	if (json_array_size(own) > MAX_FILES) {
		snprintf(err, CHECK_ERR_MAX, "\"%s\" has at most %d entries.",
			 field, MAX_FILES);
		return false;
	}
	json_array_foreach(own, i, e) {
		const char *name;
		bool known = false;
		if (!fields_check(e, spec, 2, err) ||
		    !user_list_check(json_object_get(e, "owners"), "owners",
				     MAX_OWNERS, false, err))
			return false;
		name = json_string_value(json_object_get(e, "name"));
		json_array_foreach(files, j, f)
			if (!strcmp(json_string_value(json_object_get(f, "name")), name))
				known = true;
		if (!known) {
			snprintf(err, CHECK_ERR_MAX,
				 "Entry %zu of \"%s\" names a file the function does not have.",
				 i, field);
			return false;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(json_string_value(json_object_get(
					    json_array_get(own, j), "name")), name)) {
				snprintf(err, CHECK_ERR_MAX,
					 "The name \"%s\" appears twice in \"%s\".",
					 name, field);
				return false;
			}
	}
	json_array_foreach(files, j, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		bool named = false;
		if (json_is_true(json_object_get(f, "optional")))
			continue;
		json_array_foreach(own, i, e)
			if (!strcmp(json_string_value(json_object_get(e, "name")), name))
				named = true;
		if (!named) {
			snprintf(err, CHECK_ERR_MAX,
				 "\"%s\" must name the owners of \"%s\".", field,
				 name);
			return false;
		}
	}
	return true;
}

/* Whether the function's quota leaves room for one more invocation. */
static int quota_left(struct op *op, const json_t *fn, bool *left)
{
	const json_t *quota = json_object_get(fn, "usage_quota");
	char key[KEY_MAX];
	json_t *usage;
	int rc;

	*left = true;
	if (!json_is_integer(quota))
		return 0;
	key_usage(key, json_string_value(json_object_get(fn, "function_id")));
	rc = kv_get(op->m, key, &usage, NULL);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	*left = json_integer_value(json_object_get(usage, "invocations")) <
		json_integer_value(quota);
	json_decref(usage);
	return 0;
}

static bool create_check(struct op *op, const json_t *body, const json_t *fn,
			 char *err)
{
	const char *executor = json_string_value(json_object_get(body, "executor"));

	if (strcmp(executor, json_string_value(json_object_get(fn, "executor")))) {
		snprintf(err, CHECK_ERR_MAX,
			 "The executor must be the function's (%s).",
			 json_string_value(json_object_get(fn, "executor")));
		return false;
	}
	(void)op;
	return arguments_match(fn, json_object_get(body, "function_arguments"), err) &&
	       ownership_check(json_object_get(body, "inputs_ownership"),
			       json_object_get(fn, "inputs"), "inputs_ownership", err) &&
	       ownership_check(json_object_get(body, "outputs_ownership"),
			       json_object_get(fn, "outputs"), "outputs_ownership", err);
}

/* POST /v1/tasks */
void h_task_create(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp)
{
	static const struct field spec[] = {
		{ "function_id", FIELD_STRING, true },
		{ "function_arguments", FIELD_OBJECT, true },
		{ "executor", FIELD_STRING, true },
		{ "inputs_ownership", FIELD_ARRAY, true },
		{ "outputs_ownership", FIELD_ARRAY, true },
	};
	char err[CHECK_ERR_MAX], id[ID_MAX], key[KEY_MAX];
	const char *fid;
	json_t *fn = NULL, *task;
	struct op op;
	bool left;
	int rc;

	if (!op_begin(&op, ctx, req, resp, "task.create", true))
		return;
	if (!fields_check(req->body, spec, 5, err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	fid = json_string_value(json_object_get(req->body, "function_id"));
	if (!object_id_valid(OBJ_FUNCTION, fid)) {
		op_error(&op, 400, "The function_id is not a valid function id.");
		return;
	}
	if (!op_authorize(&op, json_object()))
		return;
	op_object(&op, fid);
	if (!load_object(&op, OBJ_FUNCTION, fid, &fn, NULL))
		return;
	op.action = "function.use";
	task = function_read_facts(fn, op.who.id);
	json_object_set(task, "disabled", json_object_get(fn, "disabled"));
	if (!op_authorize(&op, task))
		goto out;
	op.action = "task.create";
	if (json_is_true(json_object_get(fn, "disabled"))) {
		op_error(&op, 403, "The function is disabled.");
		goto out;
	}
	if (!create_check(&op, req->body, fn, err)) {
		op_error(&op, 400, "%s", err);
		goto out;
	}
	rc = quota_left(&op, fn, &left);
	if (rc < 0) {
		op_store_error(&op, rc);
		goto out;
	}
	if (!left) {
		op_error(&op, 409, "The function's usage quota is used up.");
		goto out;
	}
	if (object_id_new(OBJ_TASK, id) < 0) {
		op_error(&op, 500, "No randomness for a new id.");
		goto out;
	}
	op_object(&op, id);
	task = task_new(id, op.who.id, fid,
			json_string_value(json_object_get(fn, "owner")),
			json_is_true(json_object_get(fn, "public")),
			json_object_get(req->body, "function_arguments"),
			json_string_value(json_object_get(req->body, "executor")),
			json_object_get(req->body, "inputs_ownership"),
			json_object_get(req->body, "outputs_ownership"));
	key_object(key, OBJ_TASK, id);
	rc = task ? kv_cas(op.m, key, task, 0) : -ENOMEM;
	json_decref(task);
	if (rc < 0)
		op_store_error(&op, rc);
	else
		op_reply(&op, 200, json_pack("{s:s}", "task_id", id));
out:
	json_decref(fn);
}

/* GET /v1/tasks/{id}: participants (and whom the policy lets read). */
void h_task_get(void *ctx, const struct rpc_request *req,
		struct rpc_response *resp)
{
	const char *id;
	json_t *task;
	struct op op;

	if (!op_begin(&op, ctx, req, resp, "task.read", false) ||
	    !(id = path_id(&op, OBJ_TASK)) ||
	    !load_object(&op, OBJ_TASK, id, &task, NULL))
		return;
	if (op_authorize(&op, task_participant_facts(task))) {
		op_reply(&op, 200, json_incref(task));
	}
	json_decref(task);
}

struct assignment {
	json_t *pairs; /* [[is_output, name, data_id]] */
};

static int apply_assignment(json_t *task, void *arg, char *msg, size_t cap)
{
	struct assignment *a = arg;
	size_t i;
	json_t *p;
	bool changed;

	json_array_foreach(a->pairs, i, p) {
		int rc = task_assign(task, json_is_true(json_array_get(p, 0)),
				     json_string_value(json_array_get(p, 1)),
				     json_string_value(json_array_get(p, 2)),
				     &changed);
		if (rc == -EBUSY) {
			snprintf(msg, cap, "The task is %s: its data can no longer change.",
				 task_status(task));
			return 409;
		}
		if (rc < 0) {
			snprintf(msg, cap, "The task has no such file name.");
			return 400;
		}
	}
	return 0;
}

static bool same_users(const json_t *a, const json_t *b)
{
	size_t i;
	json_t *v;

	if (json_array_size(a) != json_array_size(b))
		return false;
	json_array_foreach(a, i, v)
		if (!json_list_has(b, json_string_value(v)))
			return false;
	return true;
}

/* Checks one {name: data_id} map and asks about each file; appends the
 * pairs. False once answered. */
static bool check_side(struct op *op, const json_t *task, const json_t *map,
		       bool output, json_t *pairs)
{
	enum object_kind kind = output ? OBJ_OUTPUT : OBJ_INPUT;
	const char *side = output ? "outputs" : "inputs", *name;
	const json_t *named;
	json_t *v, *file;
	bool ok;

	if (json_object_size(map) > MAX_FILES) {
		op_error(op, 400, "\"%s\" has at most %d entries.", side, MAX_FILES);
		return false;
	}
	json_object_foreach((json_t *)map, name, v) {
		const char *id = json_string_value(v);
		if (!json_is_string(v) || !object_id_valid(kind, id)) {
			op_error(op, 400, "Each of \"%s\" must map a name to an %s id.",
				 side, object_name(kind));
			return false;
		}
		named = task_named_owners(task, output, name);
		if (!named) {
			op_error(op, 400, "The task has no %s of that name.",
				 object_name(kind));
			return false;
		}
		if (!load_object(op, kind, id, &file, NULL))
			return false;
		ok = op_authorize(op, json_pack("{s:O, s:O, s:O}", "participants",
						json_object_get(task, "participants"),
						"file_owners", file_owners(file),
						"named_owners", named));
		if (ok && !same_users(file_owners(file), named)) {
			op_error(op, 403, "The %s %s is not owned by exactly the owners the task names for it.",
				 object_name(kind), id);
			ok = false;
		}
		json_decref(file);
		if (!ok)
			return false;
		json_array_append_new(pairs, json_pack("[b, s, s]", output, name, id));
	}
	return true;
}

/* POST /v1/tasks/{id}/assign {inputs: {name: id}, outputs: {name: id}} */
void h_task_assign(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp)
{
	static const struct field spec[] = {
		{ "inputs", FIELD_OBJECT, true },
		{ "outputs", FIELD_OBJECT, true },
	};
	struct assignment a = { NULL };
	char err[CHECK_ERR_MAX];
	const char *id;
	json_t *task;
	struct op op;

	if (!op_begin(&op, ctx, req, resp, "task.assign", true) ||
	    !(id = path_id(&op, OBJ_TASK)))
		return;
	if (!fields_check(req->body, spec, 2, err)) {
		op_error(&op, 400, "%s", err);
		return;
	}
	if (!load_object(&op, OBJ_TASK, id, &task, NULL))
		return;
	a.pairs = json_array();
	if (!task_is_open(task)) {
		op_error(&op, 409, "The task is %s: its data can no longer change.",
			 task_status(task));
	} else if (json_object_size(json_object_get(req->body, "inputs")) +
			   json_object_size(json_object_get(req->body, "outputs")) == 0) {
		op_error(&op, 400, "Assign at least one input or output.");
	} else if (check_side(&op, task, json_object_get(req->body, "inputs"), false, a.pairs) &&
		   check_side(&op, task, json_object_get(req->body, "outputs"), true, a.pairs) &&
		   update_object(&op, OBJ_TASK, id, apply_assignment, &a, NULL) == 0) {
		op_reply(&op, 200, json_object());
	}
	json_decref(a.pairs);
	json_decref(task);
}

static int apply_approval(json_t *task, void *arg, char *msg, size_t cap)
{
	int rc = task_approve(task, arg);

	if (rc == -EPERM) {
		snprintf(msg, cap, "Only the task's participants approve it.");
		return 403;
	}
	if (rc == -EBUSY) {
		snprintf(msg, cap, "The task is %s: only a task with all its data assigned and not yet invoked can be approved.",
			 task_status(task));
		return 409;
	}
	return rc;
}

/* POST /v1/tasks/{id}/approve */
void h_task_approve(void *ctx, const struct rpc_request *req,
		    struct rpc_response *resp)
{
	const char *id;
	json_t *task;
	struct op op;
	int ok;

	if (!op_begin(&op, ctx, req, resp, "task.approve", true) ||
	    !(id = path_id(&op, OBJ_TASK)) || !empty_body(&op) ||
	    !load_object(&op, OBJ_TASK, id, &task, NULL))
		return;
	ok = op_authorize(&op, task_participant_facts(task));
	json_decref(task);
	if (ok && update_object(&op, OBJ_TASK, id, apply_approval, op.who.id,
				NULL) == 0)
		op_reply(&op, 200, json_object());
}
