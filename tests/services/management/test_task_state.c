/* SPDX-License-Identifier: Apache-2.0 */
/* The task state machine without a service: participants, assignment,
 * approvals and their reset, staging, canceling, and every transition a
 * task's state forbids. */
#include <errno.h>
#include <string.h>

#include "services/management/task_state.h"
#include "tests/tap.h"

static json_t *own(const char *name, const char *o1, const char *o2)
{
	return o2 ? json_pack("[{s:s, s:[s, s]}]", "name", name, "owners", o1, o2)
		  : json_pack("[{s:s, s:[s]}]", "name", name, "owners", o1);
}

static json_t *make(const char *fn_owner, int public_, json_t *in, json_t *out)
{
	json_t *args = json_object();
	json_t *t = task_new("task-1", "alice", "function-1", fn_owner, public_,
			     args, "builtin", in, out);

	json_decref(args);
	json_decref(in);
	json_decref(out);
	return t;
}

static int is(const json_t *t, const char *status)
{
	return !strcmp(task_status(t), status);
}

static void single_party(void)
{
	json_t *t = make("fo", 1, own("in", "alice", NULL), own("out", "alice", NULL));
	bool changed;

	CHECK(json_array_size(json_object_get(t, "participants")) == 1,
	      "a public function's task with one data owner has one participant");
	CHECK(is(t, "created"), "a new task is created");
	CHECK(task_stage(t, "00") == -EBUSY, "a created task cannot be staged");
	CHECK(task_approve(t, "alice") == -EBUSY, "nothing to approve before data is assigned");
	CHECK(task_assign(t, false, "in", "input-1", &changed) == 0 && changed &&
		      is(t, "created"),
	      "one of two files assigned leaves it created");
	CHECK(task_assign(t, false, "nope", "input-1", &changed) == -ENOENT,
	      "an unknown name is refused");
	CHECK(task_assign(t, true, "out", "output-1", &changed) == 0 &&
		      is(t, "approved"),
	      "a single participant's task is approved once all data is assigned");
	CHECK(task_stage(t, "abcd") == 0 && is(t, "staged") &&
		      !strcmp(json_string_value(json_object_get(t, "nonce")), "abcd"),
	      "approved -> staged keeps the nonce");
	CHECK(task_stage(t, "abcd") == -EBUSY, "a staged task cannot be staged again");
	CHECK(task_assign(t, false, "in", "input-2", &changed) == -EBUSY,
	      "a staged task's data cannot change");
	CHECK(task_cancel(t) == 0 && is(t, "canceled"), "a staged task can be canceled");
	CHECK(task_cancel(t) == -EBUSY, "a canceled task cannot be canceled again");
	json_decref(t);
}

static void multi_party(void)
{
	json_t *t = make("fo", 0, own("in", "bob", NULL), own("out", "alice", "bob"));
	bool changed;

	CHECK(json_array_size(json_object_get(t, "participants")) == 3 &&
		      task_is_participant(t, "fo") && task_is_participant(t, "bob"),
	      "participants: creator, private function's owner, named owners (distinct)");
	task_assign(t, false, "in", "input-1", &changed);
	task_assign(t, true, "out", "output-1", &changed);
	CHECK(is(t, "data_assigned"), "all data assigned -> data_assigned");
	CHECK(task_approve(t, "mallory") == -EPERM, "a non-participant cannot approve");
	CHECK(task_approve(t, "alice") == 0 && task_approve(t, "bob") == 0 &&
		      is(t, "data_assigned"),
	      "two of three approvals keep it data_assigned");
	CHECK(task_approve(t, "bob") == 0 &&
		      json_array_size(json_object_get(t, "approved_by")) == 2,
	      "approving twice counts once");
	CHECK(task_approve(t, "fo") == 0 && is(t, "approved"),
	      "the function owner's approval completes it");
	CHECK(task_assign(t, false, "in", "input-1", &changed) == 0 && !changed &&
		      is(t, "approved"),
	      "assigning the same file again changes nothing");
	CHECK(task_assign(t, false, "in", "input-2", &changed) == 0 && changed &&
		      is(t, "data_assigned") &&
		      json_array_size(json_object_get(t, "approved_by")) == 0,
	      "changing an assignment after approval resets the approvals");
	json_object_set_new(t, "status", json_string("finished"));
	CHECK(task_cancel(t) == -EBUSY, "a finished task cannot be canceled");
	json_decref(t);
}

static void no_files(void)
{
	json_t *t = make("fo", 1, json_array(), json_array());

	CHECK(is(t, "approved"), "a single-party task without files starts approved");
	json_decref(t);
}

int main(void)
{
	single_party();
	multi_party();
	no_files();
	TAP_DONE();
}
