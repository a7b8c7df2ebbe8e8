/* SPDX-License-Identifier: Apache-2.0 */
/* rpc_pool: many threads share a bounded set of clients to one peer (a real
 * jailed kettle-echo), and a pool whose clients are all busy fails fast
 * instead of waiting for ever.
 * Usage: test-rpc-pool KETTLE_PLATFORM KETTLE_ECHO */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "services/common/config.h"
#include "services/common/rpc_pool.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/services/common/test_util.h"
#include "tests/tap.h"

enum { THREADS = 8, CALLS = 20 };

struct worker {
	struct rpc_pool *pool;
	int ok;
};

static void *call_many(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < CALLS; i++) {
		struct rpc_result r;
		json_t *body = json_pack("{s:i}", "i", i);
		int rc = rpc_pool_call(w->pool, "POST", "/echo", body, NULL, &r);
		json_decref(body);
		if (rc == 0 && r.status == 200 &&
		    json_integer_value(json_object_get(r.json, "i")) == i)
			w->ok++;
		if (rc == 0)
			rpc_result_clear(&r);
	}
	return NULL;
}

struct slow {
	struct rpc_pool *pool;
	int status;
};

static void *call_slow(void *arg)
{
	struct slow *s = arg;
	struct rpc_result r;
	if (rpc_pool_call(s->pool, "GET", "/slow?ms=1500", NULL, NULL, &r) == 0) {
		s->status = r.status;
		rpc_result_clear(&r);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	char tmp[1024], dir[1100], out[8192], path[1200], log[1200], err[256];
	CHECK(harness_temp_dir(tmp, sizeof(tmp), "pool") == 0, "temp dir");
	snprintf(dir, sizeof(dir), "%s/p", tmp);
	char *init[] = { argv[1], "init", dir, "--test-services", NULL };
	CHECK(harness_run_text(init, NULL, out, sizeof(out)) == 0, "platform created");
	snprintf(path, sizeof(path), "%s/echo.json", dir);
	snprintf(log, sizeof(log), "%s/echo.log", tmp);
	char *echo_argv[] = { argv[2], "--config", path, NULL };
	pid_t pid = harness_spawn(echo_argv, log);
	struct rpc_client *probe =
		tu_platform_client(dir, tu_config_port(dir, "echo", "listen"),
				   "client", "echo");
	CHECK(tu_wait_healthy(probe, 20000) == 0, "echo is up");
	rpc_client_free(probe);

	/* Call echo as the "client" identity, with a 10 s client timeout. */
	struct kettle_config cfg = { 0 };
	char url[64], ca[1200], cert[1200], key[1200];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d",
		 tu_config_port(dir, "echo", "listen"));
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(cert, sizeof(cert), "%s/certs/client.pem", dir);
	snprintf(key, sizeof(key), "%s/certs/client.key", dir);
	cfg.ca = ca;
	cfg.cert = cert;
	cfg.key = key;
	cfg.timeout_ms = 10000;
	cfg.root = json_pack("{s:{s:s}}", "peers", "echo", url);

	struct rpc_pool *none = rpc_pool_for_peer(&cfg, "nobody", 2, 0, err, sizeof(err));
	CHECK(!none && strstr(err, "nobody"), "an unknown peer is one clear line: %s", err);

	struct rpc_pool *pool = rpc_pool_for_peer(&cfg, "echo", 2, 0, err, sizeof(err));
	CHECK(pool != NULL, "pool of 2 clients to echo (%s)", pool ? "ok" : err);
	/* A jailed service makes its pools before it may no longer read the
	 * certificates: afterwards no client is made from files. */
	char *cfg_cert = cfg.cert;
	CHECK(pool && rpc_pool_busy(pool) == 0,
	      "the pool makes all its clients up front");
	cfg.cert = "/nonexistent/cert.pem";
	struct worker w[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .pool = pool };
		pthread_create(&t[i], NULL, call_many, &w[i]);
	}
	int ok = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].ok;
	}
	CHECK(ok == THREADS * CALLS, "%d threads share 2 clients: %d of %d calls answered",
	      THREADS, ok, THREADS * CALLS);
	cfg.cert = cfg_cert;

	/* One slow call holds the only client of a pool that waits 200 ms:
	 * another caller gives up instead of queueing behind it. */
	struct rpc_pool *one = rpc_pool_for_peer(&cfg, "echo", 1, 200, err, sizeof(err));
	struct slow s = { one, 0 };
	pthread_t st;
	pthread_create(&st, NULL, call_slow, &s);
	for (int i = 0; i < 2000 && rpc_pool_busy(one) == 0; i++)
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	struct rpc_result r;
	int rc = rpc_pool_call(one, "POST", "/echo", NULL, NULL, &r);
	CHECK(rc == -EBUSY && strstr(rpc_pool_error(), "busy"),
	      "the only client busy: -EBUSY (%s)", rpc_pool_error());
	if (rc == 0)
		rpc_result_clear(&r);
	pthread_join(st, NULL);
	CHECK(s.status == 200, "the slow call itself was answered");
	rc = rpc_pool_call(one, "POST", "/echo", NULL, NULL, &r);
	CHECK(rc == 0 && r.status == 200, "the client is lent again once returned");
	if (rc == 0)
		rpc_result_clear(&r);
	rpc_pool_free(one);

	rpc_pool_free(pool);
	json_decref(cfg.root);
	kill(pid, SIGTERM);
	CHECK(harness_wait(pid, 20000) == 0, "echo stops on SIGTERM");
	harness_remove_tree(tmp);
	TAP_DONE();
}
