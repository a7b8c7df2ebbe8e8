/* SPDX-License-Identifier: Apache-2.0 */
#include "services/management/task_state.h"

#include <errno.h>
#include <string.h>

static void add_unique(json_t *list, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		if (!strcmp(json_string_value(v), id))
			return;
	json_array_append_new(list, json_string(id));
}

static void add_owners(json_t *list, const json_t *ownership)
{
	size_t i, j;
	json_t *entry, *owner;

	json_array_foreach(ownership, i, entry)
		json_array_foreach(json_object_get(entry, "owners"), j, owner)
			if (json_is_string(owner))
				add_unique(list, json_string_value(owner));
}

json_t *task_participants(const char *creator, const char *function_owner,
			  bool function_public, const json_t *inputs_ownership,
			  const json_t *outputs_ownership)
{
	json_t *list = json_array();

	if (!list)
		return NULL;
	add_unique(list, creator);
	if (!function_public)
		add_unique(list, function_owner);
	add_owners(list, inputs_ownership);
	add_owners(list, outputs_ownership);
	return list;
}

static void refresh_open_status(json_t *task);

json_t *task_new(const char *task_id, const char *creator,
		 const char *function_id, const char *function_owner,
		 bool function_public, const json_t *arguments,
		 const char *executor, const json_t *inputs_ownership,
		 const json_t *outputs_ownership)
{
	json_t *participants = task_participants(creator, function_owner,
						 function_public,
						 inputs_ownership,
						 outputs_ownership);

	json_t *task;

	if (!participants)
		return NULL;
	task = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O, s:s, s:O, s:O, s:o,"
			 " s:[], s:{}, s:{}, s:s}",
			 "task_id", task_id, "creator", creator,
			 "function_id", function_id, "function_owner",
			 function_owner, "function_public", function_public,
			 "function_arguments", arguments, "executor", executor,
			 "inputs_ownership", inputs_ownership,
			 "outputs_ownership", outputs_ownership,
			 "participants", participants, "approved_by",
			 "assigned_inputs", "assigned_outputs", "status",
			 "created");
	/* A function without inputs and outputs has nothing to assign. */
	if (task)
		refresh_open_status(task);
	return task;
}

const char *task_status(const json_t *task)
{
	const char *s = json_string_value(json_object_get(task, "status"));
	return s ? s : "";
}

bool task_is_open(const json_t *task)
{
	const char *s = task_status(task);
	return !strcmp(s, "created") || !strcmp(s, "data_assigned") ||
	       !strcmp(s, "approved");
}

bool task_is_participant(const json_t *task, const char *user)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(task, "participants"), i, v)
		if (!strcmp(json_string_value(v), user))
			return true;
	return false;
}

bool task_all_approved(const json_t *task)
{
	const json_t *participants = json_object_get(task, "participants");
	const json_t *approved = json_object_get(task, "approved_by");
	size_t i, j;
	json_t *p, *a;

	if (json_array_size(participants) <= 1)
		return true;
	json_array_foreach(participants, i, p) {
		bool found = false;
		json_array_foreach(approved, j, a)
			if (!strcmp(json_string_value(a), json_string_value(p)))
				found = true;
		if (!found)
			return false;
	}
	return true;
}

static bool all_assigned(const json_t *task, bool output)
{
	const json_t *own = json_object_get(task, output ? "outputs_ownership"
							 : "inputs_ownership");
	const json_t *assigned = json_object_get(task, output ? "assigned_outputs"
							      : "assigned_inputs");
	size_t i;
	json_t *entry;

	json_array_foreach(own, i, entry)
		if (!json_object_get(assigned, json_string_value(
				json_object_get(entry, "name"))))
			return false;
	return true;
}

/* created / data_assigned / approved from the assignment and approvals. */
static void refresh_open_status(json_t *task)
{
	const char *s = "created";

	if (all_assigned(task, false) && all_assigned(task, true))
		s = task_all_approved(task) ? "approved" : "data_assigned";
	json_object_set_new(task, "status", json_string(s));
}

const json_t *task_named_owners(const json_t *task, bool output,
				const char *name)
{
	const json_t *own = json_object_get(task, output ? "outputs_ownership"
							 : "inputs_ownership");
	size_t i;
	json_t *entry;

	json_array_foreach(own, i, entry)
		if (!strcmp(json_string_value(json_object_get(entry, "name")),
			    name))
			return json_object_get(entry, "owners");
	return NULL;
}

int task_assign(json_t *task, bool output, const char *name,
		const char *data_id, bool *changed)
{
	json_t *assigned = json_object_get(task, output ? "assigned_outputs"
							: "assigned_inputs");
	const char *before;

	*changed = false;
	if (!task_is_open(task))
		return -EBUSY;
	if (!task_named_owners(task, output, name) || !json_is_object(assigned))
		return -ENOENT;
	before = json_string_value(json_object_get(assigned, name));
	if (before && !strcmp(before, data_id))
		return 0;
	*changed = true;
	json_object_set_new(assigned, name, json_string(data_id));
	json_object_set_new(task, "approved_by", json_array());
	refresh_open_status(task);
	return 0;
}

int task_approve(json_t *task, const char *user)
{
	json_t *approved = json_object_get(task, "approved_by");
	const char *s = task_status(task);

	if (!task_is_participant(task, user))
		return -EPERM;
	if (strcmp(s, "data_assigned") && strcmp(s, "approved"))
		return -EBUSY;
	if (!json_is_array(approved))
		return -EBUSY;
	add_unique(approved, user);
	refresh_open_status(task);
	return 0;
}

int task_stage(json_t *task, const char *nonce)
{
	if (strcmp(task_status(task), "approved"))
		return -EBUSY;
	json_object_set_new(task, "status", json_string("staged"));
	json_object_set_new(task, "nonce", json_string(nonce));
	return 0;
}

int task_cancel(json_t *task)
{
	const char *s = task_status(task);

	if (!strcmp(s, "finished") || !strcmp(s, "failed") ||
	    !strcmp(s, "canceled"))
		return -EBUSY;
	json_object_set_new(task, "status", json_string("canceled"));
	return 0;
}
