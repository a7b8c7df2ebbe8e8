/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: the HTTP contract under hostile requests (issue 7, F9-F16).
 * Each check sends what the attack sent, raw over TLS, to a jailed
 * kettle-echo and expects API.md's JSON error, never libevent's HTML.
 * Usage: test-rpc-http KETTLE_PLATFORM KETTLE_ECHO */
#include <dirent.h>
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
#include "tests/services/common/raw_http.h"
#include "tests/services/common/test_util.h"

static SSL_CTX *ctx;
static int port, pport;
static char messages[8192]; /* every error message seen, for the wording check */

static int send_raw(const char *req, struct rh_reply *r)
{
	int rc = rh_exchange(ctx, port, req, strlen(req), r);
	const char *m = json_string_value(json_object_get(json_object_get(r->json, "error"),
							  "message"));
	if (m && strlen(messages) + strlen(m) + 2 < sizeof(messages)) {
		strcat(messages, m);
		strcat(messages, "\n");
	}
	return rc;
}

/* One raw request expecting an API.md error. */
static int refused(const char *req, int status, const char *code)
{
	struct rh_reply r;
	int ok = send_raw(req, &r) == 0 && rh_is_error(&r, status, code);
	if (!ok)
		printf("# got %d: %.200s\n", r.status, r.body ? r.body : "(nothing)");
	rh_reply_clear(&r);
	return ok;
}

/* Every socket the process holds is close-on-exec. */
static int sockets_cloexec(pid_t pid, int *count)
{
	char path[512], link[256], info[512];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int ok = 1;
	*count = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, e->d_name);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0 || strncmp(link, "socket:", 7 > n ? (size_t)n : 7) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, e->d_name);
		FILE *f = fopen(path, "re");
		unsigned long flags = 0;
		while (f && fgets(info, sizeof(info), f))
			sscanf(info, "flags: %lo", &flags);
		if (f)
			fclose(f);
		(*count)++;
		if (!(flags & 02000000))
			ok = 0;
	}
	closedir(d);
	return ok;
}

static void test_tls_versions(const char *dir)
{
	SSL_CTX *old = rh_ctx(dir, NULL);
	SSL_CTX_set_max_proto_version(old, TLS1_2_VERSION);
	SSL_CTX_set_cipher_list(old, "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA");
	int fd = rh_tcp(NULL, pport);
	SSL *s = rh_tls(old, fd);
	CHECK(s == NULL, "public listener refuses TLS 1.2 CBC-SHA1 suites");
	rh_close(s);
	SSL_CTX_set_cipher_list(old, "ECDHE+AESGCM");
	fd = rh_tcp(NULL, pport);
	s = rh_tls(old, fd);
	CHECK(s != NULL, "public listener accepts TLS 1.2 with an AEAD suite");
	rh_close(s);
	SSL_CTX_free(old);
	SSL_CTX *client12 = rh_ctx(dir, "client");
	SSL_CTX_set_max_proto_version(client12, TLS1_2_VERSION);
	fd = rh_tcp(NULL, port);
	s = rh_tls(client12, fd);
	struct rh_reply r = { 0 };
	int served = s && rh_send(s, "GET /healthz HTTP/1.1\r\n\r\n", 25) == 0 &&
		     rh_read_reply(s, &r) == 0;
	CHECK(!served, "internal listener speaks TLS 1.3 only");
	rh_reply_clear(&r);
	rh_close(s);
	SSL_CTX_free(client12);
}

static void test_framing(void)
{
	CHECK(refused("GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n", 400, "bad_request"),
	      "malformed header line: 400 JSON");
	CHECK(refused("\x01\x02garbage\r\n\r\n", 400, "bad_request"),
	      "bytes that are not HTTP: 400 JSON");
	char *big = malloc(20000 + 64);
	strcpy(big, "GET /healthz HTTP/1.1\r\nX-Big: ");
	memset(big + strlen(big), 'a', 20000);
	strcpy(big + 20030, "\r\n\r\n");
	CHECK(refused(big, 431, "bad_request"), "20 KB of headers: 431 JSON");
	free(big);
	struct rh_reply r;
	char allow[64];
	CHECK(send_raw("BREW /echo HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r) == 0 &&
	      rh_is_error(&r, 405, "method_not_allowed") &&
	      rh_header(&r, "Allow", allow, sizeof(allow)) && strstr(allow, "POST") &&
	      strstr(allow, "PUT") && strstr(allow, "DELETE") && strstr(allow, "GET"),
	      "unknown method: 405 method_not_allowed with Allow: the methods served (%s)",
	      r.status == 405 ? allow : "-");
	rh_reply_clear(&r);
	CHECK(send_raw("DELETE /echo HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r) == 0 &&
	      rh_is_error(&r, 405, "method_not_allowed") &&
	      rh_header(&r, "Allow", allow, sizeof(allow)) && strcmp(allow, "POST") == 0,
	      "wrong method on a path: 405 with Allow: POST");
	rh_reply_clear(&r);
	CHECK(refused("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
		      400, "bad_request"), "bad chunk size: 400 JSON");
	CHECK(send_raw("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
		       "Content-Type: application/json\r\n\r\n"
		       "7;ext=1\r\n{\"a\":1}\r\n0\r\n\r\n", &r) == 0 && r.status == 200 &&
	      json_integer_value(json_object_get(r.json, "a")) == 1,
	      "chunk extension (7;ext=1) accepted: 200 with the body");
	rh_reply_clear(&r);
	CHECK(refused("POST /echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
		      400, "bad_request"), "conflicting Content-Length: 400");
	CHECK(refused("POST /echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
		      400, "bad_request"), "repeated Content-Length: 400");
	CHECK(refused("POST /echo HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}", 400, "bad_request"),
	      "Content-Length +2: 400");
	CHECK(refused("POST /echo HTTP/1.1\r\nContent-Length: 2x\r\n\r\n{}", 400, "bad_request"),
	      "Content-Length 2x: 400");
	CHECK(refused("POST /echo HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
		      "2\r\n{}\r\n0\r\n\r\n", 400, "bad_request"),
	      "Content-Length with Transfer-Encoding: 400");
	CHECK(refused("POST /echo HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}",
		      417, "bad_request"), "unsupported Expect: 417 JSON");
	CHECK(refused("GET /nowhere HTTP/1.1\r\n\r\n", 404, "not_found"), "unknown path: 404 JSON");
	CHECK(refused("POST /echo HTTP/1.1\r\nContent-Length: 12\r\n\r\n{\"a\":\"\\u0000\"}",
		      400, "bad_request"), "JSON with \\u0000: 400");
	int fd = rh_tcp(NULL, port);
	SSL *s = rh_tls(ctx, fd);
	static const char two[] = "GET /healthz HTTP/1.1\r\n\r\nGET /whoami HTTP/1.1\r\n\r\n";
	int first = s && rh_send(s, two, strlen(two)) == 0 && rh_read_reply(s, &r) == 0 &&
		    r.status == 200;
	rh_reply_clear(&r);
	CHECK(first && rh_read_reply(s, &r) == 0 && r.status == 200 &&
	      json_is_string(json_object_get(r.json, "request_id")),
	      "two pipelined requests: both answered, in order");
	rh_reply_clear(&r);
	rh_close(s);
}

static void test_body_limits(void)
{
	/* 413 from the header, before the body, and no reset for a client
	 * that keeps sending without Expect: 100-continue. */
	int fd = rh_tcp(NULL, port);
	SSL *s = rh_tls(ctx, fd);
	static const char head[] = "PUT /raw/x HTTP/1.1\r\nContent-Length: 200000\r\n\r\n";
	struct rh_reply r = { 0 };
	char conn[32];
	CHECK(s && rh_send(s, head, strlen(head)) == 0 && rh_read_reply(s, &r) == 0 &&
	      rh_is_error(&r, 413, "payload_too_large") &&
	      rh_header(&r, "Connection", conn, sizeof(conn)) && strcmp(conn, "close") == 0,
	      "body over max_body: 413 JSON from the headers, before any body byte");
	rh_reply_clear(&r);
	char *chunk = calloc(1, 200000);
	CHECK(s && rh_send(s, chunk, 200000) == 0,
	      "the client may still send the body it announced (lingering close, no reset)");
	rh_close(s);

	fd = rh_tcp(NULL, port);
	s = rh_tls(ctx, fd);
	static const char cont[] = "PUT /raw/y HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
	int got100 = s && rh_send(s, cont, strlen(cont)) == 0 && rh_read_reply(s, &r) == 0 &&
		     r.status == 100;
	rh_reply_clear(&r);
	CHECK(got100 && rh_send(s, "abc", 3) == 0 && rh_read_reply(s, &r) == 0 &&
	      r.status == 200 && r.body_len == 3, "Expect: 100-continue, then the body: 200");
	rh_reply_clear(&r);
	rh_close(s);

	char req[256];
	snprintf(req, sizeof(req), "PUT /raw/z HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "%x\r\n", 70000);
	fd = rh_tcp(NULL, port);
	s = rh_tls(ctx, fd);
	CHECK(s && rh_send(s, req, strlen(req)) == 0 && rh_send(s, chunk, 70000) == 0 &&
	      rh_read_reply(s, &r) == 0 && rh_is_error(&r, 413, "payload_too_large"),
	      "a chunked body growing over max_body: 413");
	rh_reply_clear(&r);
	rh_close(s);

	snprintf(req, sizeof(req), "PUT /blob/x HTTP/1.1\r\nContent-Length: 200000\r\n\r\n");
	fd = rh_tcp(NULL, port);
	s = rh_tls(ctx, fd);
	CHECK(s && rh_send(s, req, strlen(req)) == 0 && rh_send(s, chunk, 200000) == 0 &&
	      rh_read_reply(s, &r) == 0 && r.status == 200 && r.body_len == 200000,
	      "the same body on a blob route (max_blob_body): 200");
	rh_reply_clear(&r);
	rh_close(s);
	free(chunk);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	char tmp[1024], dir[2048];
	CHECK(tu_echo_platform(argv[1], "http", "{\"max_body\":65536,\"max_blob_body\":1048576,"
			       "\"timeout_ms\":8000}", tmp, sizeof(tmp), dir, sizeof(dir)) == 0,
	      "platform with max_body 64 KiB, blobs 1 MiB, timeout 8 s");
	port = tu_config_port(dir, "echo", "listen");
	pport = tu_config_port(dir, "echo", "public");
	pid_t pid = tu_spawn_echo(argv[2], tmp, dir, "echo.json");
	struct rpc_client *c = tu_platform_client(dir, port, "client", "echo");
	CHECK(tu_wait_healthy(c, 10000) == 0, "echo is up");
	ctx = rh_ctx(dir, "client");

	test_framing();
	test_body_limits();
	CHECK(strstr(messages, "HPE_") == NULL && strstr(messages, "JSON_") == NULL &&
	      strstr(messages, "parser") == NULL && strstr(messages, "evhttp") == NULL,
	      "error messages speak to the user, not of the parser");
	if (strstr(messages, "HPE_") || strstr(messages, "JSON_"))
		printf("# messages:\n%s", messages);
	test_tls_versions(dir);

	int n = 0;
	CHECK(sockets_cloexec(pid, &n) && n >= 2, "all %d sockets of the service are close-on-exec", n);
	struct rpc_result rr;
	CHECK(rpc_client_call(c, "GET", "/healthz", NULL, NULL, &rr) == 0 &&
	      sockets_cloexec(getpid(), &n) && n >= 1,
	      "the client's socket is close-on-exec too (%d sockets here)", n);
	rpc_result_clear(&rr);
	rpc_client_free(c);

	/* A client that asks and leaves: shutdown does not wait for it. */
	int fd = rh_tcp(NULL, port);
	SSL *s = rh_tls(ctx, fd);
	CHECK(s && rh_send(s, "GET /slow?ms=300 HTTP/1.1\r\n\r\n", 29) == 0, "slow request sent");
	rh_close(s);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kill(pid, SIGTERM);
	int st = harness_wait(pid, 10000);
	double ms = tu_ms_since(&t0);
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && ms < 4000,
	      "SIGTERM after a client abandoned its reply: clean exit in %.0f ms (timeout 8 s)", ms);
	SSL_CTX_free(ctx);
	harness_remove_tree(tmp);
	TAP_DONE();
}
