/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-frontend against the real storage, authentication and access
 * control started by kettle-platform, with a stand-in management
 * (kettle-fake-management) that answers what it received: login and user
 * calls through DIR/url, forwarding (method, path, query, body, raw
 * blobs), the caller's identity in headers that a client cannot forge,
 * revoked tokens refused within a second, the per-user rate limit, bad
 * input, and a stalled management or authentication answered with 503.
 * Usage: test_frontend KETTLE_PLATFORM KETTLE_FAKE_MANAGEMENT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/services/access_control/peer_cert.h"
#include "tests/services/common/test_util.h"
#include "tests/tap.h"

static char dir[2048], platform[4096];
static int url_port;
static struct rpc_client *pub;
static char *admin;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(int s)
{
	struct timespec ts = { s, 0 };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static struct rpc_client *public_client(void)
{
	char url[64], ca[4200], err[256];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", url_port);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	struct rpc_client_opts o = { .url = url, .ca = ca, .expect_cn = "frontend",
				     .timeout_ms = 30000 };
	struct rpc_client *c = rpc_client_new(&o, err, sizeof(err));
	if (!c)
		printf("# client: %s\n", err);
	return c;
}

/* A call with a raw body (NULL: none); status, *out the JSON answer. */
static int call_raw(struct rpc_client *c, const char *method, const char *path,
		    const char *type, const void *body, size_t len, const char *token,
		    json_t **out, struct rpc_result *keep)
{
	struct rpc_result r;
	if (out)
		*out = NULL;
	if (rpc_client_call_raw(c, method, path, type, body, len, token, &r)) {
		printf("# %s %s: %s\n", method, path, rpc_client_error(c));
		return -1;
	}
	int st = r.status;
	if (out && r.json)
		*out = json_incref(r.json);
	if (keep)
		*keep = r;
	else
		rpc_result_clear(&r);
	return st;
}

static int call(const char *method, const char *path, const char *body,
		const char *token, json_t **out)
{
	return call_raw(pub, method, path, body ? "application/json" : NULL, body,
			body ? strlen(body) : 0, token, out, NULL);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static const char *code_of(const json_t *o)
{
	return str(json_object_get(o, "error"), "code");
}

static char *login(const char *id, const char *pw)
{
	char body[512];
	json_t *out;
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"password\":\"%s\"}", id, pw);
	char *tok = NULL;
	if (call("POST", "/v1/login", body, NULL, &out) == 200 && *str(out, "token"))
		tok = strdup(str(out, "token"));
	json_decref(out);
	return tok;
}

static int create_user(const char *id, const char *role, const char *attr)
{
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"id\":\"%s\",\"password\":\"first-password\",\"role\":\"%s\",\"attribute\":\"%s\"}",
		 id, role, attr);
	return call("POST", "/v1/users", body, admin, NULL);
}

static pid_t pid_of(const char *service)
{
	char path[4200], text[32] = "";
	snprintf(path, sizeof(path), "%s/run/%s.pid", dir, service);
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(text, sizeof(text), f))
			text[0] = '\0';
		fclose(f);
	}
	return (pid_t)atoi(text);
}

/* One whole HTTP exchange on a fresh TLS connection, for the headers the
 * RPC client does not show (Retry-After). The answer goes into out. */
static int raw_exchange(const char *request, char *out, size_t cap)
{
	char ca[4200], host[64];
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(host, sizeof(host), "127.0.0.1:%d", url_port);
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	BIO *bio = NULL;
	size_t used = 0;
	int rc = -1;
	if (ctx && SSL_CTX_load_verify_locations(ctx, ca, NULL) == 1 &&
	    (bio = BIO_new_ssl_connect(ctx)) && BIO_set_conn_hostname(bio, host) == 1 &&
	    BIO_do_connect(bio) == 1 &&
	    BIO_write(bio, request, (int)strlen(request)) == (int)strlen(request)) {
		int n;
		while (used + 1 < cap && (n = BIO_read(bio, out + used, (int)(cap - 1 - used))) > 0)
			used += (size_t)n;
		rc = 0;
	}
	out[used] = '\0';
	BIO_free_all(bio);
	SSL_CTX_free(ctx);
	return rc;
}

static int setup(const char *fake_bin, pid_t *fake)
{
	char out[16384], path[4200];
	char *init[] = { platform, "init", dir, NULL };
	if (harness_run_text(init, NULL, out, sizeof(out)) != 0 ||
	    peer_cert_issue(dir, "management", "fake-management") != 0)
		return -1;
	int port = tu_free_port();
	json_t *cfg = json_pack("{s:s,s:{s:s,s:i},s:{s:s,s:s,s:s}}", "service", "management",
				"listen", "address", "127.0.0.1", "port", port, "tls",
				"cert", "certs/fake-management.pem", "key",
				"certs/fake-management.key", "ca", "ca.pem");
	snprintf(path, sizeof(path), "%s/fake-management.json", dir);
	int rc = json_dump_file(cfg, path, 0);
	json_decref(cfg);
	/* The frontend sends management calls to the stand-in, limits each
	 * user to a burst of 60 then one a second, and waits 2 s for peers. */
	snprintf(path, sizeof(path), "%s/frontend.json", dir);
	cfg = json_load_file(path, 0, NULL);
	char url[64];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", port);
	if (rc || !cfg ||
	    json_object_set_new(json_object_get(cfg, "peers"), "management", json_string(url)) ||
	    json_object_set_new(cfg, "rate_limit", json_pack("{s:i,s:i}", "per_second", 1, "burst", 60)) ||
	    json_object_set_new(cfg, "peer_timeout_ms", json_integer(2000)) ||
	    /* its jail connects only to its peers' ports: add the stand-in's */
	    json_array_append_new(json_object_get(json_object_get(cfg, "jail"), "connect"),
				  json_integer(port)) ||
	    json_dump_file(cfg, path, JSON_INDENT(2)))
		rc = -1;
	json_decref(cfg);
	snprintf(path, sizeof(path), "%s/fake-management.json", dir);
	char log[4200];
	snprintf(log, sizeof(log), "%s/logs/fake-management.log", dir);
	char *argv[] = { (char *)fake_bin, "--config", path, NULL };
	*fake = rc ? -1 : harness_spawn(argv, log);
	struct rpc_client *c = tu_platform_client(dir, port, "client", "management");
	if (*fake < 0 || tu_wait_healthy(c, 10000))
		rc = -1;
	rpc_client_free(c);
	char *start[] = { platform, "start", dir, NULL };
	if (rc || harness_run_text(start, NULL, out, sizeof(out)) != 0) {
		printf("# start: %s\n", out);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/url", dir);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(url, sizeof(url), f) || strncmp(url, "https://127.0.0.1:", 18)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	url_port = atoi(url + 18);
	return tu_config_port(dir, "frontend", "public") == url_port ? 0 : -1;
}

static void test_forwarding(void)
{
	json_t *o;
	CHECK(call("GET", "/v1/audit?limit=5&task_id=a%20b%26c", NULL, admin, &o) == 200 &&
	      !strcmp(str(o, "method"), "GET") && !strcmp(str(o, "path"), "/v1/audit") &&
	      !strcmp(str(o, "limit"), "5") && !strcmp(str(o, "task_id"), "a b&c"),
	      "GET with a query reaches management with path and query unchanged");
	CHECK(!strcmp(str(o, "user"), "admin") && !strcmp(str(o, "role"), "platform_admin") &&
	      json_is_string(json_object_get(o, "attribute")) && !strcmp(str(o, "peer"), "frontend"),
	      "as the caller: X-Kettle-User/Role/Attribute, from CN frontend");
	CHECK(!json_is_string(json_object_get(o, "authorization")), "the token itself is not passed on");
	json_decref(o);

	char *do1 = login("do1", "first-password");
	const char *body = "{\"name\": \"f\", \"arguments\": [1, 2, {\"k\": \"\\u00e9\"}]}";
	CHECK(do1 && call("POST", "/v1/functions", body, do1, &o) == 200 &&
	      !strcmp(str(o, "method"), "POST") && !strcmp(str(o, "path"), "/v1/functions") &&
	      !strcmp(str(o, "body"), body) && !strcmp(str(o, "user"), "do1") &&
	      !strcmp(str(o, "role"), "data_owner") && !strcmp(str(o, "attribute"), "org1"),
	      "POST: the body arrives byte for byte, as do1 (data_owner of org1)");
	json_decref(o);
	CHECK(call("DELETE", "/v1/functions/function-1", NULL, do1, &o) == 200 &&
	      !strcmp(str(o, "method"), "DELETE") && !strcmp(str(o, "path"), "/v1/functions/function-1"),
	      "DELETE is passed on as DELETE");
	json_decref(o);

	rpc_client_set_header(pub, "X-Kettle-User", "admin");
	rpc_client_set_header(pub, "X-Kettle-Role", "platform_admin");
	CHECK(call("GET", "/v1/tasks/task-1", NULL, do1, &o) == 200 &&
	      !strcmp(str(o, "user"), "do1") && !strcmp(str(o, "role"), "data_owner"),
	      "identity headers sent by a client are ignored");
	json_decref(o);
	rpc_client_set_header(pub, "X-Kettle-User", NULL);
	rpc_client_set_header(pub, "X-Kettle-Role", NULL);

	static const unsigned char blob[] = { 0, 0xff, 0xfe, '{', 1, 2, 3 };
	CHECK(call_raw(pub, "PUT", "/v1/blobs", "application/octet-stream", blob, sizeof(blob),
		       do1, &o, NULL) == 200 &&
	      json_integer_value(json_object_get(o, "body_len")) == (json_int_t)sizeof(blob) &&
	      !strcmp(str(o, "content_type"), "application/octet-stream"),
	      "PUT /v1/blobs: raw (non-JSON) bytes are passed on");
	json_decref(o);
	struct rpc_result r;
	static const unsigned char want[] = { 0, 1, 2, 0xff, 'k', 'e', 't' };
	int st = call_raw(pub, "GET", "/v1/blobs/abc", NULL, NULL, 0, do1, NULL, &r);
	CHECK(st == 200 && r.raw_len == sizeof(want) && !memcmp(r.raw, want, sizeof(want)) &&
	      r.content_type && !strcmp(r.content_type, "application/octet-stream"),
	      "GET /v1/blobs/{digest}: raw bytes come back unchanged");
	if (st >= 0)
		rpc_result_clear(&r);
	free(do1);
}

static void test_bad_input(void)
{
	char *do1 = login("do1", "first-password");
	json_t *o;
	static const struct { const char *method, *path, *body; int status; const char *what; } bad[] = {
		{ "POST", "/v1/functions", "{\"name\": ", 400, "malformed JSON" },
		{ "POST", "/v1/functions", "{\"a\": \"\xff\"}", 400, "invalid UTF-8 in the body" },
		{ "POST", "/v1/functions", "{\"a\":1,\"a\":2}", 400, "a duplicate key" },
		{ "GET", "/v1/functions/%2E%2E/x", NULL, 400, "an encoded .. segment" },
		{ "GET", "/v1/functions/../x", NULL, 400, "a .. segment" },
		{ "GET", "/v1/tasks//approve", NULL, 400, "an empty segment" },
		{ "GET", "/v1/tasks/", NULL, 400, "a trailing slash" },
		{ "GET", "/v1/functions/a%00b", NULL, 400, "an encoded NUL" },
		{ "GET", "/v1/functions/a%0Ab", NULL, 400, "an encoded newline" },
		{ "GET", "/v1/functions/%ZZ", NULL, 400, "a bad escape" },
		{ "GET", "/v1/functions/%C3%28", NULL, 400, "an id that is not UTF-8" },
		{ "GET", "/v1/audit?limit=%ff", NULL, 400, "a query that is not UTF-8" },
		{ "GET", "/v2/functions", NULL, 404, "an unknown version" },
		{ "GET", "/v1", NULL, 404, "/v1 alone" },
		{ "GET", "/", NULL, 404, "the root" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int st = call(bad[i].method, bad[i].path, bad[i].body, do1, &o);
		CHECK(st == bad[i].status && *code_of(o), "%d %s for %s (%s)", bad[i].status,
		      code_of(o), bad[i].what, str(json_object_get(o, "error"), "message"));
		json_decref(o);
	}
	char *path = malloc(10100);
	snprintf(path, 10100, "/v1/functions/function-");
	memset(path + strlen(path), 'a', 10000);
	path[23 + 10000] = '\0';
	CHECK(call("GET", path, NULL, do1, &o) == 400 && !strcmp(code_of(o), "bad_request"),
	      "an id of 10 000 characters: 400");
	json_decref(o);
	free(path);
	char *big = malloc(2 << 20);
	memset(big, ' ', 2 << 20);
	big[0] = '[';
	big[(2 << 20) - 1] = ']';
	int st = call_raw(pub, "POST", "/v1/functions", "application/json", big, 2 << 20, do1, NULL, NULL);
	CHECK(st == 413 || st == -1, "a 2 MiB body is refused (413 or closed): %d", st);
	free(big);
	rpc_client_free(pub);
	pub = public_client();

	CHECK(call("GET", "/v1/tasks/task-1", NULL, NULL, &o) == 401 && !strcmp(code_of(o), "unauthenticated"),
	      "no token: 401 unauthenticated");
	json_decref(o);
	CHECK(call("GET", "/v1/tasks/task-1", NULL, "not-a-token", &o) == 401 &&
	      !strcmp(code_of(o), "unauthenticated"), "a garbage token: 401");
	json_decref(o);
	char *long_token = malloc(6000);
	memset(long_token, 'x', 5999);
	long_token[5999] = '\0';
	CHECK(call("GET", "/v1/tasks/task-1", NULL, long_token, &o) == 401, "a 6000-byte token: 401");
	json_decref(o);
	free(long_token);
	CHECK(call("POST", "/v1/login", "{\"id\": ", NULL, &o) == 400, "malformed login JSON: 400");
	json_decref(o);
	CHECK(call("POST", "/v1/login", "{\"id\":\"do1\",\"password\":\"wrong-password\"}", NULL, &o) == 401,
	      "a wrong password: 401 from authentication, through the frontend");
	json_decref(o);
	free(do1);
}

static void test_revocation(void)
{
	json_t *o;
	char *victim = login("victim", "first-password");
	CHECK(victim && call("GET", "/v1/tasks/task-1", NULL, victim, NULL) == 200,
	      "a data owner's token works");
	CHECK(call("DELETE", "/v1/users/victim", NULL, admin, NULL) == 200, "the admin deletes that user");
	sleep_s(1);
	CHECK(call("GET", "/v1/tasks/task-1", NULL, victim, &o) == 401 && !strcmp(code_of(o), "unauthenticated"),
	      "one second later its token is refused (401)");
	json_decref(o);
	free(victim);

	char *pw = login("pw1", "first-password");
	CHECK(pw && call("GET", "/v1/tasks/task-1", NULL, pw, NULL) == 200, "pw1's token works");
	CHECK(call("POST", "/v1/users/me/password",
		   "{\"old_password\":\"first-password\",\"password\":\"second-password\"}", pw, NULL) == 200,
	      "pw1 changes its password through the frontend");
	sleep_s(1);
	CHECK(call("GET", "/v1/tasks/task-1", NULL, pw, NULL) == 401,
	      "one second later the token from before the change is refused");
	free(pw);
	pw = login("pw1", "second-password");
	CHECK(pw && call("GET", "/v1/tasks/task-1", NULL, pw, NULL) == 200, "a new login works");
	free(pw);
}

static void test_rate_limit(void)
{
	char *busy = login("busy", "first-password");
	int ok = 0, limited = 0;
	json_t *o = NULL;
	for (int i = 0; i < 300 && !limited; i++) {
		int st = call("GET", "/v1/tasks/task-1", NULL, busy, &o);
		if (st == 200)
			ok++;
		else if (st == 429 && !strcmp(code_of(o), "rate_limited"))
			limited = 1;
		json_decref(o);
	}
	CHECK(limited && ok >= 60, "a user gets 429 rate_limited after its burst (%d allowed)", ok);
	char req[8192], answer[8192];
	snprintf(req, sizeof(req), "GET /v1/tasks/task-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		 "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", busy);
	CHECK(raw_exchange(req, answer, sizeof(answer)) == 0 && !strncmp(answer, "HTTP/1.1 429", 12) &&
	      strstr(answer, "Retry-After: ") && strstr(answer, "\"rate_limited\""),
	      "the 429 carries a Retry-After header");
	char *do1 = login("do1", "first-password");
	CHECK(call("GET", "/v1/tasks/task-1", NULL, do1, NULL) == 200, "another user is not limited");
	free(do1);
	free(busy);
}

static void test_stalls(pid_t fake)
{
	char *do1 = login("do1", "first-password");
	json_t *o;
	kill(fake, SIGSTOP);
	double t0 = now_s();
	int st = call("GET", "/v1/tasks/task-1", NULL, do1, &o);
	double took = now_s() - t0;
	CHECK(st == 503 && !strcmp(code_of(o), "unavailable") && took < 10,
	      "a stalled management (SIGSTOP): 503 unavailable after %.1f s", took);
	json_decref(o);
	kill(fake, SIGCONT);
	st = 0;
	for (int i = 0; i < 20 && st != 200; i++) {
		st = call("GET", "/v1/tasks/task-1", NULL, do1, NULL);
		if (st != 200)
			sleep_s(1);
	}
	CHECK(st == 200, "after SIGCONT calls go through again");

	pid_t auth = pid_of("authentication");
	CHECK(auth > 0 && kill(auth, SIGSTOP) == 0, "authentication stopped (SIGSTOP)");
	sleep_s(1); /* past the token cache */
	t0 = now_s();
	st = call("GET", "/v1/tasks/task-1", NULL, do1, &o);
	took = now_s() - t0;
	CHECK(st == 503 && !strcmp(code_of(o), "unavailable") && took < 10,
	      "a stalled authentication: 503 unavailable after %.1f s", took);
	json_decref(o);
	kill(auth, SIGCONT);
	free(do1);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_FAKE_MANAGEMENT\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	char tmp[1024], pw[128] = "", path[4200];
	snprintf(platform, sizeof(platform), "%s", argv[1]);
	CHECK(harness_temp_dir(tmp, sizeof(tmp), "frontend") == 0, "temp dir");
	snprintf(dir, sizeof(dir), "%s/p", tmp);
	pid_t fake = -1;
	int ready = setup(argv[2], &fake) == 0;
	CHECK(ready, "platform started; DIR/url is the frontend's public port");
	pub = ready ? public_client() : NULL;
	snprintf(path, sizeof(path), "%s/admin.password", dir);
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(pw, sizeof(pw), f))
			pw[0] = '\0';
		fclose(f);
	}
	admin = pub ? login("admin", pw) : NULL;
	CHECK(admin != NULL, "the admin logs in through DIR/url");
	if (admin) {
		int ok = create_user("do1", "data_owner", "org1") == 200 &&
			 create_user("victim", "data_owner", "org1") == 200 &&
			 create_user("pw1", "data_owner", "org1") == 200 &&
			 create_user("busy", "data_owner", "org1") == 200 &&
			 create_user("fo1", "function_owner", "") == 200;
		json_t *o;
		CHECK(ok && call("GET", "/v1/users", NULL, admin, &o) == 200 &&
		      json_array_size(json_object_get(o, "users")) == 6,
		      "user calls go to authentication: the admin creates and lists users");
		json_decref(o);
		test_forwarding();
		test_bad_input();
		test_revocation();
		test_rate_limit();
		test_stalls(fake);
	}
	rpc_client_free(pub);
	free(admin);
	char out[8192];
	char *stop[] = { platform, "stop", dir, NULL };
	harness_run_text(stop, NULL, out, sizeof(out));
	if (fake > 0) {
		kill(fake, SIGCONT);
		kill(fake, SIGTERM);
		harness_wait(fake, 10000);
	}
	if (!getenv("KETTLE_KEEP"))
		harness_remove_tree(tmp);
	TAP_DONE();
}
