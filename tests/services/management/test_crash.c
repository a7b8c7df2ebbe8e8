/* SPDX-License-Identifier: Apache-2.0 */
/* kill -9 of kettle-management in the middle of a stream of task
 * operations, three times, restarting it each time: every acknowledged
 * operation is still there afterwards, no task is corrupt, and every
 * staged task is on the tasks-staged queue (the restart sweep queues
 * invocations a kill interrupted). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/codec.h"
#include "tests/services/management/mgmt_harness.h"
#include "tests/tap.h"

#define KILLS 3
#define KILL_EVERY 25 /* acknowledged operations between kills */
#define MAX_TASKS 400

static const struct user fo = { "fo", "function_owner", "" };
static const struct user alice = { "alice", "data_owner", "org1" };

static struct mh h;
static atomic_int acked;
static atomic_int kills;

struct known {
	char id[64];
	int acked_step; /* 1 created, 2 assigned, 3 invoked */
};
static struct known tasks[MAX_TASKS];
static int n_tasks;

static void *killer(void *arg)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };

	(void)arg;
	for (int k = 1; k <= KILLS; k++) {
		while (atomic_load(&acked) < k * KILL_EVERY)
			nanosleep(&pause, NULL);
		/* Land somewhere inside the next operations, not between them. */
		pid_t pid = mh_mgmt_pid(&h);
		if (pid > 0 && kill(pid, SIGKILL) == 0)
			atomic_fetch_add(&kills, 1);
	}
	return NULL;
}

static int one_id(struct rpc_client *c, const struct user *u, const char *path,
		  json_t *body, const char *key, char *out, size_t cap)
{
	json_t *res;
	int s = mh_call(c, u, "POST", path, body, &res);

	snprintf(out, cap, "%s", mh_str(res, key));
	json_decref(res);
	return s;
}

/* One task through create, assign, invoke; stops at the first failure. */
static int run_task(struct rpc_client *c, const char *fn, const char *in,
		    const char *out)
{
	struct known *t = &tasks[n_tasks];
	char path[128];

	if (one_id(c, &alice, "/v1/tasks",
		   json_pack("{s:s, s:{}, s:s, s:[{s:s, s:[s]}], s:[{s:s, s:[s]}]}",
			     "function_id", fn, "function_arguments", "executor",
			     "builtin", "inputs_ownership", "name", "in", "owners",
			     "alice", "outputs_ownership", "name", "out", "owners",
			     "alice"),
		   "task_id", t->id, sizeof(t->id)) != 200)
		return -1;
	n_tasks++;
	t->acked_step = 1;
	atomic_fetch_add(&acked, 1);
	snprintf(path, sizeof(path), "/v1/tasks/%s/assign", t->id);
	if (mh_call(c, &alice, "POST", path,
		    json_pack("{s:{s:s}, s:{s:s}}", "inputs", "in", in, "outputs",
			      "out", out), NULL) != 200)
		return -1;
	t->acked_step = 2;
	atomic_fetch_add(&acked, 1);
	snprintf(path, sizeof(path), "/v1/tasks/%s/invoke", t->id);
	if (mh_call(c, &alice, "POST", path, NULL, NULL) != 200)
		return -1;
	t->acked_step = 3;
	atomic_fetch_add(&acked, 1);
	return 0;
}

static int queued(char ids[][64], int max)
{
	struct rpc_client *s = mh_client(&h, h.base.storage_url);
	int n = 0;

	json_t *res = NULL;
	while (s && n < max &&
	       mh_call(s, NULL, "POST", "/store/dequeue",
		       json_pack("{s:s, s:i}", "queue", "tasks-staged",
				 "visibility_ms", 600000),
		       &res) == 200) {
		const char *v = mh_str(json_object_get(res, "item"), "value");
		uint8_t raw[60];
		size_t len = 0;
		int done = !*v || base64_decode(v, strlen(v), raw, sizeof(raw) - 1, &len) < 0;
		json_decref(res);
		res = NULL;
		if (done)
			break;
		raw[len] = 0;
		memcpy(ids[n++], raw, len + 1);
	}
	json_decref(res);
	rpc_client_free(s);
	return n;
}

int main(void)
{
	static char in_queue[MAX_TASKS * 2][64];
	char fn[64], in[64], out[64];
	struct rpc_client *c;
	pthread_t th;
	int ok = 1, lost = 0, unqueued = 0, restarts = 0;

	if (!getenv("KETTLE_PLATFORM"))
		TAP_SKIP_ALL("KETTLE_PLATFORM is not set (run through meson)");
	if (mh_start_client(&h, &c) < 0) {
		CHECK(0, "the platform starts");
		TAP_DONE();
	}
	one_id(c, &fo, "/v1/functions",
	       json_pack("{s:s, s:s, s:s, s:b, s:[], s:[{s:s, s:s, s:b}], s:[{s:s, s:s, s:b}], s:[]}",
			 "name", "builtin-echo", "description", "", "executor", "builtin",
			 "public", 1, "arguments", "inputs", "name", "in", "description",
			 "", "optional", 0, "outputs", "name", "out", "description", "",
			 "optional", 0, "user_allowlist"),
	       "function_id", fn, sizeof(fn));
	one_id(c, &alice, "/v1/inputs",
	       json_pack("{s:s, s:s, s:{s:s}}", "url", "https://x/in", "digest",
			 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			 "crypto", "schema", "raw"),
	       "data_id", in, sizeof(in));
	one_id(c, &alice, "/v1/outputs",
	       json_pack("{s:s, s:{s:s}}", "url", "kettle://blob/", "crypto", "schema", "raw"),
	       "data_id", out, sizeof(out));
	CHECK(fn[0] && in[0] && out[0], "a function, an input and an output to work with");

	pthread_create(&th, NULL, killer, NULL);
	while (atomic_load(&kills) < KILLS || atomic_load(&acked) < (KILLS + 1) * KILL_EVERY) {
		if (n_tasks >= MAX_TASKS - 1)
			break;
		if (run_task(c, fn, in, out) < 0) {
			/* Not acknowledged: management died (or is restarting). */
			if (mh_restart(&h) < 0) {
				ok = 0;
				break;
			}
			restarts++;
		}
	}
	pthread_join(th, NULL);
	CHECK(ok && atomic_load(&kills) == KILLS,
	      "management killed %d times in a stream of %d acknowledged operations (%d restarts)",
	      atomic_load(&kills), atomic_load(&acked), restarts);
	/* One more restart, so the sweep has run after the last kill. */
	pid_t pid = mh_mgmt_pid(&h);
	if (pid > 0)
		kill(pid, SIGKILL);
	CHECK(mh_restart(&h) == 0, "management restarts after the last kill");
	rpc_client_free(c);
	c = mh_client(&h, h.mgmt_url);

	int n_queued = queued(in_queue, (int)(sizeof(in_queue) / sizeof(in_queue[0])));
	for (int i = 0; i < n_tasks; i++) {
		char path[sizeof(tasks[i].id) + 16];
		json_t *t;
		snprintf(path, sizeof(path), "/v1/tasks/%.63s", tasks[i].id);
		int s = mh_call(c, &alice, "GET", path, NULL, &t);
		const char *st = mh_str(t, "status");
		int step = !strcmp(st, "staged") ? 3
			   : !strcmp(st, "approved") ? 2
			   : !strcmp(st, "created") ? 1 : 0;
		if (s != 200 || step < tasks[i].acked_step) {
			printf("# %s: %d %s, acknowledged step %d\n", tasks[i].id, s, st,
			       tasks[i].acked_step);
			lost++;
		}
		if (step == 3) {
			int found = 0;
			for (int j = 0; j < n_queued; j++)
				found |= !strcmp(in_queue[j], tasks[i].id);
			if (!found) {
				printf("# %s is staged but not queued\n", tasks[i].id);
				unqueued++;
			}
		}
		json_decref(t);
	}
	CHECK(lost == 0, "none of %d tasks lost an acknowledged step", n_tasks);
	CHECK(unqueued == 0, "every staged task is on tasks-staged (%d items)", n_queued);
	rpc_client_free(c);
	mh_destroy(&h);
	TAP_DONE();
}
