/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: slow and many connections (issue 7, F1). Each check runs the
 * attack first, bounded and on loopback; source addresses 127.0.x.y stand
 * for other peers. Usage: test-rpc-slow KETTLE_PLATFORM KETTLE_ECHO */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/tap.h"
#include "tests/services/common/raw_http.h"
#include "tests/services/common/test_util.h"

#define HEADER_MS 3000
#define HANDSHAKE_MS 1000
#define MAX_HANDSHAKES 8
#define MAX_PER_PEER 16
#define SLOW_CONNS 1000

static char dir[2048];
static int port;
static SSL_CTX *ctx;

static int healthz(struct rpc_client *c)
{
	return tu_status(c, "GET", "/healthz");
}

/* Send head from src, then one byte every 200 ms until the server answers
 * (at most 20 s). Whether the answer is a 408 JSON error; *ms and *bytes
 * say when and after how much. */
static int trickle(const char *src, const char *head, const char *byte, double *ms,
		   int *bytes)
{
	SSL *s = rh_tls(ctx, rh_tcp(src, port));
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int sent_ok = s && rh_send(s, head, strlen(head)) == 0;
	struct rh_reply r = { 0 };
	int answered = 0;
	*bytes = 0;
	while (sent_ok && tu_ms_since(&t0) < 20000) {
		struct pollfd p = { .fd = SSL_get_fd(s), .events = POLLIN };
		if (poll(&p, 1, 200) > 0) {
			answered = rh_read_reply(s, &r) == 0;
			break;
		}
		sent_ok = rh_send(s, byte, 1) == 0;
		(*bytes)++;
	}
	*ms = tu_ms_since(&t0);
	int ok = answered && rh_is_error(&r, 408, "bad_request");
	rh_reply_clear(&r);
	rh_close(s);
	return ok;
}

static void test_slow_requests(void)
{
	double ms;
	int bytes;
	int ok = trickle("127.0.0.5", "GET /healthz HTTP/1.1\r\n", "X", &ms, &bytes);
	CHECK(ok && ms < HEADER_MS + 3000,
	      "a header byte every 200 ms: 408 JSON after %.0f ms and %d bytes (header_ms %d, not reset by bytes)",
	      ms, bytes, HEADER_MS);
	ok = trickle("127.0.0.8", "POST /echo HTTP/1.1\r\nContent-Length: 100000\r\n\r\n", " ",
		     &ms, &bytes);
	CHECK(ok && ms < HEADER_MS + 3000,
	      "a body byte every 200 ms: 408 JSON after %.0f ms (min_body_rate, grace header_ms)", ms);
}

/* A ClientHello byte every 200 ms on the internal port, no certificate. */
static void test_slow_client_hello(void)
{
	int fd = rh_tcp("127.0.0.6", port);
	static const unsigned char hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 };
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int closed = 0;
	for (size_t i = 0; fd >= 0 && !closed && tu_ms_since(&t0) < 20000; i++) {
		if (send(fd, &hello[i % sizeof(hello)], 1, MSG_NOSIGNAL) != 1) {
			closed = 1;
			break;
		}
		closed = rh_closed_within(fd, 200);
	}
	double ms = tu_ms_since(&t0);
	CHECK(closed && ms < HANDSHAKE_MS + 3000,
	      "a ClientHello byte every 200 ms: closed after %.0f ms (handshake_ms %d)",
	      ms, HANDSHAKE_MS);
	if (fd >= 0)
		close(fd);
}

/* Connections that never finish a handshake cannot crowd out one that does. */
static void test_handshake_limit(struct rpc_client *legit)
{
	int fds[50], closed = 0;
	for (int i = 0; i < 50; i++) {
		char src[32];
		snprintf(src, sizeof(src), "127.0.1.%d", i + 1);
		fds[i] = rh_tcp(src, port);
	}
	CHECK(healthz(legit) == 200, "50 silent TCP connections from 50 addresses: a new client is served");
	for (int i = 0; i < 50; i++) {
		if (fds[i] >= 0 && rh_closed_within(fds[i], 50))
			closed++;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	CHECK(closed >= 50 - MAX_HANDSHAKES - 1,
	      "all but the newest %d unfinished handshakes were closed (%d of 50)",
	      MAX_HANDSHAKES, closed);
}

static void test_per_peer_limit(struct rpc_client *legit)
{
	SSL *s[30];
	int served = 0;
	for (int i = 0; i < 30; i++) {
		int fd = rh_tcp("127.0.0.7", port);
		s[i] = fd >= 0 ? rh_tls(ctx, fd) : NULL;
		if (s[i])
			served++;
	}
	CHECK(served == MAX_PER_PEER, "30 connections from one address: %d admitted (max_per_peer %d)",
	      served, MAX_PER_PEER);
	CHECK(healthz(legit) == 200, "another address is still served");
	for (int i = 0; i < 30; i++)
		rh_close(s[i]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void test_many_slow(struct rpc_client *legit)
{
	static SSL *slow[SLOW_CONNS];
	int open_ok = 0;
	for (int i = 0; i < SLOW_CONNS; i++) {
		char src[32];
		snprintf(src, sizeof(src), "127.0.2.%d", i % 100 + 1);
		int fd = rh_tcp(src, port);
		slow[i] = fd >= 0 ? rh_tls(ctx, fd) : NULL;
		if (slow[i] && rh_send(slow[i], "GET /healthz HTTP/1.1\r\nX-Slow: ", 31) == 0)
			open_ok++;
	}
	CHECK(open_ok == SLOW_CONNS, "%d slow connections open, each with half a header", open_ok);
	double ms[100];
	int ok = 0;
	for (int i = 0; i < 100; i++) {
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		struct rpc_result r;
		if (rpc_client_call(legit, "POST", "/echo", NULL, NULL, &r) == 0 && r.status == 200)
			ok++;
		rpc_result_clear(&r);
		ms[i] = tu_ms_since(&t0);
	}
	qsort(ms, 100, sizeof(ms[0]), cmp_double);
	CHECK(ok == 100, "100 normal calls among them all answered (p50 %.2f ms, p99 %.2f ms; timings: bench)",
	      ms[49], ms[98]);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int ended = 0;
	for (int i = 0; i < SLOW_CONNS; i++) {
		struct rh_reply r;
		if (slow[i] && rh_read_reply(slow[i], &r) == 0 && r.status == 408)
			ended++;
		if (slow[i])
			rh_reply_clear(&r);
		rh_close(slow[i]);
	}
	CHECK(ended == SLOW_CONNS, "all %d got 408 at their header deadline (%.0f ms after the calls)",
	      ended, tu_ms_since(&t0));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	unsigned long nofile = tu_raise_nofile(4096);
	char tmp[1024], limits[256];
	snprintf(limits, sizeof(limits), "{\"header_ms\":%d,\"handshake_ms\":%d,"
		 "\"max_handshakes\":%d,\"max_per_peer\":%d,\"max_connections\":%d,"
		 "\"timeout_ms\":30000}", HEADER_MS, HANDSHAKE_MS, MAX_HANDSHAKES,
		 MAX_PER_PEER, SLOW_CONNS + 100);
	CHECK(tu_echo_platform(argv[1], "slow", limits, tmp, sizeof(tmp), dir, sizeof(dir)) == 0 &&
	      nofile >= 2 * SLOW_CONNS + 100,
	      "platform with header_ms %d, handshake_ms %d, %d handshakes, %d per peer",
	      HEADER_MS, HANDSHAKE_MS, MAX_HANDSHAKES, MAX_PER_PEER);
	port = tu_config_port(dir, "echo", "listen");
	pid_t pid = tu_spawn_echo(argv[2], tmp, dir, "echo.json");
	struct rpc_client *legit = tu_platform_client(dir, port, "client", "echo");
	CHECK(tu_wait_healthy(legit, 10000) == 0, "echo is up");
	ctx = rh_ctx(dir, "client");

	test_slow_requests();
	test_slow_client_hello();
	test_handshake_limit(legit);
	test_per_peer_limit(legit);
	test_many_slow(legit);

	rpc_client_free(legit);
	SSL_CTX_free(ctx);
	kill(pid, SIGTERM);
	int st = harness_wait(pid, 10000);
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "clean exit");
	harness_remove_tree(tmp);
	TAP_DONE();
}
