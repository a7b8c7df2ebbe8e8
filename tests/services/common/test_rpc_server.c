/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: a real kettle-echo (built on services/common, jailed) on
 * loopback, certificates from `kettle-platform init`.
 * Usage: test-rpc-server KETTLE_PLATFORM KETTLE_ECHO */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lib/log.h"
#include "tests/tap.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/services/common/test_util.h"

static char pa[2048], pb[2048]; /* two platforms: two CAs */
static int iport, pport;

static int call(struct rpc_client *c, const char *method, const char *path,
		const char *body, struct rpc_result *r)
{
	json_t *j = body ? json_loads(body, 0, NULL) : NULL;
	int rc = rpc_client_call(c, method, path, j, NULL, r);
	json_decref(j);
	return rc;
}

static int status_of(struct rpc_client *c, const char *method, const char *path,
		     const char *ctype, const char *body, size_t len)
{
	struct rpc_result r;
	if (rpc_client_call_raw(c, method, path, ctype, body, len, NULL, &r))
		return -1;
	int s = r.status;
	rpc_result_clear(&r);
	return s;
}

static const char *error_code(struct rpc_result *r)
{
	return json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
}

struct slow_call {
	int rc, status;
};

static void *slow_thread(void *arg)
{
	struct slow_call *s = arg;
	struct rpc_client *c = tu_platform_client(pa, iport, "client", "echo");
	struct rpc_result r;
	s->rc = c ? rpc_client_call(c, "GET", "/slow?ms=2000", NULL, NULL, &r) : -1;
	if (s->rc == 0) {
		s->status = r.status;
		rpc_result_clear(&r);
	}
	rpc_client_free(c);
	return NULL;
}

/* The echo server's one thread sleeps in GET /slow's handler. */
/* Handlers run on worker threads: any thread of the server asleep in
 * GET /slow's nanosleep. (/proc/TID works for a thread id too.) */
static int in_slow_handler(void *pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)*(pid_t *)pid);
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d))) {
		long nr = e->d_name[0] == '.' ? -1 : harness_proc_syscall((pid_t)atoi(e->d_name));
		found = nr == SYS_nanosleep || nr == SYS_clock_nanosleep;
	}
	if (d)
		closedir(d);
	return found;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	char tmp[1024], out[8192], cfg[4096], log[4096];
	CHECK(harness_temp_dir(tmp, sizeof(tmp), "rpc") == 0, "temp dir");
	snprintf(pa, sizeof(pa), "%s/a", tmp);
	snprintf(pb, sizeof(pb), "%s/b", tmp);
	char *init_a[] = { argv[1], "init", pa, "--test-services", NULL };
	char *init_b[] = { argv[1], "init", pb, "--test-services", NULL };
	CHECK(harness_run_text(init_a, NULL, out, sizeof(out)) == 0, "platform A created");
	CHECK(harness_run_text(init_b, NULL, out, sizeof(out)) == 0, "platform B (another CA) created");
	iport = tu_config_port(pa, "echo", "listen");
	pport = tu_config_port(pa, "echo", "public");
	snprintf(cfg, sizeof(cfg), "%s/echo.json", pa);
	snprintf(log, sizeof(log), "%s/echo.log", tmp);
	char *echo_argv[] = { argv[2], "--config", cfg, NULL };
	pid_t pid = harness_spawn(echo_argv, log);

	struct rpc_client *c = tu_platform_client(pa, iport, "client", "echo");
	CHECK(tu_wait_healthy(c, 10000) == 0, "echo answers /healthz over mutual TLS");
	struct rpc_result r;
	CHECK(call(c, "GET", "/healthz", NULL, &r) == 0 && r.status == 200 &&
	      strcmp(json_string_value(json_object_get(r.json, "service")), "echo") == 0 &&
	      strcmp(json_string_value(json_object_get(r.json, "status")), "ok") == 0,
	      "/healthz gives {status:ok, service:echo}");
	rpc_result_clear(&r);

	char v[128];
	CHECK(harness_proc_status(pid, "Seccomp", v, sizeof(v)) == 0 && strcmp(v, "2") == 0,
	      "echo runs under a seccomp filter (Seccomp: %s)", v);

	CHECK(call(c, "POST", "/echo", "{\"x\":[1,\"\xc3\xa9\"]}", &r) == 0 && r.status == 200 &&
	      json_integer_value(json_array_get(json_object_get(r.json, "x"), 0)) == 1,
	      "JSON body round trip");
	rpc_result_clear(&r);

	request_id_set_current("trace-123");
	CHECK(call(c, "GET", "/whoami", NULL, &r) == 0 &&
	      strcmp(json_string_value(json_object_get(r.json, "peer")), "client") == 0,
	      "handler sees the peer certificate CN");
	CHECK(strcmp(json_string_value(json_object_get(r.json, "request_id")), "trace-123") == 0,
	      "the client forwards the current request id");
	rpc_result_clear(&r);
	request_id_set_current(NULL);
	CHECK(rpc_client_call(c, "GET", "/whoami", NULL, "tok-1", &r) == 0 &&
	      strcmp(json_string_value(json_object_get(r.json, "bearer")), "tok-1") == 0 &&
	      request_id_valid(json_string_value(json_object_get(r.json, "request_id"))),
	      "bearer token passed; a request id is generated when none is sent");
	rpc_result_clear(&r);
	rpc_client_set_header(c, "X-Request-Id", "bad id!");
	CHECK(call(c, "GET", "/whoami", NULL, &r) == 0 &&
	      strcmp(json_string_value(json_object_get(r.json, "request_id")), "bad id!") != 0 &&
	      request_id_valid(json_string_value(json_object_get(r.json, "request_id"))),
	      "an invalid X-Request-Id is replaced");
	rpc_result_clear(&r);
	rpc_client_set_header(c, "X-Request-Id", NULL);

	CHECK(call(c, "GET", "/items/a%20b/parts/p1?q=z%26y", NULL, &r) == 0 &&
	      strcmp(json_string_value(json_object_get(r.json, "id")), "a b") == 0 &&
	      strcmp(json_string_value(json_object_get(r.json, "part")), "p1") == 0 &&
	      strcmp(json_string_value(json_object_get(r.json, "q")), "z&y") == 0,
	      "path and query parameters decoded");
	rpc_result_clear(&r);

	CHECK(status_of(c, "GET", "/items/%ff/parts/p", NULL, NULL, 0) == 400,
	      "path parameter that is not UTF-8: 400");
	CHECK(status_of(c, "GET", "/items/a/parts/p?q=%ff", NULL, NULL, 0) == 400,
	      "query parameter that is not UTF-8: 400");
	CHECK(call(c, "GET", "/nope", NULL, &r) == 0 && r.status == 404 &&
	      strcmp(error_code(&r), "not_found") == 0, "unknown path: 404 not_found");
	rpc_result_clear(&r);
	CHECK(call(c, "DELETE", "/echo", NULL, &r) == 0 && r.status == 405 &&
	      strcmp(error_code(&r), "method_not_allowed") == 0,
	      "wrong method: 405 method_not_allowed");
	rpc_result_clear(&r);

	CHECK(call(c, "POST", "/storage-only", "{}", &r) == 0 && r.status == 403 &&
	      strcmp(error_code(&r), "permission_denied") == 0,
	      "peer not on the allowlist: 403 permission_denied");
	rpc_result_clear(&r);
	struct rpc_client *storage = tu_platform_client(pa, iport, "storage", "echo");
	CHECK(storage && call(storage, "POST", "/storage-only", "{\"k\":1}", &r) == 0 &&
	      r.status == 200, "peer on the allowlist: 200");
	rpc_result_clear(&r);
	rpc_client_free(storage);

	CHECK(status_of(c, "POST", "/echo", "application/json", "{\"a\":", 5) == 400,
	      "malformed JSON: 400");
	CHECK(call(c, "POST", "/echo", NULL, &r) == 0 && r.status == 200, "empty body allowed");
	rpc_result_clear(&r);
	CHECK(rpc_client_call_raw(c, "POST", "/echo", "application/json",
				  "{\"a\":\"\xff\"}", 8, NULL, &r) == 0 &&
	      r.status == 400 && strcmp(error_code(&r), "bad_request") == 0,
	      "invalid UTF-8: 400 bad_request");
	rpc_result_clear(&r);
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	CHECK(status_of(c, "POST", "/echo", "application/json", deep, sizeof(deep)) == 400,
	      "JSON nested deeper than the limit: 400");
	/* init writes max_body 1 MiB for a service other than storage (which
	 * takes 4 MiB values in base64) and max_blob_body 64 MiB for
	 * RPC_ROUTE_BLOB routes. */
	size_t big = (1u << 20) + 1;
	char *huge = malloc(big);
	memset(huge, 'a', big);
	CHECK(status_of(c, "PUT", "/raw/x", "application/octet-stream", huge, big) == 413,
	      "body above limits.max_body: 413");
	CHECK(status_of(c, "PUT", "/raw/x", "application/octet-stream", huge, big - 1) == 200,
	      "body at the limit: 200");
	CHECK(status_of(c, "PUT", "/blob/x", "application/octet-stream", huge, big) == 200,
	      "the same body on a blob route (limit max_blob_body): 200");
	free(huge);
	CHECK(rpc_client_call_raw(c, "PUT", "/raw/a/b", "application/octet-stream",
				  "\x00\x01\x02", 3, NULL, &r) == 0 && r.status == 200 &&
	      r.raw_len == 3 && memcmp(r.raw, "\x00\x01\x02", 3) == 0 &&
	      strcmp(r.content_type, "application/octet-stream") == 0,
	      "raw bytes round trip with a content type");
	rpc_result_clear(&r);

	/* Keep-alive: a fresh client makes several calls over one connection. */
	struct rpc_client *k = tu_platform_client(pa, iport, "client", "echo");
	int ok = 1;
	for (int i = 0; i < 5; i++)
		ok &= status_of(k, "GET", "/healthz", NULL, NULL, 0) == 200;
	CHECK(ok && rpc_client_connections(k) == 1,
	      "keep-alive: 5 calls on %u connection(s)", rpc_client_connections(k));
	rpc_client_free(k);

	/* Refusals at the handshake. */
	struct rpc_client *anon = tu_platform_client(pa, iport, NULL, "echo");
	CHECK(anon && status_of(anon, "GET", "/healthz", NULL, NULL, 0) < 0,
	      "internal listener refuses a client without a certificate");
	rpc_client_free(anon);
	char ca_a[4096], cert_b[4096], key_b[4096];
	snprintf(ca_a, sizeof(ca_a), "%s/ca.pem", pa);
	snprintf(cert_b, sizeof(cert_b), "%s/certs/client.pem", pb);
	snprintf(key_b, sizeof(key_b), "%s/certs/client.key", pb);
	struct rpc_client *other = tu_client(iport, ca_a, cert_b, key_b, "echo");
	CHECK(other && status_of(other, "GET", "/healthz", NULL, NULL, 0) < 0,
	      "internal listener refuses a certificate from another CA");
	rpc_client_free(other);
	struct rpc_client *wrong = tu_platform_client(pa, iport, "client", "storage");
	CHECK(wrong && status_of(wrong, "GET", "/healthz", NULL, NULL, 0) < 0,
	      "client refuses a server whose CN is not the expected service");
	rpc_client_free(wrong);
	struct rpc_client *pb_trust = tu_platform_client(pb, iport, "client", NULL);
	CHECK(pb_trust && status_of(pb_trust, "GET", "/healthz", NULL, NULL, 0) < 0,
	      "client refuses a server certificate from another CA");
	rpc_client_free(pb_trust);

	/* The public listener: TLS without a client certificate. */
	struct rpc_client *pub = tu_platform_client(pa, pport, NULL, "echo");
	CHECK(pub && call(pub, "GET", "/hello", NULL, &r) == 0 && r.status == 200,
	      "public listener serves a public route without a client certificate");
	rpc_result_clear(&r);
	CHECK(pub && call(pub, "GET", "/whoami", NULL, &r) == 0 &&
	      json_is_null(json_object_get(r.json, "peer")) &&
	      json_is_true(json_object_get(r.json, "public")), "public request has no peer CN");
	rpc_result_clear(&r);
	CHECK(pub && status_of(pub, "GET", "/items/a/parts/b", NULL, NULL, 0) == 404,
	      "internal-only route is not served on the public listener");
	CHECK(pub && status_of(pub, "GET", "/healthz", NULL, NULL, 0) == 200,
	      "/healthz on the public listener");
	rpc_client_free(pub);
	CHECK(status_of(c, "GET", "/hello", NULL, NULL, 0) == 404,
	      "public-only route is not served on the internal listener");
	rpc_client_free(c);

	/* SIGTERM while a slow request is in flight: it completes, exit 0. */
	struct slow_call slow = { -1, 0 };
	pthread_t t;
	pthread_create(&t, NULL, slow_thread, &slow);
	CHECK(harness_until(in_slow_handler, &pid, 2, 30000) == 0,
	      "the slow request reaches its handler");
	kill(pid, SIGTERM);
	int st = harness_wait(pid, 10000);
	pthread_join(t, NULL);
	CHECK(slow.rc == 0 && slow.status == 200,
	      "the request in flight at SIGTERM completes (rc %d, status %d)", slow.rc, slow.status);
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the server exits 0 after SIGTERM (status 0x%x)", st);
	struct rpc_client *after = tu_platform_client(pa, iport, "client", "echo");
	CHECK(after && status_of(after, "GET", "/healthz", NULL, NULL, 0) < 0,
	      "nothing listens after shutdown");
	rpc_client_free(after);

	harness_remove_tree(tmp);
	TAP_DONE();
}
