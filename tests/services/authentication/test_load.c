/* A bounded load test on loopback: 32 concurrent clients for 10 seconds,
 * 8 logging in and 24 reading from kettle-storage, each over its own
 * keep-alive connection. Passes when no request fails; prints throughput
 * and latency percentiles as TAP comments (numbers, not pass criteria). */
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

struct worker {
	const struct harness *h;
	int login;
	double until;
	long ok, errors;
	struct samples lat;
	char first_error[160];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct rpc_client *c = harness_client(
		w->h, w->login ? w->h->auth_url : w->h->storage_url, !w->login);
	json_t *body = w->login ? json_pack("{s:s, s:s}", "id", "loaduser",
					    "password", "load-password")
				: json_pack("{s:s}", "key", "load/key");

	if (!c) {
		w->errors++;
		json_decref(body);
		return NULL;
	}
	while (now_us() < w->until) {
		struct rpc_result res;
		double t0 = now_us();
		int rc = rpc_client_call(c, "POST",
					 w->login ? "/v1/login" : "/store/get",
					 body, NULL, &res);
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

static void report(const char *what, struct worker *w, int from, int to)
{
	struct samples all = { 0 };
	long ok = 0;

	for (int i = from; i < to; i++) {
		ok += w[i].ok;
		samples_merge(&all, &w[i].lat);
	}
	printf("# %s: %ld requests, %.0f/s, p50 %.2f ms, p99 %.2f ms\n", what,
	       ok, (double)ok / SECONDS, samples_pct(&all, 50) / 1000.0,
	       samples_pct(&all, 99) / 1000.0);
	samples_free(&all);
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
		w[i].login = i < LOGIN_CLIENTS;
		w[i].until = until;
		pthread_create(&tid[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(tid[i], NULL);
		errors += w[i].errors;
		if (w[i].errors)
			printf("# client %d: %ld errors, first: %s\n", i,
			       w[i].errors, w[i].first_error);
		if (w[i].login)
			logins += w[i].ok;
		else
			gets += w[i].ok;
	}
	report("login (8 clients)", w, 0, LOGIN_CLIENTS);
	report("storage get (24 clients)", w, LOGIN_CLIENTS, CLIENTS);
	CHECK(errors == 0, "no request failed under load (%ld errors)", errors);
	CHECK(logins > 0 && gets > 0, "both kinds of request were served");
	for (int i = 0; i < CLIENTS; i++)
		samples_free(&w[i].lat);
	harness_destroy(&h);
	TAP_DONE();
}
