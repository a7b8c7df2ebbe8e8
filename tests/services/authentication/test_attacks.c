/* SPDX-License-Identifier: Apache-2.0 */
/* The attacks of issue 7 on authentication, against the real processes
 * started by kettle-platform on loopback, each reproduced as found:
 *  - F6: a caller with storage access rewrites user/admin's hash and logs
 *    in as admin (the record's tag now makes it no user);
 *  - F4: 5 wrong passwords lock admin out for everyone (now only the
 *    guessing address waits; the admin, from elsewhere, logs in), and the
 *    throttle survives a restart;
 *  - F9: a storage outage answers 500 internal (now 503 unavailable);
 *  - the JWT signing key was the TLS key (now its own file, mode 0600). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/codec.h"
#include "services/authentication/password.h"
#include "tests/services/storage/harness.h"
#include "tests/services/storage/identity.h"
#include "tests/tap.h"

/* A real Argon2id hash of "attacker-pw", as an attacker with storage
 * access would write it into user/admin. */
static char attacker_hash[PASSWORD_HASH_MAX];

static int call(struct rpc_client *c, const char *path, json_t *body,
		json_t **out, char *code, size_t cap)
{
	struct rpc_result res;
	int status;

	if (code)
		code[0] = 0;
	if (rpc_client_call(c, "POST", path, body, NULL, &res) < 0) {
		printf("# %s: %s\n", path, rpc_client_error(c));
		json_decref(body);
		return -1;
	}
	json_decref(body);
	status = res.status;
	const char *e = json_string_value(
		json_object_get(json_object_get(res.json, "error"), "code"));
	if (code)
		snprintf(code, cap, "%s", e ? e : "");
	if (out)
		*out = res.json ? json_incref(res.json) : NULL;
	rpc_result_clear(&res);
	return status;
}

static int login(struct rpc_client *c, const char *id, const char *pw,
		 char *code, size_t cap)
{
	return call(c, "/v1/login",
		    json_pack("{s:s, s:s}", "id", id, "password", pw), NULL,
		    code, cap);
}

/* Rewrites user/admin through storage with the operator's certificate
 * (which may touch every key): the hash replaced, everything else kept. */
static int rewrite_admin(struct rpc_client *st, char **saved)
{
	json_t *out = NULL, *rec;
	uint8_t *val = NULL;
	char *text = NULL, *b64;
	int ok = 0;

	if (call(st, "/store/get", json_pack("{s:s}", "key", "user/admin"),
		 &out, NULL, 0) != 200)
		return 0;
	const char *v = json_string_value(json_object_get(out, "value"));
	*saved = v ? strdup(v) : NULL;
	size_t len = 0;
	if (v && base64_decode_alloc(v, strlen(v), &val, &len) == 0 &&
	    (rec = json_loadb((const char *)val, len, 0, NULL)) != NULL) {
		json_object_set_new(rec, "hash", json_string(attacker_hash));
		text = json_dumps(rec, JSON_COMPACT);
		json_decref(rec);
		b64 = text ? base64_encode(text, strlen(text)) : NULL;
		ok = b64 && call(st, "/store/put",
				 json_pack("{s:s, s:s}", "key", "user/admin",
					   "value", b64),
				 NULL, NULL, 0) == 200;
		free(b64);
	}
	free(text);
	free(val);
	json_decref(out);
	return ok;
}

static void test_admin_takeover(const struct harness *h, struct rpc_client *pub)
{
	struct rpc_client *st = harness_client(h, h->storage_url, 1);
	struct rpc_client *exec = harness_client_as(h, h->storage_url, "execution");
	char code[64], *saved = NULL;

	CHECK(exec && call(exec, "/store/put",
			   json_pack("{s:s, s:s}", "key", "user/admin", "value",
				     "eyJoYXNoIjoieCJ9"),
			   NULL, code, sizeof(code)) == 403 &&
		      !strcmp(code, "permission_denied"),
	      "an execution certificate may not write user/admin (403)");
	CHECK(password_hash(&password_cost_default, "attacker-pw", 11,
			    attacker_hash) == 0,
	      "the attacker hashes a password of its own");
	CHECK(st && rewrite_admin(st, &saved),
	      "the operator's certificate rewrites user/admin's hash in storage");
	CHECK(login(pub, "admin", "attacker-pw", code, sizeof(code)) == 401,
	      "logging in as admin with the planted password fails (401)");
	if (saved)
		call(st, "/store/put",
		     json_pack("{s:s, s:s}", "key", "user/admin", "value", saved),
		     NULL, NULL, 0);
	CHECK(login(pub, "admin", h->admin_password, code, sizeof(code)) == 200,
	      "the restored record logs in again");
	free(saved);
	rpc_client_free(st);
	rpc_client_free(exec);
}

/* A login arriving through the frontend for a client at addr. */
static int login_via_frontend(struct rpc_client *fe, const char *addr,
			      const char *pw, char *code, size_t cap)
{
	rpc_client_set_header(fe, "X-Kettle-Client-Address", addr);
	return login(fe, "admin", pw, code, cap);
}

static void test_no_lockout(const struct harness *h, struct rpc_client *pub,
			    struct rpc_client *fe)
{
	struct rpc_client *op = harness_client(h, h->auth_internal_url, 1);
	char code[64];
	int st = 0;

	for (int i = 0; i < 5; i++)
		st = login(pub, "admin", "wrong-password", code, sizeof(code));
	CHECK(st == 401, "five wrong admin passwords from 127.0.0.1 get 401");
	CHECK(login(pub, "admin", h->admin_password, code, sizeof(code)) == 429 &&
		      !strcmp(code, "rate_limited"),
	      "the guessing address then waits, even with the right password");
	CHECK(login_via_frontend(fe, "192.0.2.10", h->admin_password, code,
				 sizeof(code)) == 200,
	      "the admin, from another address through the frontend, logs in");
	rpc_client_set_header(pub, "X-Kettle-Client-Address", "192.0.2.10");
	CHECK(login(pub, "admin", h->admin_password, code, sizeof(code)) == 429,
	      "a public caller cannot pick its address with the header");
	rpc_client_set_header(pub, "X-Kettle-Client-Address", NULL);
	if (op)
		rpc_client_set_header(op, "X-Kettle-Client-Address", "192.0.2.11");
	CHECK(op && login(op, "admin", h->admin_password, code, sizeof(code)) == 429,
	      "nor can an internal caller other than the frontend");
	for (int i = 0; i < 5; i++)
		login_via_frontend(fe, "198.51.100.7", "wrong-password", code,
				   sizeof(code));
	CHECK(login_via_frontend(fe, "198.51.100.7", h->admin_password, code,
				 sizeof(code)) == 429 &&
		      login_via_frontend(fe, "192.0.2.10", h->admin_password,
					 code, sizeof(code)) == 200,
	      "forwarded addresses are throttled each on its own");
	rpc_client_free(op);
}

static int mode_0600(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0777) == 0600;
}

static void test_key_files(const struct harness *h)
{
	char token[HARNESS_PATH + 64], record[HARNESS_PATH + 64];
	char tls[HARNESS_PATH + 64];
	FILE *a, *b;
	char x[4096] = "", y[4096] = "";

	snprintf(token, sizeof(token), "%s/data/authentication/token.pem", h->dir);
	snprintf(record, sizeof(record), "%s/data/authentication/record.key", h->dir);
	snprintf(tls, sizeof(tls), "%s/certs/authentication.key", h->dir);
	CHECK(mode_0600(token) && mode_0600(record),
	      "the token key and the record key are made at first start, 0600");
	a = fopen(token, "r");
	b = fopen(tls, "r");
	if (a) {
		if (!fread(x, 1, sizeof(x) - 1, a))
			x[0] = 0;
		fclose(a);
	}
	if (b) {
		if (!fread(y, 1, sizeof(y) - 1, b))
			y[0] = 0;
		fclose(b);
	}
	CHECK(x[0] && strcmp(x, y), "the token key is not the TLS key");
}

static void test_restart(struct harness *h, struct rpc_client **pub)
{
	char code[64];

	rpc_client_free(*pub);
	CHECK(harness_stop(h) == 0 && harness_start(h) == 0,
	      "the platform restarts");
	*pub = harness_client(h, h->auth_url, 0);
	CHECK(*pub && login(*pub, "admin", h->admin_password, code,
			    sizeof(code)) == 429,
	      "after the restart the guessing address still waits");
}

/* The pid kettle-platform recorded for a service. */
static long service_pid(const struct harness *h, const char *name)
{
	char path[HARNESS_PATH + 64];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/run/%s.pid", h->dir, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

static void test_storage_outage(const struct harness *h, struct rpc_client *fe)
{
	long pid = service_pid(h, "storage");
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	char code[64] = "";
	json_t *out = NULL;
	int st = 0;

	rpc_client_set_header(fe, "X-Kettle-Client-Address", "203.0.113.6");
	call(fe, "/v1/login",
	     json_pack("{s:s, s:s}", "id", "admin", "password", h->admin_password),
	     &out, NULL, 0);
	const char *tok = json_string_value(json_object_get(out, "token"));
	char *token = tok ? strdup(tok) : NULL;
	json_decref(out);
	CHECK(pid > 0 && kill((pid_t)pid, SIGKILL) == 0, "storage is killed");
	/* Wait (bounded) until the kill has taken effect. */
	for (int i = 0; i < 100 && kill((pid_t)pid, 0) == 0; i++)
		nanosleep(&pause, NULL);
	st = login_via_frontend(fe, "203.0.113.5", h->admin_password, code,
				sizeof(code));
	CHECK(st == 503 && !strcmp(code, "unavailable"),
	      "a login while storage is down is 503 unavailable (got %d %s)",
	      st, code);
	st = token ? call(fe, "/internal/validate", json_pack("{s:s}", "token", token),
			  NULL, code, sizeof(code))
		   : -1;
	CHECK(st == 503 && !strcmp(code, "unavailable"),
	      "validating a token while storage is down is 503 unavailable");
	free(token);
}

int main(void)
{
	const char *missing = harness_missing();
	struct rpc_client *pub = NULL, *fe = NULL;
	struct harness h;

	if (missing)
		TAP_SKIP_ALL("%s", missing);
	CHECK(harness_init(&h) == 0 && harness_start(&h) == 0,
	      "the platform starts");
	pub = harness_client(&h, h.auth_url, 0);
	fe = harness_client_as(&h, h.auth_internal_url, "frontend");
	if (pub && fe) {
		test_key_files(&h);
		test_admin_takeover(&h, pub);
		test_no_lockout(&h, pub, fe);
		rpc_client_free(fe);
		test_restart(&h, &pub);
		fe = harness_client_as(&h, h.auth_internal_url, "frontend");
		if (fe)
			test_storage_outage(&h, fe);
	}
	rpc_client_free(pub);
	rpc_client_free(fe);
	harness_destroy(&h);
	TAP_DONE();
}
