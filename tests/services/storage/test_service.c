/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-storage over mutual TLS: every endpoint answers good input, and
 * bad input (malformed JSON, wrong types, missing or extra fields, bounds,
 * bad base64, bad digests) with the right 4xx; callers outside the
 * allowlist get 403. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/services/storage/harness.h"
#include "tests/tap.h"

static struct rpc_client *c;

/* POSTs text (raw JSON) to path; returns the status, *out the body. */
static int post(const char *path, const char *text, json_t **out)
{
	struct rpc_result res;
	int status;

	if (rpc_client_call_raw(c, "POST", path, "application/json", text,
				strlen(text), NULL, &res) < 0) {
		printf("# %s: %s\n", path, rpc_client_error(c));
		return -1;
	}
	status = res.status;
	if (out)
		*out = res.json ? json_incref(res.json) : NULL;
	rpc_result_clear(&res);
	return status;
}

static const char *str(json_t *obj, const char *a, const char *b)
{
	json_t *v = json_object_get(obj, a);

	return json_string_value(b ? json_object_get(v, b) : v);
}

static void test_kv(void)
{
	json_t *out = NULL;
	char big[400], body[600];

	CHECK(post("/store/put", "{\"key\":\"k1\",\"value\":\"aGVsbG8=\"}", &out) == 200 &&
		      json_integer_value(json_object_get(out, "version")) == 1,
	      "put answers version 1");
	json_decref(out);
	CHECK(post("/store/get", "{\"key\":\"k1\"}", &out) == 200 && str(out, "value", NULL) &&
		      !strcmp(str(out, "value", NULL), "aGVsbG8="),
	      "get answers the base64 value");
	json_decref(out);
	CHECK(post("/store/cas", "{\"key\":\"k1\",\"value\":\"eA==\",\"expected_version\":7}", &out) == 409 &&
		      !strcmp(str(out, "error", "code"), "conflict"),
	      "cas with a stale version is 409 conflict");
	json_decref(out);
	CHECK(post("/store/cas", "{\"key\":\"k1\",\"value\":\"eA==\",\"expected_version\":1}", NULL) == 200,
	      "cas with the current version succeeds");
	CHECK(post("/store/get", "{\"key\":\"missing\"}", &out) == 404 &&
		      !strcmp(str(out, "error", "code"), "not_found"),
	      "get of a missing key is 404 not_found");
	json_decref(out);
	CHECK(post("/store/delete", "{\"key\":\"k1\",\"expected_version\":1}", NULL) == 409,
	      "delete with a stale version is 409");
	CHECK(post("/store/delete", "{\"key\":\"k1\"}", NULL) == 200 &&
		      post("/store/get", "{\"key\":\"k1\"}", NULL) == 404,
	      "delete removes the key");
	for (int i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), "{\"key\":\"s/%d\",\"value\":\"\"}", i);
		post("/store/put", body, NULL);
	}
	CHECK(post("/store/scan", "{\"prefix\":\"s/\",\"limit\":2}", &out) == 200 &&
		      json_array_size(json_object_get(out, "items")) == 2 &&
		      str(out, "next", NULL) && !strcmp(str(out, "next", NULL), "s/1"),
	      "scan pages and names the next cursor");
	json_decref(out);
	CHECK(post("/store/scan", "{\"prefix\":\"s/\",\"after\":\"s/1\"}", &out) == 200 &&
		      json_array_size(json_object_get(out, "items")) == 1 &&
		      !json_object_get(out, "next"),
	      "scan after the cursor gives the last page");
	json_decref(out);

	CHECK(post("/store/get", "{\"key\":", NULL) == 400, "malformed JSON is 400");
	CHECK(post("/store/get", "[\"key\"]", NULL) == 400, "an array body is 400");
	CHECK(post("/store/get", "{\"key\":5}", NULL) == 400, "a numeric key is 400");
	CHECK(post("/store/get", "{}", NULL) == 400, "a missing key is 400");
	CHECK(post("/store/get", "{\"key\":\"a\",\"x\":1}", NULL) == 400,
	      "an extra field is 400");
	CHECK(post("/store/get", "{\"key\":\"\"}", NULL) == 400, "an empty key is 400");
	CHECK(post("/store/get", "{\"key\":\"a\\u0000b\"}", NULL) == 400,
	      "a key with NUL is 400");
	memset(big, 'k', 300);
	big[300] = 0;
	snprintf(body, sizeof(body), "{\"key\":\"%s\"}", big);
	CHECK(post("/store/get", body, NULL) == 400, "a 300-byte key is 400");
	CHECK(post("/store/put", "{\"key\":\"a\",\"value\":\"not base64!\"}", NULL) == 400,
	      "a value that is not base64 is 400");
	CHECK(post("/store/put", "{\"key\":\"a\",\"value\":7}", NULL) == 400,
	      "a numeric value is 400");
	CHECK(post("/store/cas", "{\"key\":\"a\",\"value\":\"\",\"expected_version\":-1}", NULL) == 400,
	      "a negative version is 400");
	CHECK(post("/store/cas", "{\"key\":\"a\",\"value\":\"\"}", NULL) == 400,
	      "cas without expected_version is 400");
	CHECK(post("/store/scan", "{\"limit\":100000}", NULL) == 400,
	      "a scan limit above the bound is 400");
	CHECK(post("/store/get", "{\"key\":\"\xff\"}", NULL) == 400,
	      "invalid UTF-8 is 400");
}

static void test_queue(void)
{
	json_t *out = NULL;
	char body[128];

	CHECK(post("/store/enqueue", "{\"queue\":\"jobs\",\"value\":\"am9iMQ==\"}", NULL) == 200,
	      "enqueue succeeds");
	CHECK(post("/store/dequeue", "{\"queue\":\"jobs\",\"visibility_ms\":60000}", &out) == 200 &&
		      str(out, "item", "lease") &&
		      !strcmp(str(out, "item", "value"), "am9iMQ=="),
	      "dequeue hands out the item with a lease");
	snprintf(body, sizeof(body), "{\"lease\":\"%s\"}",
		 str(out, "item", "lease") ? str(out, "item", "lease") : "");
	json_decref(out);
	CHECK(post("/store/dequeue", "{\"queue\":\"jobs\",\"visibility_ms\":60000}", &out) == 200 &&
		      json_is_null(json_object_get(out, "item")),
	      "a queue with only leased items answers item null");
	json_decref(out);
	CHECK(post("/store/ack", body, NULL) == 200, "ack with the lease succeeds");
	CHECK(post("/store/ack", body, NULL) == 404, "a second ack is 404");
	CHECK(post("/store/ack", "{\"lease\":\"xyz\"}", NULL) == 400,
	      "a malformed lease is 400");
	CHECK(post("/store/dequeue", "{\"queue\":\"jobs\",\"visibility_ms\":0}", NULL) == 400,
	      "a zero visibility timeout is 400");
	CHECK(post("/store/dequeue", "{\"queue\":\"jobs\"}", NULL) == 400,
	      "a missing visibility timeout is 400");
}

static void test_blobs(void)
{
	struct rpc_result res;
	int rc;

	rc = rpc_client_call_raw(c, "PUT", "/blobs", "application/octet-stream",
				 "abc", 3, NULL, &res);
	CHECK(rc == 0 && res.status == 200 &&
		      !strcmp(str(res.json, "digest", NULL),
			      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	      "PUT /blobs answers the SHA-256 digest");
	if (rc == 0)
		rpc_result_clear(&res);
	rc = rpc_client_call(c, "GET",
			     "/blobs/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			     NULL, NULL, &res);
	CHECK(rc == 0 && res.status == 200 && res.raw_len == 3 &&
		      !memcmp(res.raw, "abc", 3),
	      "GET /blobs/{digest} answers the bytes");
	if (rc == 0)
		rpc_result_clear(&res);
	rc = rpc_client_call(c, "GET", "/blobs/..", NULL, NULL, &res);
	CHECK(rc == 0 && (res.status == 400 || res.status == 404),
	      "GET /blobs/.. is refused");
	if (rc == 0)
		rpc_result_clear(&res);
	rc = rpc_client_call(c, "GET", "/blobs/ABC", NULL, NULL, &res);
	CHECK(rc == 0 && res.status == 400, "a malformed digest is 400");
	if (rc == 0)
		rpc_result_clear(&res);
}

/* A platform certificate whose service may not call storage. */
static void test_allowlist(const struct harness *h)
{
	struct rpc_client_opts opts = { .url = h->storage_url, .ca = h->ca };
	char cert[HARNESS_PATH + 32], key[HARNESS_PATH + 32], err[256];
	struct rpc_client *other;
	struct rpc_result res;
	json_t *body = json_pack("{s:s}", "key", "s/1");
	int rc = -1;

	snprintf(cert, sizeof(cert), "%s/certs/storage.pem", h->dir);
	snprintf(key, sizeof(key), "%s/certs/storage.key", h->dir);
	opts.cert = cert;
	opts.key = key;
	other = rpc_client_new(&opts, err, sizeof(err));
	if (other)
		rc = rpc_client_call(other, "POST", "/store/get", body, NULL, &res);
	CHECK(rc == 0 && res.status == 403,
	      "a service outside the allowlist gets 403");
	if (rc == 0)
		rpc_result_clear(&res);
	json_decref(body);
	rpc_client_free(other);
}

int main(void)
{
	const char *missing = harness_missing();
	struct harness h;
	pid_t pid;
	int status;

	if (missing)
		TAP_SKIP_ALL("%s", missing);
	CHECK(harness_init(&h) == 0, "kettle-platform init");
	pid = harness_spawn_storage(&h);
	CHECK(pid > 0 && harness_wait_ready(&h, h.storage_url, 10000) == 0,
	      "kettle-storage starts");
	c = harness_client(&h, h.storage_url, 1);
	if (c) {
		test_kv();
		test_queue();
		test_blobs();
		test_allowlist(&h);
		rpc_client_free(c);
	}
	kill(pid, SIGTERM);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0,
	      "kettle-storage exits 0 on SIGTERM");
	harness_destroy(&h);
	TAP_DONE();
}
