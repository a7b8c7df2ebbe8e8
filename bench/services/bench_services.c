/* SPDX-License-Identifier: Apache-2.0 */
/* bench-services: throughput of the storage and authentication services
 * over loopback with keep-alive, next to the raw store in the same run.
 *
 *   bench-services [seconds-per-row]     (default 3)
 *
 * Needs KETTLE_PLATFORM and KETTLE_STORAGE (meson sets them for
 * `meson test --benchmark`; or export them by hand). Prints one table. */
#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/services/storage/harness.h"
#include "services/storage/keyring.h"
#include "bench/services/latency.h"
#include "services/storage/store.h"

struct row {
	const char *name;
	long ops, errors;
	double secs;
	struct samples lat;
};

static void print_row(struct row *r)
{
	printf("| %-38s | %8ld | %10.0f | %8.1f | %8.1f | %6ld |\n", r->name,
	       r->ops, r->secs > 0 ? (double)r->ops / r->secs : 0,
	       samples_pct(&r->lat, 50), samples_pct(&r->lat, 99), r->errors);
	samples_free(&r->lat);
}

/* --- through the services ------------------------------------------- */

struct svc_job {
	const struct harness *h;
	const char *url;
	int with_cert;
	const char *path;
	json_t *body;
	double secs;
	int put; /* vary the key per request */
	struct row row;
};

static void *svc_loop(void *arg)
{
	struct svc_job *j = arg;
	struct rpc_client *c = harness_client(j->h, j->url, j->with_cert);
	double start = now_us(), end = start + j->secs * 1e6;
	char key[48];
	long i = 0;

	if (!c) {
		j->row.errors++;
		return NULL;
	}
	while (now_us() < end) {
		struct rpc_result res;
		double t0;
		int rc;

		if (j->put) {
			snprintf(key, sizeof(key), "bench/%p/%ld", (void *)j, i++);
			json_object_set_new(j->body, "key", json_string(key));
		}
		t0 = now_us();
		rc = rpc_client_call(c, "POST", j->path, j->body, NULL, &res);
		samples_add(&j->row.lat, now_us() - t0);
		if (rc == 0 && res.status == 200)
			j->row.ops++;
		else
			j->row.errors++;
		if (rc == 0)
			rpc_result_clear(&res);
	}
	j->row.secs = (now_us() - start) / 1e6;
	rpc_client_free(c);
	return NULL;
}

/* Runs n clients in parallel and merges them into one row. */
static void svc_row(const char *name, const struct svc_job *tmpl, int n)
{
	struct svc_job jobs[16];
	pthread_t tid[16];
	struct row r = { .name = name };

	for (int i = 0; i < n; i++) {
		jobs[i] = *tmpl;
		jobs[i].body = json_deep_copy(tmpl->body);
		pthread_create(&tid[i], NULL, svc_loop, &jobs[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		r.ops += jobs[i].row.ops;
		r.errors += jobs[i].row.errors;
		if (jobs[i].row.secs > r.secs)
			r.secs = jobs[i].row.secs;
		samples_merge(&r.lat, &jobs[i].row.lat);
		samples_free(&jobs[i].row.lat);
		json_decref(jobs[i].body);
	}
	print_row(&r);
}

static int make_user(const struct harness *h)
{
	struct rpc_client *c = harness_client(h, h->auth_url, 0);
	json_t *login = json_pack("{s:s, s:s}", "id", "admin", "password",
				  h->admin_password);
	json_t *user = json_pack("{s:s, s:s, s:s, s:s}", "id", "bench",
				 "password", "bench-password", "role",
				 "function_owner", "attribute", "");
	struct rpc_result res, r2;
	int ok = 0;

	if (c && rpc_client_call(c, "POST", "/v1/login", login, NULL, &res) == 0) {
		const char *t = json_string_value(json_object_get(res.json, "token"));
		if (t && rpc_client_call(c, "POST", "/v1/users", user, t, &r2) == 0) {
			ok = r2.status == 200;
			rpc_result_clear(&r2);
		}
		rpc_result_clear(&res);
	}
	json_decref(login);
	json_decref(user);
	rpc_client_free(c);
	return ok;
}

static void bench_services(double secs)
{
	struct harness h;
	struct svc_job job = { .h = &h, .secs = secs };

	if (harness_init(&h) < 0 || harness_start(&h) < 0 || !make_user(&h)) {
		fprintf(stderr, "bench-services: the platform did not start\n");
		harness_destroy(&h);
		return;
	}
	job.url = h.auth_url;
	job.path = "/v1/login";
	job.body = json_pack("{s:s, s:s}", "id", "bench", "password",
			     "bench-password");
	svc_row("service login (1 client)", &job, 1);
	svc_row("service login (4 clients)", &job, 4);
	json_decref(job.body);

	job.url = h.storage_url;
	job.with_cert = 1;
	job.path = "/store/put";
	job.put = 1;
	job.body = json_pack("{s:s, s:s}", "key", "k", "value",
			     "MTAwIGJ5dGVzIG9mIHBheWxvYWQgZm9yIHRoZSBiZW5jaG1hcmsgLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLg==");
	svc_row("service put (1 client, sync commit)", &job, 1);
	svc_row("service put (4 clients, sync commit)", &job, 4);
	job.put = 0;
	json_decref(job.body);
	job.path = "/store/get";
	job.body = json_pack("{s:s}", "key", "bench/fixed");
	{
		struct rpc_client *c = harness_client(&h, h.storage_url, 1);
		json_t *b = json_pack("{s:s, s:s}", "key", "bench/fixed",
				      "value", "aGVsbG8gYmVuY2g=");
		struct rpc_result res;
		if (c && rpc_client_call(c, "POST", "/store/put", b, NULL, &res) == 0)
			rpc_result_clear(&res);
		json_decref(b);
		rpc_client_free(c);
	}
	svc_row("service get (1 client, keep-alive)", &job, 1);
	svc_row("service get (8 clients, keep-alive)", &job, 8);
	json_decref(job.body);
	harness_destroy(&h);
}

/* --- the store library and raw LMDB in the same run ------------------ */

static void bench_store(double secs, const char *dir)
{
	struct keyring *kr = NULL;
	struct store *s = NULL;
	uint8_t key[32] = { 1 }, *val;
	char k[32];
	size_t len;
	struct row put = { .name = "store lib put (AES-GCM, sync commit)" };
	struct row get = { .name = "store lib get (AES-GCM)" };
	double start, end;
	long n = 0;

	if (keyring_new(&kr) < 0 || keyring_add(kr, "bench", key) < 0 ||
	    store_open(&s, dir, 0, kr) < 0) {
		fprintf(stderr, "bench-services: cannot open a store in %s\n", dir);
		keyring_free(kr);
		return;
	}
	start = now_us();
	end = start + secs * 1e6;
	while (now_us() < end) {
		double t0 = now_us();
		snprintf(k, sizeof(k), "k%06ld", n++ % 100000);
		if (store_put(s, k, strlen(k), "0123456789abcdef0123456789abcdef",
			      32, NULL) == 0)
			put.ops++;
		else
			put.errors++;
		samples_add(&put.lat, now_us() - t0);
	}
	put.secs = (now_us() - start) / 1e6;
	print_row(&put);
	start = now_us();
	end = start + secs * 1e6;
	for (long i = 0; now_us() < end; i++) {
		double t0 = now_us();
		snprintf(k, sizeof(k), "k%06ld", i % n);
		if (store_get(s, k, strlen(k), &val, &len, NULL) == 0) {
			get.ops++;
			free(val);
		} else {
			get.errors++;
		}
		samples_add(&get.lat, now_us() - t0);
	}
	get.secs = (now_us() - start) / 1e6;
	print_row(&get);
	store_close(s);
	keyring_free(kr);
}

static void bench_lmdb(double secs, const char *dir)
{
	struct row put = { .name = "raw LMDB put (sync commit)" };
	struct row get = { .name = "raw LMDB get" };
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
	MDB_val k, v;
	char key[32];
	double start, end;
	long n = 0;

	if (mdb_env_create(&env) || mdb_env_set_mapsize(env, 1ul << 30) ||
	    mdb_env_open(env, dir, 0, 0600)) {
		fprintf(stderr, "bench-services: cannot open LMDB in %s\n", dir);
		return;
	}
	start = now_us();
	end = start + secs * 1e6;
	while (now_us() < end) {
		double t0 = now_us();
		snprintf(key, sizeof(key), "k%06ld", n++ % 100000);
		k.mv_data = key;
		k.mv_size = strlen(key);
		v.mv_data = "0123456789abcdef0123456789abcdef";
		v.mv_size = 32;
		if (!mdb_txn_begin(env, NULL, 0, &txn) &&
		    !mdb_dbi_open(txn, NULL, 0, &dbi) &&
		    !mdb_put(txn, dbi, &k, &v, 0) && !mdb_txn_commit(txn))
			put.ops++;
		else
			put.errors++;
		samples_add(&put.lat, now_us() - t0);
	}
	put.secs = (now_us() - start) / 1e6;
	print_row(&put);
	start = now_us();
	end = start + secs * 1e6;
	for (long i = 0; now_us() < end; i++) {
		double t0 = now_us();
		snprintf(key, sizeof(key), "k%06ld", i % n);
		k.mv_data = key;
		k.mv_size = strlen(key);
		if (!mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) {
			if (!mdb_dbi_open(txn, NULL, 0, &dbi) &&
			    !mdb_get(txn, dbi, &k, &v))
				get.ops++;
			else
				get.errors++;
			mdb_txn_abort(txn);
		} else {
			get.errors++;
		}
		samples_add(&get.lat, now_us() - t0);
	}
	get.secs = (now_us() - start) / 1e6;
	print_row(&get);
	mdb_env_close(env);
}

static int rm_tree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	return system(cmd);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3;
	char tmpl[] = "/tmp/kettle-bench-XXXXXX", sub[64];
	const char *missing = harness_missing();

	if (secs <= 0 || secs > 60) {
		fprintf(stderr, "usage: bench-services [seconds per row, 0-60]\n");
		return 2;
	}
	if (!mkdtemp(tmpl)) {
		perror("bench-services: mkdtemp");
		return 1;
	}
	printf("| %-38s | %8s | %10s | %8s | %8s | %6s |\n", "operation", "ops",
	       "ops/s", "p50 us", "p99 us", "errors");
	printf("|%s|%s|%s|%s|%s|%s|\n", "----------------------------------------",
	       "----------", "------------", "----------", "----------",
	       "--------");
	if (missing)
		printf("(services skipped: %s)\n", missing);
	else
		bench_services(secs);
	snprintf(sub, sizeof(sub), "%s/store", tmpl);
	bench_store(secs, sub);
	snprintf(sub, sizeof(sub), "%s/lmdb", tmpl);
	if (mkdir(sub, 0700) == 0)
		bench_lmdb(secs, sub);
	rm_tree(tmpl);
	return 0;
}
