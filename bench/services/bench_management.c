/* SPDX-License-Identifier: Apache-2.0 */
/* bench-management: kettle-management on its own (real kettle-storage and
 * the fake decider, started by kettle-platform), called directly as the
 * frontend would call it, over mutual TLS with keep-alive:
 *
 *   GET /v1/tasks/{id}                   1 and 8 clients
 *   create -> assign -> invoke           1 and 4 clients (one sequence = 3 calls)
 *
 *   bench-management [seconds-per-row]   (default 3)
 *
 * Needs KETTLE_PLATFORM and the service binaries on PATH (meson sets both
 * for `meson test --benchmark bench-management`). Prints one table. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/services/latency.h"
#include "tests/services/management/mgmt_harness.h"

static const struct user alice = { "alice", "data_owner", "org1" };
static const struct user fo = { "fo", "function_owner", "" };

static struct mh h;
static char fn[64], in[64], out[64], task[64];

struct job {
	int sequence; /* 0: GET the task; 1: create, assign, invoke */
	double secs;
	long ops, errors;
	struct samples lat;
};

static int post_id(struct rpc_client *c, const struct user *u, const char *path,
		   json_t *body, const char *key, char *dst)
{
	json_t *res;
	int s = mh_call(c, u, "POST", path, body, &res);
	const char *v = json_string_value(json_object_get(res, key));

	snprintf(dst, 64, "%s", v ? v : "");
	json_decref(res);
	return s == 200 && v ? 0 : -1;
}

static json_t *task_body(void)
{
	return json_pack("{s:s, s:{}, s:s, s:[{s:s, s:[s]}], s:[{s:s, s:[s]}]}",
			 "function_id", fn, "function_arguments", "executor", "builtin",
			 "inputs_ownership", "name", "in", "owners", "alice",
			 "outputs_ownership", "name", "out", "owners", "alice");
}

static int sequence(struct rpc_client *c)
{
	char id[64], path[128];

	if (post_id(c, &alice, "/v1/tasks", task_body(), "task_id", id) < 0)
		return -1;
	snprintf(path, sizeof(path), "/v1/tasks/%s/assign", id);
	if (mh_call(c, &alice, "POST", path,
		    json_pack("{s:{s:s}, s:{s:s}}", "inputs", "in", in, "outputs", "out", out),
		    NULL) != 200)
		return -1;
	snprintf(path, sizeof(path), "/v1/tasks/%s/invoke", id);
	return mh_call(c, &alice, "POST", path, NULL, NULL) == 200 ? 0 : -1;
}

static void *loop(void *arg)
{
	struct job *j = arg;
	struct rpc_client *c = mh_client(&h, h.mgmt_url);
	double start = now_us(), end = start + j->secs * 1e6;
	char path[128];

	snprintf(path, sizeof(path), "/v1/tasks/%s", task);
	while (c && now_us() < end) {
		double t0 = now_us();
		int ok = j->sequence ? sequence(c) == 0
				     : mh_call(c, &alice, "GET", path, NULL, NULL) == 200;
		samples_add(&j->lat, (now_us() - t0) / 1000.0);
		if (ok)
			j->ops++;
		else
			j->errors++;
	}
	rpc_client_free(c);
	return NULL;
}

static void row(const char *name, int sequence_, int clients, double secs)
{
	pthread_t th[16];
	struct job jobs[16] = { 0 };
	struct samples all = { 0 };
	long ops = 0, errors = 0;
	double t0 = now_us(), elapsed;

	for (int i = 0; i < clients; i++) {
		jobs[i].sequence = sequence_;
		jobs[i].secs = secs;
		pthread_create(&th[i], NULL, loop, &jobs[i]);
	}
	for (int i = 0; i < clients; i++) {
		pthread_join(th[i], NULL);
		ops += jobs[i].ops;
		errors += jobs[i].errors;
		samples_merge(&all, &jobs[i].lat);
		samples_free(&jobs[i].lat);
	}
	elapsed = (now_us() - t0) / 1e6;
	printf("| %-34s | %7d | %8ld | %9.0f | %8.2f | %8.2f | %6ld |\n", name, clients,
	       ops, (double)ops / elapsed, samples_pct(&all, 50), samples_pct(&all, 99),
	       errors);
	fflush(stdout);
	samples_free(&all);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3;
	struct rpc_client *c;

	if (secs <= 0 || secs > 60) {
		fprintf(stderr, "usage: bench-management [seconds-per-row (0..60]]\n");
		return 2;
	}
	if (!getenv("KETTLE_PLATFORM") || mh_start_client(&h, &c) < 0) {
		fprintf(stderr, "bench-management: the platform did not start (is KETTLE_PLATFORM set?)\n");
		return 1;
	}
	int setup =
		post_id(c, &fo, "/v1/functions",
			json_pack("{s:s, s:s, s:s, s:b, s:[], s:[{s:s, s:s, s:b}], s:[{s:s, s:s, s:b}], s:[]}",
				  "name", "builtin-echo", "description", "", "executor", "builtin",
				  "public", 1, "arguments", "inputs", "name", "in", "description", "",
				  "optional", 0, "outputs", "name", "out", "description", "",
				  "optional", 0, "user_allowlist"),
			"function_id", fn) == 0 &&
		post_id(c, &alice, "/v1/inputs",
			json_pack("{s:s, s:s, s:{s:s}}", "url", "https://x/in", "digest",
				  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
				  "crypto", "schema", "raw"),
			"data_id", in) == 0 &&
		post_id(c, &alice, "/v1/outputs",
			json_pack("{s:s, s:{s:s}}", "url", "kettle://blob/", "crypto", "schema", "raw"),
			"data_id", out) == 0 &&
		post_id(c, &alice, "/v1/tasks", task_body(), "task_id", task) == 0;
	rpc_client_free(c);
	if (!setup) {
		fprintf(stderr, "bench-management: setting up a function, files and a task failed (see %s/logs)\n",
			h.base.dir);
		mh_destroy(&h);
		return 1;
	}
	printf("| %-34s | %7s | %8s | %9s | %8s | %8s | %6s |\n", "kettle-management, direct",
	       "clients", "done", "per s", "p50 ms", "p99 ms", "errors");
	printf("|%s|---------|----------|-----------|----------|----------|--------|\n",
	       "------------------------------------");
	row("GET /v1/tasks/{id}", 0, 1, secs);
	row("GET /v1/tasks/{id}", 0, 8, secs);
	row("create+assign+invoke (sequences)", 1, 1, secs);
	row("create+assign+invoke (sequences)", 1, 4, secs);
	mh_destroy(&h);
	return 0;
}
