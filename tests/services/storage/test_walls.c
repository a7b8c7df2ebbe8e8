/* SPDX-License-Identifier: Apache-2.0 */
/* The walls inside storage (issue 7, F6): each calling service reaches only
 * the key prefixes, queues and blobs storage_acl.c grants it. Every service
 * is tried against every other service's prefix with every operation; each
 * must answer 403 permission_denied, and the owner's own calls must work.
 * The finding first: a certificate for "execution" (a name that used to be
 * on storage's allowlist) could rewrite user/admin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/services/storage/harness.h"
#include "tests/services/storage/identity.h"
#include "tests/tap.h"

struct caller {
	const char *cn;
	const char *key_prefix;   /* one of its own prefixes, or NULL */
	const char *queue_prefix; /* its own queue prefix, or NULL */
	int blobs;
	struct rpc_client *c;
};

static struct caller callers[] = {
	{ "authentication", "user/", NULL, 0, NULL },
	{ "management", "task/", "tasks-staged", 1, NULL },
	{ "scheduler", "sched/", "sched/", 0, NULL },
	{ "execution", NULL, NULL, 0, NULL },
	{ "frontend", NULL, NULL, 0, NULL },
};
#define N_CALLERS (sizeof(callers) / sizeof(callers[0]))

/* Every prefix of every service in the table, to be tried by the others. */
static const struct {
	const char *owner;
	const char *prefix;
} owned[] = {
	{ "authentication", "user/" }, { "authentication", "throttle/" },
	{ "management", "function/" }, { "management", "input/" },
	{ "management", "output/" },   { "management", "usage/" },
	{ "management", "task/" },     { "management", "audit/" },
	{ "scheduler", "sched/" },
};

/* POST path with text; the status, and whether the error code is code. */
static int call(struct rpc_client *c, const char *path, const char *text,
		const char *code)
{
	struct rpc_result res;
	int status;

	if (rpc_client_call_raw(c, "POST", path, "application/json", text,
				strlen(text), NULL, &res) < 0)
		return -1;
	status = res.status;
	if (code) {
		json_t *e = json_object_get(json_object_get(res.json, "error"), "code");
		if (!json_is_string(e) || strcmp(json_string_value(e), code))
			status = -2;
	}
	rpc_result_clear(&res);
	return status;
}

static int denied(struct rpc_client *c, const char *path, const char *text)
{
	return call(c, path, text, "permission_denied") == 403;
}

static void reproduce_admin_rewrite(struct caller *client, struct caller *exec)
{
	/* The operator seeds a user record as authentication would. */
	CHECK(call(client->c, "/store/put",
		   "{\"key\":\"user/admin\",\"value\":\"eyJpZCI6ImFkbWluIn0=\"}",
		   NULL) == 200,
	      "the platform client writes user/admin");
	CHECK(denied(exec->c, "/store/put",
		     "{\"key\":\"user/admin\",\"value\":\"eyJoYXNoIjoieCJ9\"}") &&
		      denied(exec->c, "/store/get", "{\"key\":\"user/admin\"}"),
	      "an execution certificate can neither rewrite nor read user/admin");
}

/* caller x against the prefix of another service: all key operations. */
static int keys_walled(struct caller *x, const char *prefix)
{
	char key[128], body[512];
	int ok = 1;

	snprintf(key, sizeof(key), "%swall-test", prefix);
	snprintf(body, sizeof(body), "{\"key\":\"%s\"}", key);
	ok &= denied(x->c, "/store/get", body);
	ok &= denied(x->c, "/store/delete", body);
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"value\":\"eA==\"}", key);
	ok &= denied(x->c, "/store/put", body);
	snprintf(body, sizeof(body),
		 "{\"key\":\"%s\",\"value\":\"eA==\",\"expected_version\":0}", key);
	ok &= denied(x->c, "/store/cas", body);
	snprintf(body, sizeof(body), "{\"prefix\":\"%s\"}", prefix);
	ok &= denied(x->c, "/store/scan", body);
	return ok;
}

static void test_pairs(void)
{
	for (size_t i = 0; i < N_CALLERS; i++) {
		struct caller *x = &callers[i];
		for (size_t j = 0; j < sizeof(owned) / sizeof(owned[0]); j++) {
			if (!strcmp(owned[j].owner, x->cn))
				continue;
			CHECK(keys_walled(x, owned[j].prefix),
			      "%s: get/put/cas/delete/scan on %s's %s are 403",
			      x->cn, owned[j].owner, owned[j].prefix);
		}
		CHECK(denied(x->c, "/store/scan", "{\"prefix\":\"\"}") &&
			      denied(x->c, "/store/scan", "{\"prefix\":\"us\"}"),
		      "%s: a scan wider than its own prefixes is 403", x->cn);
	}
}

static void test_own(void)
{
	char body[256];

	for (size_t i = 0; i < N_CALLERS; i++) {
		struct caller *x = &callers[i];
		if (!x->key_prefix)
			continue;
		snprintf(body, sizeof(body),
			 "{\"key\":\"%sown\",\"value\":\"eA==\"}", x->key_prefix);
		int put = call(x->c, "/store/put", body, NULL);
		snprintf(body, sizeof(body), "{\"key\":\"%sown\"}", x->key_prefix);
		int get = call(x->c, "/store/get", body, NULL);
		snprintf(body, sizeof(body), "{\"prefix\":\"%s\"}", x->key_prefix);
		int scan = call(x->c, "/store/scan", body, NULL);
		CHECK(put == 200 && get == 200 && scan == 200,
		      "%s reads, writes and scans its own %s", x->cn,
		      x->key_prefix);
	}
}

/* The lease of an item of the scheduler's queue, dequeued by it. */
static int scheduler_lease(struct rpc_client *sched, char *lease, size_t cap)
{
	struct rpc_result res;
	json_t *body = json_pack("{s:s, s:i}", "queue", "sched/staged",
				 "visibility_ms", 60000);
	int ok = rpc_client_call(sched, "POST", "/store/dequeue", body, NULL,
				 &res) == 0 && res.status == 200;
	const char *l = ok ? json_string_value(json_object_get(
				     json_object_get(res.json, "item"), "lease"))
			   : NULL;

	json_decref(body);
	if (l)
		snprintf(lease, cap, "%s", l);
	if (ok)
		rpc_result_clear(&res);
	return l ? 0 : -1;
}

static void test_queues_and_blobs(void)
{
	struct caller *sched = &callers[2], *mgmt = &callers[1];
	char lease[64] = "", body[128];
	struct rpc_result res;

	CHECK(call(sched->c, "/store/enqueue",
		   "{\"queue\":\"sched/staged\",\"value\":\"eA==\"}", NULL) == 200 &&
		      scheduler_lease(sched->c, lease, sizeof(lease)) == 0,
	      "the scheduler enqueues and dequeues its own queue");
	snprintf(body, sizeof(body), "{\"lease\":\"%s\"}", lease);
	for (size_t i = 0; i < N_CALLERS; i++) {
		struct caller *x = &callers[i];
		if (x == sched)
			continue;
		CHECK(denied(x->c, "/store/enqueue",
			     "{\"queue\":\"sched/staged\",\"value\":\"eA==\"}") &&
			      denied(x->c, "/store/dequeue",
				     "{\"queue\":\"sched/staged\",\"visibility_ms\":1000}") &&
			      denied(x->c, "/store/ack", body),
		      "%s: enqueue/dequeue/ack on the scheduler's queue are 403",
		      x->cn);
	}
	CHECK(call(sched->c, "/store/ack", body, NULL) == 200,
	      "the scheduler acknowledges its own lease");
	CHECK(rpc_client_call_raw(mgmt->c, "PUT", "/blobs",
				  "application/octet-stream", "abc", 3, NULL,
				  &res) == 0 && res.status == 200,
	      "management stores a blob");
	rpc_result_clear(&res);
	for (size_t i = 0; i < N_CALLERS; i++) {
		struct caller *x = &callers[i];
		int put_ok, get_ok;
		if (x->blobs)
			continue;
		put_ok = rpc_client_call_raw(x->c, "PUT", "/blobs",
					     "application/octet-stream", "abc",
					     3, NULL, &res) == 0 &&
			 res.status == 403;
		rpc_result_clear(&res);
		get_ok = rpc_client_call(x->c, "GET",
					 "/blobs/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
					 NULL, NULL, &res) == 0 &&
			 res.status == 403;
		rpc_result_clear(&res);
		CHECK(put_ok && get_ok, "%s: blob put and get are 403", x->cn);
	}
}

int main(void)
{
	const char *missing = harness_missing();
	struct harness h;
	struct caller client = { "client", "", "", 1, NULL };
	int ready = 1;

	if (missing)
		TAP_SKIP_ALL("%s", missing);
	CHECK(harness_init(&h) == 0 && harness_start(&h) == 0,
	      "the platform starts");
	client.c = harness_client(&h, h.storage_url, 1);
	for (size_t i = 0; i < N_CALLERS; i++) {
		callers[i].c = harness_client_as(&h, h.storage_url, callers[i].cn);
		ready &= callers[i].c != NULL;
	}
	CHECK(ready && client.c, "a certificate for every caller");
	if (ready && client.c) {
		reproduce_admin_rewrite(&client, &callers[3]);
		test_pairs();
		test_own();
		test_queues_and_blobs();
	}
	for (size_t i = 0; i < N_CALLERS; i++)
		rpc_client_free(callers[i].c);
	rpc_client_free(client.c);
	harness_destroy(&h);
	TAP_DONE();
}
