/* SPDX-License-Identifier: Apache-2.0 */
/* bench-slow-clients: latency of normal calls to a jailed kettle-echo (1)
 * alone, (2) with SLOW connections open that trickle header bytes and
 * reconnect when the server closes them at the header deadline, and (3)
 * with a stopped dependency (SIGSTOP), for calls needing it and /healthz.
 * Loopback only, bounded in count and time. Not a pass/fail test.
 * Usage: bench-slow-clients KETTLE_PLATFORM KETTLE_ECHO [seconds] [slow] */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/services/latency.h"
#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/services/common/raw_http.h"
#include "tests/services/common/test_util.h"

#define MAX_SLOW 2000

static char dir[2048];
static int port;
static SSL_CTX *ctx;
static SSL *slow[MAX_SLOW];
static int n_slow;
static volatile int stop_slow;
static unsigned long reopened;

static SSL *open_slow(int i)
{
	char src[32];
	snprintf(src, sizeof(src), "127.0.3.%d", i % 200 + 1);
	int fd = rh_tcp(src, port);
	SSL *s = fd >= 0 ? rh_tls(ctx, fd) : NULL;
	if (s && rh_send(s, "GET /healthz HTTP/1.1\r\nX-Slow: ", 31) != 0) {
		rh_close(s);
		s = NULL;
	}
	return s;
}

/* The attacker: a byte per connection every 500 ms; a connection the
 * server closed (408 at the header deadline) is opened again. */
static void *slow_loop(void *arg)
{
	(void)arg;
	static struct pollfd p[MAX_SLOW];
	while (!stop_slow) {
		for (int i = 0; i < n_slow; i++) {
			if (!slow[i] || rh_send(slow[i], "x", 1) != 0) {
				rh_close(slow[i]);
				slow[i] = open_slow(i);
				reopened++;
			}
			p[i] = (struct pollfd){ .fd = slow[i] ? SSL_get_fd(slow[i]) : -1,
						.events = POLLIN };
		}
		if (poll(p, (nfds_t)n_slow, 500) > 0)
			for (int i = 0; i < n_slow; i++)
				if (p[i].revents) {
					rh_close(slow[i]);
					slow[i] = open_slow(i);
					reopened++;
				}
	}
	return NULL;
}

static void measure(const char *name, struct rpc_client *c, const char *method,
		    const char *path, double secs)
{
	struct samples s = { 0 };
	unsigned errors = 0;
	json_t *body = json_pack("{s:i}", "x", 1);
	double end = now_us() + secs * 1e6;
	while (now_us() < end) {
		struct rpc_result r;
		double t0 = now_us();
		int rc = rpc_client_call(c, method, path, strcmp(method, "POST") ? NULL : body,
					 NULL, &r);
		samples_add(&s, (now_us() - t0) / 1000.0);
		if (rc || (r.status != 200 && r.status != 503))
			errors++;
		if (!rc)
			rpc_result_clear(&r);
	}
	json_decref(body);
	size_t n = s.n;
	double p50 = samples_pct(&s, 50), p99 = samples_pct(&s, 99), max = samples_pct(&s, 100);
	printf("%-44s %7zu calls  p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms  errors %u\n",
	       name, n, p50, p99, max, errors);
	free(s.v);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO [seconds] [slow]\n", argv[0]);
		return 2;
	}
	double secs = argc > 3 ? atof(argv[3]) : 5;
	n_slow = argc > 4 ? atoi(argv[4]) : 1000;
	if (secs <= 0 || secs > 60 || n_slow < 0 || n_slow > MAX_SLOW) {
		fprintf(stderr, "seconds must be in (0, 60], slow in [0, %d]\n", MAX_SLOW);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	tu_raise_nofile(8192);
	char tmp[1024], limits[64];
	snprintf(limits, sizeof(limits), "{\"max_connections\":%d}", n_slow + 200);
	if (tu_echo_platform(argv[1], "bench-slow", limits, tmp, sizeof(tmp), dir, sizeof(dir)))
		return 1;
	int bport = tu_echo_relay_config(dir);
	port = tu_config_port(dir, "echo", "listen");
	pid_t a = tu_spawn_echo(argv[2], tmp, dir, "echo.json");
	pid_t b = tu_spawn_echo(argv[2], tmp, dir, "echo-b.json");
	struct rpc_client *c = tu_platform_client(dir, port, "client", "echo");
	struct rpc_client *cb = tu_platform_client(dir, bport, "client", "echo");
	if (tu_wait_healthy(c, 10000) || tu_wait_healthy(cb, 10000)) {
		fprintf(stderr, "kettle-echo did not start\n");
		return 1;
	}
	ctx = rh_ctx(dir, "client");

	printf("kettle-echo, jailed, loopback, mutual TLS, keep-alive; %.0f s per row\n", secs);
	measure("POST /echo alone", c, "POST", "/echo", secs);
	double t0 = now_us();
	for (int i = 0; i < n_slow; i++)
		slow[i] = open_slow(i);
	int open_now = 0;
	for (int i = 0; i < n_slow; i++)
		open_now += slow[i] != NULL;
	printf("opened %d slow connections (200 addresses) in %.0f ms\n", open_now,
	       (now_us() - t0) / 1000.0);
	pthread_t t;
	pthread_create(&t, NULL, slow_loop, NULL);
	char name[64];
	snprintf(name, sizeof(name), "POST /echo with %d slow connections", n_slow);
	measure(name, c, "POST", "/echo", secs);
	snprintf(name, sizeof(name), "GET /healthz with %d slow connections", n_slow);
	measure(name, c, "GET", "/healthz", secs);
	stop_slow = 1;
	pthread_join(t, NULL);
	printf("slow connections closed by the server and reopened: %lu\n", reopened);
	for (int i = 0; i < n_slow; i++)
		rh_close(slow[i]);

	measure("POST /relay (dependency up)", cb, "POST", "/relay", secs);
	kill(a, SIGSTOP);
	measure("POST /relay, dependency stopped (503)", cb, "POST", "/relay", secs);
	measure("GET /healthz, dependency stopped", cb, "GET", "/healthz", secs);
	kill(a, SIGCONT);

	rpc_client_free(c);
	rpc_client_free(cb);
	SSL_CTX_free(ctx);
	kill(a, SIGTERM);
	kill(b, SIGTERM);
	harness_wait(a, 10000);
	harness_wait(b, 10000);
	harness_remove_tree(tmp);
	return 0;
}
