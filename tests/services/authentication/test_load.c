/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded load test on loopback, in two phases of 10 and 5 seconds:
 * 32 concurrent clients, 8 logging in and 24 reading from kettle-storage;
 * then 4 clients logging in continuously while one validates a token on
 * /internal/validate (issue 7, F3: Argon2id must not starve the calls that
 * do not hash; target p99 <= 10 ms once handlers run concurrently). Each
 * client has its own keep-alive connection. Passes when no request fails;
 * prints throughput and latency percentiles as TAP comments (numbers, not
 * pass criteria). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/services/storage/harness.h"
#include "bench/services/latency.h"
#include "tests/tap.h"

#define CLIENTS 32
#define LOGIN_CLIENTS 8
#define SECONDS 10
#define VALIDATE_LOGINS 4
#define VALIDATE_SECONDS 5

enum kind { LOGIN, STORAGE_GET, VALIDATE };

static char validate_token[2048];

struct worker {
	const struct harness *h;
	int login; /* enum kind */
	double until;
	long ok, errors;
	struct samples lat;
	char first_error[160];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	static const char *const paths[] = { "/v1/login", "/store/get",
					     "/internal/validate" };
	const char *url = w->login == LOGIN ? w->h->auth_url
			  : w->login == STORAGE_GET ? w->h->storage_url
						    : w->h->auth_internal_url;
	struct rpc_client *c = harness_client(w->h, url, w->login != LOGIN);
	json_t *body = w->login == LOGIN
			       ? json_pack("{s:s, s:s}", "id", "loaduser",
					   "password", "load-password")
		       : w->login == STORAGE_GET
			       ? json_pack("{s:s}", "key", "load/key")
			       : json_pack("{s:s}", "token", validate_token);

	if (!c) {
		w->errors++;
		json_decref(body);
		return NULL;
	}
	while (now_us() < w->until) {
		struct rpc_result res;
		double t0 = now_us();
		int rc = rpc_client_call(c, "POST", paths[w->login], body,
					 NULL, &res);
		double dt = now_us() - t0;

		if (rc == 0 && res.status == 200) {
			w->ok++;
			samples_add(&w->lat, dt);
		} else {
			if (!w->errors)
				snprintf(w->first_error, sizeof(w->first_error),
					 "%s", rc < 0 ? rpc_client_error(c)
						      : (const char *)res.raw);
			w->errors++;
		}
		if (rc == 0)
			rpc_result_clear(&res);
	}
	json_decref(body);
	rpc_client_free(c);
	return NULL;
}

static int setup(const struct harness *h)
{
	struct rpc_client *pub = harness_client(h, h->auth_url, 0);
	struct rpc_client *st = harness_client(h, h->storage_url, 1);
	json_t *body;
	struct rpc_result res;
	const char *token;
	int ok = 0;

	if (!pub || !st)
		goto out;
	body = json_pack("{s:s, s:s}", "id", "admin", "password",
			 h->admin_password);
	if (rpc_client_call(pub, "POST", "/v1/login", body, NULL, &res) == 0) {
		token = json_string_value(json_object_get(res.json, "token"));
		if (token)
			snprintf(validate_token, sizeof(validate_token), "%s",
				 token);
		json_t *u = json_pack("{s:s, s:s, s:s, s:s}", "id", "loaduser",
				      "password", "load-password", "role",
				      "function_owner", "attribute", "");
		struct rpc_result r2;
		if (token && rpc_client_call(pub, "POST", "/v1/users", u, token,
					     &r2) == 0) {
			ok = r2.status == 200;
			rpc_result_clear(&r2);
		}
		json_decref(u);
		rpc_result_clear(&res);
	}
	json_decref(body);
	body = json_pack("{s:s, s:s}", "key", "load/key", "value",
			 "c29tZSB2YWx1ZSBmb3IgdGhlIGxvYWQgdGVzdA==");
	if (ok && rpc_client_call(st, "POST", "/store/put", body, NULL, &res) == 0) {
		ok = res.status == 200;
		rpc_result_clear(&res);
	}
	json_decref(body);
out:
	rpc_client_free(pub);
	rpc_client_free(st);
	return ok;
}

static void report(const char *what, struct worker *w, int from, int to,
		   int seconds)
{
	struct samples all = { 0 };
	long ok = 0;

	for (int i = from; i < to; i++) {
		ok += w[i].ok;
		samples_merge(&all, &w[i].lat);
	}
	printf("# %s: %ld requests, %.0f/s, p50 %.2f ms, p99 %.2f ms\n", what,
	       ok, (double)ok / seconds, samples_pct(&all, 50) / 1000.0,
	       samples_pct(&all, 99) / 1000.0);
	samples_free(&all);
}

/* 4 clients logging in, 1 validating, concurrently. */
static int validate_under_logins(const struct harness *h)
{
	static struct worker v[VALIDATE_LOGINS + 1];
	pthread_t tid[VALIDATE_LOGINS + 1];
	double until = now_us() + VALIDATE_SECONDS * 1e6;
	long errors = 0;

	memset(v, 0, sizeof(v));
	for (int i = 0; i <= VALIDATE_LOGINS; i++) {
		v[i].h = h;
		v[i].login = i < VALIDATE_LOGINS ? LOGIN : VALIDATE;
		v[i].until = until;
		pthread_create(&tid[i], NULL, work, &v[i]);
	}
	for (int i = 0; i <= VALIDATE_LOGINS; i++) {
		pthread_join(tid[i], NULL);
		errors += v[i].errors;
		if (v[i].errors)
			printf("# client %d: %ld errors, first: %s\n", i,
			       v[i].errors, v[i].first_error);
	}
	report("login (4 clients, with validate)", v, 0, VALIDATE_LOGINS,
	       VALIDATE_SECONDS);
	report("/internal/validate (1 client, 4 logging in)", v, VALIDATE_LOGINS,
	       VALIDATE_LOGINS + 1, VALIDATE_SECONDS);
	int served = v[VALIDATE_LOGINS].ok > 0;
	for (int i = 0; i <= VALIDATE_LOGINS; i++)
		samples_free(&v[i].lat);
	return errors == 0 && served;
}

int main(void)
{
	static struct worker w[CLIENTS];
	const char *missing = harness_missing();
	pthread_t tid[CLIENTS];
	struct harness h;
	long errors = 0, logins = 0, gets = 0;
	double until;

	if (missing)
		TAP_SKIP_ALL("%s", missing);
	CHECK(harness_init(&h) == 0 && harness_start(&h) == 0,
	      "the platform starts");
	CHECK(setup(&h), "a user and a key to read exist");
	until = now_us() + SECONDS * 1e6;
	for (int i = 0; i < CLIENTS; i++) {
		w[i].h = &h;
		w[i].login = i < LOGIN_CLIENTS ? LOGIN : STORAGE_GET;
		w[i].until = until;
		pthread_create(&tid[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(tid[i], NULL);
		errors += w[i].errors;
		if (w[i].errors)
			printf("# client %d: %ld errors, first: %s\n", i,
			       w[i].errors, w[i].first_error);
		if (w[i].login == LOGIN)
			logins += w[i].ok;
		else
			gets += w[i].ok;
	}
	report("login (8 clients)", w, 0, LOGIN_CLIENTS, SECONDS);
	report("storage get (24 clients)", w, LOGIN_CLIENTS, CLIENTS, SECONDS);
	CHECK(errors == 0, "no request failed under load (%ld errors)", errors);
	CHECK(logins > 0 && gets > 0, "both kinds of request were served");
	for (int i = 0; i < CLIENTS; i++)
		samples_free(&w[i].lat);
	CHECK(validate_under_logins(&h),
	      "/internal/validate answers while 4 clients log in");
	harness_destroy(&h);
	TAP_DONE();
}
