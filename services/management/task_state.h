/* SPDX-License-Identifier: Apache-2.0 */
/* The task state machine of API.md, as pure operations on a task document
 * (the JSON object stored at task/<id>), so every handler applies the same
 * rules and the unit tests can drive them without a service:
 *
 *   created -> data_assigned -> approved -> staged -> running
 *           -> finished | failed;   canceled from any state before finished.
 *
 * created/data_assigned/approved follow from the assignment and the
 * approvals: all files assigned -> data_assigned; and every participant
 * approved (or a single participant) -> approved. Changing an assignment
 * clears the approvals. Operations return 0, -EBUSY when the task's state
 * forbids them (409 conflict), -ENOENT for a name the task does not have,
 * -EPERM for a caller who is not a participant. */
#ifndef KETTLE_MANAGEMENT_TASK_STATE_H
#define KETTLE_MANAGEMENT_TASK_STATE_H

#include <stdbool.h>

#include <jansson.h>

/* The participants (new array, distinct): the creator, the function owner
 * when the function is not public, and every owner named in the ownership
 * lists ([{name, owners: [ids]}]). */
json_t *task_participants(const char *creator, const char *function_owner,
			  bool function_public, const json_t *inputs_ownership,
			  const json_t *outputs_ownership);

/* A new task document in state created. Borrows nothing: the arguments and
 * ownership lists are copied. */
json_t *task_new(const char *task_id, const char *creator,
		 const char *function_id, const char *function_owner,
		 bool function_public, const json_t *arguments,
		 const char *executor, const json_t *inputs_ownership,
		 const json_t *outputs_ownership);

const char *task_status(const json_t *task);
/* Before staged: the assignment and the approvals may still change. */
bool task_is_open(const json_t *task);
/* Every participant approved, or there is only one. */
bool task_all_approved(const json_t *task);
bool task_is_participant(const json_t *task, const char *user);

/* The owners the task names for an input or output name, or NULL. */
const json_t *task_named_owners(const json_t *task, bool output,
				const char *name);
/* Assign data_id to the input or output name. *changed says whether the
 * assignment differs from before (then the approvals are cleared). */
int task_assign(json_t *task, bool output, const char *name,
		const char *data_id, bool *changed);
int task_approve(json_t *task, const char *user);
/* approved -> staged with the nonce (hex). */
int task_stage(json_t *task, const char *nonce);
/* Any state before finished (and not failed or canceled) -> canceled. */
int task_cancel(json_t *task);

#endif
