/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-authentication and kettle-storage as real processes, started by
 * kettle-platform on loopback: the admin logs in, creates users of every
 * role, they log in and change passwords, old tokens stop working, a
 * sixth attempt from an address that failed five times waits (429), and
 * bad input gets the right 4xx. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "tests/services/storage/harness.h"
#include "tests/tap.h"

static struct rpc_client *pub;

static int str_is(const json_t *v, const char *s)
{
	return json_is_string(v) && !strcmp(json_string_value(v), s);
}

/* Calls and returns the status; *out (may be NULL) gets the JSON body. */
static int call(struct rpc_client *c, const char *method, const char *path,
		json_t *body, const char *bearer, json_t **out)
{
	struct rpc_result res;
	int status;

	if (rpc_client_call(c, method, path, body, bearer, &res) < 0) {
		printf("# %s %s: %s\n", method, path, rpc_client_error(c));
		json_decref(body);
		return -1;
	}
	json_decref(body);
	status = res.status;
	if (out)
		*out = res.json ? json_incref(res.json) : NULL;
	rpc_result_clear(&res);
	return status;
}

static int call_raw(struct rpc_client *c, const char *method,
		    const char *path, const char *data, const char *bearer,
		    char *code, size_t code_cap)
{
	size_t len = strlen(data);
	struct rpc_result res;
	int status;

	if (rpc_client_call_raw(c, method, path, "application/json", data, len,
				bearer, &res) < 0) {
		printf("# %s %s: %s\n", method, path, rpc_client_error(c));
		return -1;
	}
	status = res.status;
	const char *err = json_string_value(
		json_object_get(json_object_get(res.json, "error"), "code"));
	snprintf(code, code_cap, "%s", err ? err : "");
	rpc_result_clear(&res);
	return status;
}

static char *login(const char *id, const char *pw, int *status)
{
	json_t *out = NULL;
	char *token = NULL;

	*status = call(pub, "POST", "/v1/login",
		       json_pack("{s:s, s:s}", "id", id, "password", pw), NULL,
		       &out);
	if (*status == 200 && json_is_string(json_object_get(out, "token")))
		token = strdup(json_string_value(json_object_get(out, "token")));
	json_decref(out);
	return token;
}

static int create_user(const char *token, const char *id, const char *role,
		       const char *attr)
{
	return call(pub, "POST", "/v1/users",
		    json_pack("{s:s, s:s, s:s, s:s}", "id", id, "password",
			      "first-password", "role", role, "attribute", attr),
		    token, NULL);
}

static void test_users(const struct harness *h)
{
	static const char *const roles[][3] = {
		{ "fo1", "function_owner", "" },
		{ "dom1", "data_owner_manager", "org1" },
		{ "do1", "data_owner", "org1" },
		{ "admin2", "platform_admin", "" },
	};
	char *admin, *tok, *old, path[128];
	json_t *out = NULL;
	int st, ok = 1;

	admin = login("admin", h->admin_password, &st);
	CHECK(admin && st == 200, "admin logs in with the platform's password");
	if (!admin)
		return;
	for (size_t i = 0; i < 4; i++)
		ok &= create_user(admin, roles[i][0], roles[i][1],
				  roles[i][2]) == 200;
	CHECK(ok, "admin creates a user of each role");
	ok = 1;
	for (size_t i = 0; i < 4; i++) {
		tok = login(roles[i][0], "first-password", &st);
		ok &= tok != NULL;
		free(tok);
	}
	CHECK(ok, "each new user logs in");
	CHECK(call(pub, "GET", "/v1/users", NULL, admin, &out) == 200 &&
		      json_array_size(json_object_get(out, "users")) == 5,
	      "admin lists 5 users");
	json_decref(out);

	tok = login("dom1", "first-password", &st);
	CHECK(create_user(tok, "do2", "data_owner", "org1") == 200,
	      "a data owner manager creates a data owner of its org");
	CHECK(create_user(tok, "do3", "data_owner", "org2") == 403,
	      "but not one of another org (403)");
	CHECK(call(pub, "DELETE", "/v1/users/fo1", NULL, tok, NULL) == 404,
	      "and cannot see a function owner (404)");
	free(tok);

	/* Password changes end older tokens. */
	old = login("do1", "first-password", &st);
	CHECK(call(pub, "POST", "/v1/users/me/password",
		   json_pack("{s:s, s:s}", "old_password", "first-password",
			     "password", "second-password"),
		   old, NULL) == 200,
	      "a data owner changes its password");
	CHECK(call(pub, "GET", "/v1/users", NULL, old, &out) == 401,
	      "its token from before the change gets 401");
	json_decref(out);
	tok = login("do1", "first-password", &st);
	CHECK(!tok && st == 401, "the old password gets 401");
	tok = login("do1", "second-password", &st);
	CHECK(tok && st == 200, "the new password logs in");
	free(old);
	old = tok;
	CHECK(call(pub, "POST", "/v1/users/do1/reset-password", NULL, admin,
		   &out) == 200 &&
		      json_is_string(json_object_get(out, "password")),
	      "admin resets the password and gets the new one");
	json_decref(out);
	CHECK(call(pub, "POST", "/v1/users/me/password",
		   json_pack("{s:s, s:s}", "old_password", "second-password",
			     "password", "third-password"),
		   old, NULL) == 401,
	      "after a reset the older token gets 401");
	free(old);

	/* Internal validation for the frontend (client certificate). */
	tok = login("fo1", "first-password", &st);
	{
		struct rpc_client *in = harness_client(h, h->auth_internal_url, 1);
		CHECK(in &&
			      call(in, "POST", "/internal/validate",
				   json_pack("{s:s}", "token", tok), NULL,
				   &out) == 200 &&
			      str_is(json_object_get(out, "role"),
				     "function_owner"),
		      "/internal/validate returns the caller's role");
		json_decref(out);
		snprintf(path, sizeof(path), "%s", "/internal/validate");
		CHECK(call(pub, "POST", path, json_pack("{s:s}", "token", tok),
			   NULL, NULL) == 404,
		      "/internal/validate is not served on the public listener");
		rpc_client_free(in);
	}
	CHECK(call(pub, "DELETE", "/v1/users/fo1", NULL, admin, NULL) == 200 &&
		      call(pub, "GET", "/v1/users", NULL, tok, NULL) == 401,
	      "deleting a user ends its token");
	free(tok);

	/* Throttling (the first wait, 5 s, outlasts the next call). */
	for (int i = 0; i < 5; i++)
		free(login("admin2", "wrong-password", &st));
	CHECK(st == 401, "five wrong passwords get 401");
	tok = login("admin2", "first-password", &st);
	CHECK(!tok && st == 429,
	      "the sixth attempt from that address gets 429 even when right");
	free(tok);
	free(admin);
}

/* Announces a 4 MiB body and reads the status line without sending it:
 * the server must refuse on the header alone. (Sending the body through
 * the client races with the server closing early.) */
static int oversized_status(const struct harness *h)
{
	static const char req[] = "POST /v1/login HTTP/1.1\r\n"
				  "Host: 127.0.0.1\r\n"
				  "Content-Type: application/json\r\n"
				  "Content-Length: 4194304\r\n\r\n";
	char host[128], line[64] = "";
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	BIO *bio = NULL;
	int status = -1, n;

	snprintf(host, sizeof(host), "%s", h->auth_url + strlen("https://"));
	if (!ctx || SSL_CTX_load_verify_locations(ctx, h->ca, NULL) != 1)
		goto out;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	bio = BIO_new_ssl_connect(ctx);
	if (!bio || BIO_set_conn_hostname(bio, host) != 1 ||
	    BIO_do_connect(bio) != 1 ||
	    BIO_write(bio, req, (int)strlen(req)) != (int)strlen(req))
		goto out;
	n = BIO_read(bio, line, sizeof(line) - 1);
	if (n > 12 && !strncmp(line, "HTTP/1.1 ", 9))
		status = atoi(line + 9);
out:
	BIO_free_all(bio);
	SSL_CTX_free(ctx);
	return status;
}

static void test_bad_input(const struct harness *h)
{
	char code[64], big[10100], path[10200], *admin;
	int st;

	CHECK(call_raw(pub, "POST", "/v1/login", "{\"id\":", NULL, code,
		       sizeof(code)) == 400 &&
		      !strcmp(code, "bad_request"),
	      "malformed JSON gets 400 bad_request");
	CHECK(call_raw(pub, "POST", "/v1/login", "{\"id\":\"\xff\",\"password\":\"x\"}", NULL, code, sizeof(code)) == 400,
	      "invalid UTF-8 gets 400");
	CHECK(call_raw(pub, "POST", "/v1/login", "{\"id\":5,\"password\":\"x\"}", NULL, code, sizeof(code)) == 400,
	      "a wrong type gets 400");
	CHECK(call_raw(pub, "POST", "/v1/login", "{\"id\":\"admin\"}", NULL, code, sizeof(code)) == 400,
	      "a missing field gets 400");
	CHECK(call_raw(pub, "POST", "/v1/login",
		       "{\"id\":\"a\",\"password\":\"x\",\"x\":1}", NULL,
		       code, sizeof(code)) == 400,
	      "an extra field gets 400");
	CHECK(call_raw(pub, "POST", "/v1/login",
		       "{\"id\":\"a\\u0000b\",\"password\":\"x\"}", NULL,
		       code, sizeof(code)) == 400,
	      "an id with NUL gets 400");
	CHECK(call_raw(pub, "POST", "/v1/login",
		       "{\"id\":\"../x\",\"password\":\"password1\"}", NULL,
		       code, sizeof(code)) == 400,
	      "an id with '..' and '/' gets 400");
	memset(big, 'a', 10000);
	snprintf(path, sizeof(path), "{\"id\":\"%.10000s\",\"password\":\"x\"}", big);
	CHECK(call_raw(pub, "POST", "/v1/login", path, NULL,
		       code, sizeof(code)) == 400,
	      "an id of 10 000 characters gets 400");
	admin = login("admin", h->admin_password, &st);
	CHECK(admin != NULL, "admin logs in again for the user-call checks");
	snprintf(path, sizeof(path), "/v1/users/%.10000s", big);
	CHECK(call(pub, "PUT", path, json_pack("{s:s}", "role", "data_owner"),
		   admin, NULL) == 400,
	      "PUT with a 10 000-character id gets 400");
	CHECK(call(pub, "PUT", "/v1/users/do2", json_pack("{s:i}", "role", 5),
		   admin, NULL) == 400,
	      "PUT with a numeric role gets 400");
	CHECK(call(pub, "PUT", "/v1/users/do2",
		   json_pack("{s:s}", "role", "superuser"), admin, NULL) == 400,
	      "PUT with an unknown role gets 400");
	CHECK(call(pub, "POST", "/v1/users",
		   json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", "z1", "password",
			     "long-enough", "role", "function_owner",
			     "attribute", "", "admin", 1),
		   admin, NULL) == 400,
	      "POST /v1/users with an extra field gets 400");
	CHECK(call(pub, "POST", "/v1/users",
		   json_pack("{s:s, s:s, s:s}", "id", "z1", "password", "short",
			     "role", "function_owner"),
		   admin, NULL) == 400,
	      "POST /v1/users with a 5-byte password gets 400");
	CHECK(call(pub, "POST", "/v1/users/do2/reset-password",
		   json_pack("{s:i}", "x", 1), admin, NULL) == 400,
	      "reset-password with a body gets 400");
	CHECK(call(pub, "DELETE", "/v1/users/nobody", NULL, admin, NULL) == 404,
	      "DELETE of an unknown user gets 404");
	CHECK(call(pub, "POST", "/v1/users/me/password",
		   json_pack("{s:s, s:s}", "old_password", "wrong-password",
			     "password", "whatever-new"),
		   admin, NULL) == 403,
	      "me/password with a wrong old password gets 403");
	free(admin);
	CHECK(oversized_status(h) == 413,
	      "a request announcing a 4 MiB body gets 413");
	CHECK(call(pub, "GET", "/v1/users", NULL, "not.a.token", NULL) == 401,
	      "a garbage token gets 401");
	CHECK(call(pub, "GET", "/v1/users", NULL, NULL, NULL) == 401,
	      "no token gets 401");
	snprintf(path, sizeof(path), "/v1/users/%.10000s", big);
	CHECK(call(pub, "DELETE", path, NULL, "x.y.z", NULL) == 401,
	      "a long path without a valid token gets 401 first");
}

static void test_storage_allowlist(const struct harness *h)
{
	struct rpc_client *anon = harness_client(h, h->storage_url, 0);
	json_t *body = json_pack("{s:s}", "key", "user/admin");
	struct rpc_result res;
	int rc = anon ? rpc_client_call(anon, "POST", "/store/get", body, NULL,
					&res)
		      : -1;

	json_decref(body);
	CHECK(rc < 0 || res.status == 401 || res.status == 403,
	      "kettle-storage refuses a caller without a client certificate");
	if (rc == 0)
		rpc_result_clear(&res);
	rpc_client_free(anon);
}

/* The service named name (pid from DIR/run/<name>.pid) runs jailed:
 * seccomp filter mode, no effective capabilities, no_new_privs. */
static int jailed(const struct harness *h, const char *name)
{
	char path[HARNESS_PATH + 64], line[256];
	int seccomp = 0, nocaps = 0, nnp = 0;
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/run/%s.pid", h->dir, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = pid > 0 ? fopen(path, "r") : NULL;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		seccomp |= !strcmp(line, "Seccomp:\t2\n");
		nocaps |= !strcmp(line, "CapEff:\t0000000000000000\n");
		nnp |= !strcmp(line, "NoNewPrivs:\t1\n");
	}
	fclose(f);
	return seccomp && nocaps && nnp;
}

int main(void)
{
	struct harness h;
	const char *missing = harness_missing();

	if (missing)
		TAP_SKIP_ALL("%s", missing);
	CHECK(harness_init(&h) == 0, "kettle-platform init");
	CHECK(harness_start(&h) == 0, "kettle-platform start");
	CHECK(jailed(&h, "storage"),
	      "kettle-storage runs with seccomp, no capabilities, no_new_privs");
	CHECK(jailed(&h, "authentication"),
	      "kettle-authentication runs with seccomp, no capabilities, "
	      "no_new_privs");
	pub = harness_client(&h, h.auth_url, 0);
	if (pub) {
		test_users(&h);
		test_bad_input(&h);
		test_storage_allowlist(&h);
		rpc_client_free(pub);
	}
	harness_destroy(&h);
	TAP_DONE();
}
