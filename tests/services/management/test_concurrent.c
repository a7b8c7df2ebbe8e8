/* SPDX-License-Identifier: Apache-2.0 */
/* 16 clients on one task at once: each of 16 data owners assigns its input
 * and approves while the others do; then 16 clients invoke it at once.
 * Half the clients talk to a second management process on the same
 * storage, so the updates really race. The task ends consistent: every
 * assignment and approval is there, exactly one invoke wins, and the
 * function counts one invocation. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/services/management/mgmt_harness.h"
#include "tests/tap.h"

#define CLIENTS 16

static const struct user fo = { "fo", "function_owner", "" };
static const struct user alice = { "alice", "data_owner", "org1" };

static struct mh h;
static char task[64], fn[64], second_url[128];
static char names[CLIENTS][16], inputs[CLIENTS][64];
static struct user owners[CLIENTS];
static atomic_int assigned_ok, approved_ok, invoked_ok, invoke_conflicts;

static void *participant(void *arg)
{
	int k = (int)(long)arg;
	struct rpc_client *c = mh_client(&h, k % 2 ? second_url : h.mgmt_url);
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	char path[128], name[16];
	json_t *t;

	if (!c)
		return NULL;
	snprintf(name, sizeof(name), "in%d", k);
	snprintf(path, sizeof(path), "/v1/tasks/%s/assign", task);
	if (mh_call(c, &owners[k], "POST", path,
		    json_pack("{s:{s:s}, s:{}}", "inputs", name, inputs[k], "outputs"),
		    NULL) == 200)
		atomic_fetch_add(&assigned_ok, 1);
	/* Approve once everyone's data is in (bounded wait for the others). */
	snprintf(path, sizeof(path), "/v1/tasks/%s", task);
	for (int i = 0; i < 6000; i++) {
		int s = mh_call(c, &owners[k], "GET", path, NULL, &t);
		int ready = s == 200 && strcmp(mh_str(t, "status"), "created");
		json_decref(t);
		if (ready)
			break;
		nanosleep(&pause, NULL);
	}
	snprintf(path, sizeof(path), "/v1/tasks/%s/approve", task);
	if (mh_call(c, &owners[k], "POST", path, NULL, NULL) == 200)
		atomic_fetch_add(&approved_ok, 1);
	rpc_client_free(c);
	return NULL;
}

static void *invoker(void *arg)
{
	struct rpc_client *c = mh_client(&h, (long)arg % 2 ? second_url : h.mgmt_url);
	char path[128];
	int s;

	if (!c)
		return NULL;
	snprintf(path, sizeof(path), "/v1/tasks/%s/invoke", task);
	s = mh_call(c, &alice, "POST", path, NULL, NULL);
	if (s == 200)
		atomic_fetch_add(&invoked_ok, 1);
	else if (s == 409)
		atomic_fetch_add(&invoke_conflicts, 1);
	rpc_client_free(c);
	return NULL;
}

static int post_id(struct rpc_client *c, const struct user *u, const char *path,
		   json_t *body, const char *key, char *out)
{
	json_t *res;
	int s = mh_call(c, u, "POST", path, body, &res);
	snprintf(out, 64, "%s", mh_str(res, key));
	json_decref(res);
	return s;
}

int main(void)
{
	pthread_t th[CLIENTS];
	struct rpc_client *c;
	json_t *fin, *ins = json_array(), *own = json_array(), *t;
	char path[128];
	int setup = 1, s;

	if (!getenv("KETTLE_PLATFORM"))
		TAP_SKIP_ALL("KETTLE_PLATFORM is not set (run through meson)");
	if (mh_start_client(&h, &c) < 0) {
		CHECK(0, "the platform starts");
		TAP_DONE();
	}
	for (int k = 0; k < CLIENTS; k++) {
		char in_name[16];
		snprintf(names[k], sizeof(names[k]), "owner%d", k);
		owners[k] = (struct user){ names[k], "data_owner", "org1" };
		snprintf(in_name, sizeof(in_name), "in%d", k);
		json_array_append_new(ins, json_pack("{s:s, s:s, s:b}", "name", in_name,
						     "description", "", "optional", 0));
		json_array_append_new(own, json_pack("{s:s, s:[s]}", "name", in_name,
						     "owners", names[k]));
		setup &= post_id(c, &owners[k], "/v1/inputs",
				 json_pack("{s:s, s:s, s:{s:s}}", "url", "https://x/in",
					   "digest",
					   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
					   "crypto", "schema", "raw"),
				 "data_id", inputs[k]) == 200;
	}
	fin = json_pack("{s:s, s:s, s:s, s:b, s:[], s:o, s:[], s:[]}", "name", "builtin-echo",
			"description", "", "executor", "builtin", "public", 1, "arguments",
			"inputs", ins, "outputs", "user_allowlist");
	setup &= post_id(c, &fo, "/v1/functions", fin, "function_id", fn) == 200;
	setup &= post_id(c, &alice, "/v1/tasks",
			 json_pack("{s:s, s:{}, s:s, s:o, s:[]}", "function_id", fn,
				   "function_arguments", "executor", "builtin",
				   "inputs_ownership", own, "outputs_ownership"),
			 "task_id", task) == 200;
	pid_t second = mh_spawn_second(&h, second_url, sizeof(second_url));
	setup &= second > 0;
	CHECK(setup, "a second management; 16 owners' inputs, a 16-input function and a task with 17 participants");

	for (long k = 0; k < CLIENTS; k++)
		pthread_create(&th[k], NULL, participant, (void *)k);
	for (int k = 0; k < CLIENTS; k++)
		pthread_join(th[k], NULL);
	CHECK(atomic_load(&assigned_ok) == CLIENTS && atomic_load(&approved_ok) == CLIENTS,
	      "16 concurrent assignments and approvals all succeed (%d, %d)",
	      atomic_load(&assigned_ok), atomic_load(&approved_ok));
	snprintf(path, sizeof(path), "/v1/tasks/%s/approve", task);
	CHECK(mh_call(c, &alice, "POST", path, NULL, NULL) == 200, "the creator approves last");
	snprintf(path, sizeof(path), "/v1/tasks/%s", task);
	s = mh_call(c, &alice, "GET", path, NULL, &t);
	CHECK(s == 200 && !strcmp(mh_str(t, "status"), "approved") &&
		      json_array_size(json_object_get(t, "approved_by")) == CLIENTS + 1 &&
		      json_object_size(json_object_get(t, "assigned_inputs")) == CLIENTS,
	      "the task holds all 16 assignments and 17 approvals: approved");
	json_decref(t);

	for (long k = 0; k < CLIENTS; k++)
		pthread_create(&th[k], NULL, invoker, (void *)k);
	for (int k = 0; k < CLIENTS; k++)
		pthread_join(th[k], NULL);
	CHECK(atomic_load(&invoked_ok) == 1 && atomic_load(&invoke_conflicts) == CLIENTS - 1,
	      "16 concurrent invokes: one wins, 15 get 409 (%d, %d)",
	      atomic_load(&invoked_ok), atomic_load(&invoke_conflicts));
	snprintf(path, sizeof(path), "/v1/functions/%s/stats", fn);
	s = mh_call(c, &fo, "GET", path, NULL, &t);
	CHECK(s == 200 && json_integer_value(json_object_get(t, "invocations")) == 1,
	      "the function counts exactly one invocation");
	json_decref(t);
	mh_stop_second(second);
	rpc_client_free(c);
	mh_destroy(&h);
	TAP_DONE();
}
