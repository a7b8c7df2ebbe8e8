/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: slow handlers and a stalled dependency (issue 7, F2/F3).
 * Echo B relays POST /relay to echo A; A is stopped with SIGSTOP, as the
 * attack stopped storage. Usage: test-rpc-stall KETTLE_PLATFORM KETTLE_ECHO */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/tap.h"
#include "tests/services/common/test_util.h"

#define CALLERS 4

static char dir[2048];
static int bport;

struct call {
	const char *method, *path;
	int status;
	char code[32];
	double ms;
};

static void *caller(void *arg)
{
	struct call *c = arg;
	struct rpc_client *cl = tu_platform_client(dir, bport, "client", "echo");
	json_t *body = json_pack("{s:i}", "x", 1);
	struct rpc_result r;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c->status = -1;
	if (cl && rpc_client_call(cl, c->method, c->path,
				  strcmp(c->method, "POST") == 0 ? body : NULL, NULL, &r) == 0) {
		c->status = r.status;
		const char *code = json_string_value(json_object_get(json_object_get(r.json, "error"), "code"));
		snprintf(c->code, sizeof(c->code), "%s", code ? code : "");
		rpc_result_clear(&r);
	}
	c->ms = tu_ms_since(&t0);
	json_decref(body);
	rpc_client_free(cl);
	return NULL;
}

/* Run n calls at once; returns the slowest in ms. */
static double run_calls(struct call *calls, int n)
{
	pthread_t t[CALLERS];
	double worst = 0;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, caller, &calls[i]);
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		if (calls[i].ms > worst)
			worst = calls[i].ms;
	}
	return worst;
}

static int timed_status(struct rpc_client *c, const char *path, double *ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct rpc_result r;
	int s = rpc_client_call(c, "GET", path, NULL, NULL, &r) == 0 ? r.status : -1;
	if (s >= 0)
		rpc_result_clear(&r);
	*ms = tu_ms_since(&t0);
	return s;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	char tmp[1024];
	CHECK(tu_echo_platform(argv[1], "stall", NULL, tmp, sizeof(tmp), dir, sizeof(dir)) == 0,
	      "platform created");
	bport = tu_echo_relay_config(dir);
	CHECK(bport > 0, "echo B relays to echo A");
	int aport = tu_config_port(dir, "echo", "listen");
	pid_t a = tu_spawn_echo(argv[2], tmp, dir, "echo.json");
	pid_t b = tu_spawn_echo(argv[2], tmp, dir, "echo-b.json");
	struct rpc_client *ca = tu_platform_client(dir, aport, "client", "echo");
	struct rpc_client *cb = tu_platform_client(dir, bport, "client", "echo");
	CHECK(tu_wait_healthy(ca, 10000) == 0 && tu_wait_healthy(cb, 10000) == 0, "A and B are up");

	/* What the server's 500 -> 503 mapping reads, per thread. */
	rpc_client_thread_reset();
	struct rpc_client *nobody = tu_platform_client(dir, tu_free_port(), "client", "echo");
	int was = rpc_client_thread_failed();
	int failed = tu_status(nobody, "GET", "/healthz") < 0 && rpc_client_thread_failed();
	rpc_client_thread_reset();
	rpc_client_thread_fail();
	CHECK(!was && failed && rpc_client_thread_failed(),
	      "a refused call marks this thread's calls as failed; reset and fail set it by hand");
	rpc_client_thread_reset();
	rpc_client_free(nobody);

	struct call relay[CALLERS];
	for (int i = 0; i < CALLERS; i++)
		relay[i] = (struct call){ .method = "POST", .path = "/relay" };
	run_calls(relay, 1);
	CHECK(relay[0].status == 200, "B relays to A: 200");

	/* Slow handlers run side by side, and /healthz does not wait. */
	struct call slow[CALLERS];
	for (int i = 0; i < CALLERS; i++)
		slow[i] = (struct call){ .method = "GET", .path = "/slow?ms=1000" };
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_t t[CALLERS];
	for (int i = 0; i < CALLERS; i++)
		pthread_create(&t[i], NULL, caller, &slow[i]);
	struct timespec pause = { 0, 300 * 1000000L };
	nanosleep(&pause, NULL);
	double hms;
	int hs = timed_status(cb, "/healthz", &hms);
	for (int i = 0; i < CALLERS; i++)
		pthread_join(t[i], NULL);
	double all = tu_ms_since(&t0);
	int ok = 1;
	for (int i = 0; i < CALLERS; i++)
		ok &= slow[i].status == 200;
	CHECK(ok && all < CALLERS * 1000 - 500,
	      "%d one-second handlers at once finish together (%.0f ms in all)", CALLERS, all);
	CHECK(hs == 200 && hms < 500, "/healthz meanwhile: %.1f ms", hms);

	/* The attack: the dependency stops answering. */
	kill(a, SIGSTOP);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < CALLERS; i++)
		pthread_create(&t[i], NULL, caller, &relay[i]);
	nanosleep(&pause, NULL);
	hs = timed_status(cb, "/healthz", &hms);
	double ems;
	int es = timed_status(cb, "/whoami", &ems);
	double worst = 0;
	ok = 1;
	for (int i = 0; i < CALLERS; i++) {
		pthread_join(t[i], NULL);
		ok &= relay[i].status == 503 && strcmp(relay[i].code, "unavailable") == 0;
		if (relay[i].ms > worst)
			worst = relay[i].ms;
	}
	/* call_timeout_ms is 800; the bound here only proves it is not the
	 * server timeout (10 s). bench-slow-clients measures it. */
	CHECK(ok && worst < 2500,
	      "A stopped: %d calls needing it get 503 unavailable, the slowest in %.0f ms",
	      CALLERS, worst);
	CHECK(hs == 200 && hms < 500, "A stopped: B's /healthz in %.1f ms", hms);
	CHECK(es == 200 && ems < 500, "A stopped: B's calls that do not need A in %.1f ms", ems);
	kill(a, SIGCONT);
	for (int i = 0; i < CALLERS; i++)
		relay[i].status = -1;
	run_calls(relay, 1);
	CHECK(relay[0].status == 200, "A resumed: B relays again");

	rpc_client_free(ca);
	rpc_client_free(cb);
	kill(a, SIGTERM);
	kill(b, SIGTERM);
	int sa = harness_wait(a, 10000), sb = harness_wait(b, 10000);
	CHECK(sa >= 0 && WIFEXITED(sa) && WEXITSTATUS(sa) == 0 && sb >= 0 && WIFEXITED(sb) &&
	      WEXITSTATUS(sb) == 0, "clean exits");
	harness_remove_tree(tmp);
	TAP_DONE();
}
