/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-management against real kettle-storage and the fake decider,
 * started by kettle-platform: functions and their permissions, files,
 * single- and two-party tasks (fusion output, approvals reset), cancel,
 * double invoke, a disabled function, the usage quota, blobs, the audit
 * log, and bad input on every endpoint. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/codec.h"
#include "tests/services/management/mgmt_harness.h"
#include "tests/tap.h"

static const struct user fo1 = { "fo1", "function_owner", "" };
static const struct user fo2 = { "fo2", "function_owner", "" };
static const struct user alice = { "alice", "data_owner", "org1" };
static const struct user bob = { "bob", "data_owner", "org2" };
static const struct user carol = { "carol", "data_owner", "org2" };
static const struct user admin = { "admin", "platform_admin", "" };

static struct rpc_client *c;

#define KEY32 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define IV12 "AAECAwQFBgcICQoL"
#define DIGEST "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* Calls and copies out one string field of the answer (static buffer). */
static const char *call_id(const struct user *u, const char *method,
			   const char *path, json_t *body, const char *field,
			   int *status)
{
	static char id[8][128];
	static int slot;
	json_t *out;
	char *dst = id[slot++ % 8];

	*status = mh_call(c, u, method, path, body, &out);
	snprintf(dst, 128, "%s", mh_str(out, field));
	json_decref(out);
	return dst;
}

static int st(const struct user *u, const char *method, const char *path,
	      json_t *body)
{
	return mh_call(c, u, method, path, body, NULL);
}

static json_t *get(const struct user *u, const char *path, int *status)
{
	json_t *out;
	*status = mh_call(c, u, "GET", path, NULL, &out);
	return out;
}

static json_t *fn_body(const char *name, const char *executor,
		       const char *payload, int public_, json_t *inputs,
		       json_t *outputs, json_t *allowlist)
{
	json_t *b = json_pack(
		"{s:s, s:s, s:s, s:b, s:[{s:s, s:s, s:b}, {s:s, s:i, s:b}], s:o, s:o, s:o}",
		"name", name, "description", "a test function", "executor",
		executor, "public", public_, "arguments", "key", "mode",
		"default_value", "x", "allow_overwrite", 1, "key", "fixed",
		"default_value", 1, "allow_overwrite", 0, "inputs", inputs,
		"outputs", outputs, "user_allowlist", allowlist);
	if (payload)
		json_object_set_new(b, "payload", json_string(payload));
	return b;
}

static json_t *files(const char *a, const char *b)
{
	json_t *l = json_array();
	json_array_append_new(l, json_pack("{s:s, s:s, s:b}", "name", a,
					   "description", "d", "optional", 0));
	if (b)
		json_array_append_new(l, json_pack("{s:s, s:s, s:b}", "name", b,
						   "description", "d", "optional", 0));
	return l;
}

static const char *new_input(const struct user *u)
{
	int s;
	return call_id(u, "POST", "/v1/inputs",
		       json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "url",
				 "https://data.example/in", "digest", DIGEST,
				 "crypto", "schema", "aes-256-gcm", "key", KEY32,
				 "iv", IV12),
		       "data_id", &s);
}

static const char *new_output(const struct user *u)
{
	int s;
	return call_id(u, "POST", "/v1/outputs",
		       json_pack("{s:s, s:{s:s, s:s, s:s}}", "url", "kettle://blob/",
				 "crypto", "schema", "aes-128-gcm", "key",
				 "AAECAwQFBgcICQoLDA0ODw==", "iv", IV12),
		       "data_id", &s);
}

static char fn_private[64], fn_public[64], fn_lua[64];

static void functions(void)
{
	char path[128];
	json_t *out;
	int s;

	CHECK(st(NULL, "GET", "/v1/functions", NULL) == 401,
	      "a request without the caller's identity is 401");
	const struct user root = { "eve", "root", "" }, slash = { "a/b", "data_owner", "" };
	CHECK(st(&root, "GET", "/v1/functions", NULL) == 401 &&
		      st(&slash, "GET", "/v1/functions", NULL) == 401,
	      "an unknown role or a malformed user id is 401");
	snprintf(fn_private, sizeof(fn_private), "%s",
		 call_id(&fo1, "POST", "/v1/functions",
			 fn_body("builtin-echo", "builtin", NULL, 0,
				 files("a", "b"), files("out", NULL),
				 json_pack("[s, s]", "alice", "bob")),
			 "function_id", &s));
	CHECK(s == 200 && !strncmp(fn_private, "function-", 9),
	      "a function owner registers a private function");
	snprintf(fn_public, sizeof(fn_public), "%s",
		 call_id(&fo1, "POST", "/v1/functions",
			 fn_body("builtin-echo", "builtin", NULL, 1,
				 files("in", NULL), files("out", NULL), json_array()),
			 "function_id", &s));
	snprintf(fn_lua, sizeof(fn_lua), "%s",
		 call_id(&fo1, "POST", "/v1/functions",
			 fn_body("script", "lua", "cHJpbnQoMSk=", 0, json_array(),
				 json_array(), json_pack("[s]", "alice")),
			 "function_id", &s));
	CHECK(s == 200, "a lua function with a payload registers");
	CHECK(st(&alice, "POST", "/v1/functions",
		 fn_body("builtin-echo", "builtin", NULL, 1, json_array(),
			 json_array(), json_array())) == 403,
	      "a data owner cannot register a function");

	snprintf(path, sizeof(path), "/v1/functions/%s", fn_lua);
	out = get(&fo1, path, &s);
	CHECK(s == 200 && !strcmp(mh_str(out, "owner"), "fo1") &&
		      !strcmp(mh_str(out, "payload"), "cHJpbnQoMSk=") &&
		      strlen(mh_str(out, "payload_digest")) == 64,
	      "the owner reads its function with payload and payload_digest");
	json_decref(out);
	out = get(&alice, path, &s);
	CHECK(s == 200 && !json_object_get(out, "payload") &&
		      strlen(mh_str(out, "payload_digest")) == 64,
	      "an allowlisted user reads a private function without its payload");
	json_decref(out);
	CHECK((json_decref(get(&bob, path, &s)), s == 403),
	      "another user cannot read a private function");
	snprintf(path, sizeof(path), "/v1/functions/%s", fn_public);
	CHECK((json_decref(get(&carol, path, &s)), s == 200),
	      "anyone reads a public function");
	CHECK(st(&fo2, "PUT", path,
		 fn_body("builtin-echo", "builtin", NULL, 1, json_array(),
			 json_array(), json_array())) == 403,
	      "a non-owner cannot update a function");
	CHECK(st(&fo2, "DELETE", path, NULL) == 403, "a non-owner cannot delete a function");
	snprintf(path, sizeof(path), "/v1/functions/%s", fn_lua);
	CHECK(st(&fo1, "PUT", path,
		 fn_body("script", "lua", "cHJpbnQoMik=", 0, json_array(),
			 json_array(), json_pack("[s]", "alice"))) == 200,
	      "the owner updates its function");
	out = get(&fo1, path, &s);
	CHECK(!strcmp(mh_str(out, "payload"), "cHJpbnQoMik="), "the update's payload is served");
	json_decref(out);

	out = get(&alice, "/v1/functions", &s);
	CHECK(s == 200 && json_array_size(json_object_get(out, "registered")) == 0 &&
		      json_array_size(json_object_get(out, "allowed")) == 3,
	      "alice may use the public function and the two allowlisting her");
	json_decref(out);
	out = get(&fo1, "/v1/functions", &s);
	CHECK(json_array_size(json_object_get(out, "registered")) == 3,
	      "fo1 lists its three functions as registered");
	json_decref(out);
	snprintf(path, sizeof(path), "/v1/functions/%s", fn_lua);
	CHECK(st(&fo1, "DELETE", path, NULL) == 200 &&
		      (json_decref(get(&fo1, path, &s)), s == 404),
	      "the owner deletes a function; it is gone");
}

static void file_calls(void)
{
	char path[128];
	const char *in = new_input(&alice);
	json_t *out;
	int s;

	CHECK(!strncmp(in, "input-", 6), "a data owner registers an input");
	snprintf(path, sizeof(path), "/v1/inputs/%s", in);
	out = get(&alice, path, &s);
	CHECK(s == 200 && !strcmp(mh_str(out, "owner"), "alice") &&
		      !strcmp(mh_str(out, "digest"), DIGEST) &&
		      !strcmp(mh_str(out, "url"), "https://data.example/in") &&
		      !json_object_get(out, "crypto"),
	      "the owner reads owner, digest and url (never the key)");
	json_decref(out);
	CHECK((json_decref(get(&bob, path, &s)), s == 403),
	      "another user cannot read the input");
	CHECK(st(&bob, "PUT", path, json_pack("{s:s}", "url", "https://x/y")) == 403,
	      "another user cannot update it");
	CHECK(st(&alice, "PUT", path, json_pack("{s:s}", "url", "https://x/y")) == 200,
	      "the owner updates its url");
	const char *o = new_output(&alice);
	snprintf(path, sizeof(path), "/v1/outputs/%s", o);
	out = get(&alice, path, &s);
	CHECK(s == 200 && json_is_null(json_object_get(out, "digest")),
	      "an output's digest is null until written");
	json_decref(out);
	CHECK((json_decref(get(&bob, path, &s)), s == 403), "another user cannot read the output");
	snprintf(path, sizeof(path), "/v1/functions/%s", fn_public);
	CHECK(st(&fo1, "POST", "/v1/inputs",
		 json_pack("{s:s, s:s, s:{s:s}}", "url", "https://x/y", "digest",
			   DIGEST, "crypto", "schema", "raw")) == 403,
	      "a function owner cannot register files");
}

static const char *task_create(const struct user *u, const char *fn,
			       json_t *in_own, json_t *out_own, int *s)
{
	return call_id(u, "POST", "/v1/tasks",
		       json_pack("{s:s, s:{s:s}, s:s, s:o, s:o}", "function_id", fn,
				 "function_arguments", "mode", "y", "executor",
				 "builtin", "inputs_ownership", in_own,
				 "outputs_ownership", out_own),
		       "task_id", s);
}

static int assign(const struct user *u, const char *task, json_t *ins,
		  json_t *outs)
{
	char path[128];
	snprintf(path, sizeof(path), "/v1/tasks/%s/assign", task);
	return st(u, "POST", path, json_pack("{s:o, s:o}", "inputs", ins, "outputs", outs));
}

static int action(const struct user *u, const char *task, const char *what)
{
	char path[128];
	snprintf(path, sizeof(path), "/v1/tasks/%s/%s", task, what);
	return st(u, "POST", path, NULL);
}

static json_t *task_get(const struct user *u, const char *task, int *s)
{
	char path[128];
	snprintf(path, sizeof(path), "/v1/tasks/%s", task);
	return get(u, path, s);
}

static const char *task_status_of(const char *task)
{
	static char status[32];
	int s;
	json_t *t = task_get(&alice, task, &s);
	snprintf(status, sizeof(status), "%s", mh_str(t, "status"));
	json_decref(t);
	return status;
}

static void single_party(void)
{
	const char *in = new_input(&alice), *out = new_output(&alice), *t;
	char path[128];
	json_t *task;
	int s;

	t = task_create(&alice, fn_public, json_pack("[{s:s, s:[s]}]", "name", "in", "owners", "alice"),
			json_pack("[{s:s, s:[s]}]", "name", "out", "owners", "alice"), &s);
	CHECK(s == 200 && !strncmp(t, "task-", 5), "a data owner creates a single-party task");
	CHECK(action(&alice, t, "invoke") == 409, "invoke before all data is assigned is 409");
	CHECK(task_create(&fo1, fn_public, json_array(), json_array(), &s) && s == 403,
	      "a function owner cannot create tasks");
	CHECK(assign(&alice, t, json_pack("{s:s}", "in", in), json_pack("{s:s}", "out", out)) == 200 &&
		      !strcmp(task_status_of(t), "approved"),
	      "assigning everything approves a single-party task");
	CHECK(action(&bob, t, "approve") == 403, "a non-participant cannot approve");
	snprintf(path, sizeof(path), "/v1/tasks/%s/invoke", t);
	CHECK(st(&alice, "POST", path, json_pack("{s:s}", "nonce", "00112233445566778899aabbccddeeff")) == 200,
	      "the creator invokes with a nonce");
	task = task_get(&alice, t, &s);
	CHECK(!strcmp(mh_str(task, "status"), "staged") &&
		      !strcmp(mh_str(task, "nonce"), "00112233445566778899aabbccddeeff"),
	      "the task is staged and keeps the nonce");
	json_decref(task);
	CHECK(action(&alice, t, "invoke") == 409, "a double invoke is 409");
	CHECK((json_decref(task_get(&bob, t, &s)), s == 403), "a non-participant cannot read the task");
	snprintf(path, sizeof(path), "/v1/tasks/%s/evidence", t);
	CHECK(st(&alice, "GET", path, NULL) == 404, "no evidence before the task runs");
	CHECK(action(&bob, t, "cancel") == 403, "a non-creator cannot cancel");
	CHECK(action(&alice, t, "cancel") == 200 && !strcmp(task_status_of(t), "canceled"),
	      "the creator cancels the staged task");
	CHECK(action(&alice, t, "cancel") == 409, "canceling twice is 409");
}

static void two_party(void)
{
	const char *a_in = new_input(&alice), *b_in = new_input(&bob);
	const char *b_in2 = new_input(&bob), *t, *fusion;
	json_t *task;
	int s;

	fusion = call_id(&alice, "POST", "/v1/outputs/fusion",
			 json_pack("{s:[s, s]}", "owners", "alice", "bob"), "data_id", &s);
	CHECK(s == 200 && !strncmp(fusion, "output-", 7), "alice makes a fusion output with bob");
	t = task_create(&alice, fn_private,
			json_pack("[{s:s, s:[s]}, {s:s, s:[s]}]", "name", "a", "owners", "alice",
				  "name", "b", "owners", "bob"),
			json_pack("[{s:s, s:[s, s]}]", "name", "out", "owners", "alice", "bob"), &s);
	CHECK(s == 200, "alice creates a two-party task on fo1's private function");
	task = task_get(&fo1, t, &s);
	CHECK(s == 200 && json_array_size(json_object_get(task, "participants")) == 3,
	      "participants: alice, bob and the private function's owner");
	json_decref(task);
	CHECK(assign(&alice, t, json_pack("{s:s}", "b", b_in), json_object()) == 403,
	      "alice cannot assign bob's input");
	CHECK(assign(&alice, t, json_pack("{s:s}", "a", a_in), json_pack("{s:s}", "out", fusion)) == 200,
	      "alice assigns her input and the fusion output");
	CHECK(assign(&bob, t, json_pack("{s:s}", "b", b_in), json_object()) == 200 &&
		      !strcmp(task_status_of(t), "data_assigned"),
	      "bob assigns his: data_assigned");
	CHECK(action(&alice, t, "approve") == 200 && action(&bob, t, "approve") == 200 &&
		      !strcmp(task_status_of(t), "data_assigned"),
	      "two approvals of three leave it data_assigned");
	CHECK(action(&alice, t, "invoke") == 403, "invoke before every approval is refused");
	CHECK(action(&fo1, t, "approve") == 200 && !strcmp(task_status_of(t), "approved"),
	      "the function owner's approval makes it approved");
	CHECK(assign(&bob, t, json_pack("{s:s}", "b", b_in2), json_object()) == 200,
	      "bob changes his input after approval");
	task = task_get(&alice, t, &s);
	CHECK(!strcmp(mh_str(task, "status"), "data_assigned") &&
		      json_array_size(json_object_get(task, "approved_by")) == 0,
	      "changing an assignment resets the approvals");
	json_decref(task);
	action(&alice, t, "approve");
	action(&bob, t, "approve");
	action(&fo1, t, "approve");
	CHECK(action(&bob, t, "invoke") == 403, "only the creator invokes");
	CHECK(action(&alice, t, "invoke") == 200 && !strcmp(task_status_of(t), "staged"),
	      "after all approve again the creator invokes");
	CHECK(assign(&bob, t, json_pack("{s:s}", "b", b_in), json_object()) == 409,
	      "a staged task's data cannot change");
	CHECK(action(&admin, t, "cancel") == 200, "an admin cancels any task");
}

static void disabled_and_quota(void)
{
	char path[128];
	const char *fn, *t;
	json_t *b, *out;
	int s;

	b = fn_body("builtin-echo", "builtin", NULL, 1, json_array(), json_array(), json_array());
	json_object_set_new(b, "usage_quota", json_integer(1));
	fn = call_id(&fo1, "POST", "/v1/functions", b, "function_id", &s);
	char fid[64];
	snprintf(fid, sizeof(fid), "%s", fn);
	t = task_create(&alice, fid, json_array(), json_array(), &s);
	CHECK(s == 200 && action(&alice, t, "invoke") == 200,
	      "the first invocation of a quota-1 function runs");
	snprintf(path, sizeof(path), "/v1/functions/%s/stats", fid);
	out = get(&fo1, path, &s);
	CHECK(s == 200 && json_integer_value(json_object_get(out, "invocations")) == 1 &&
		      json_integer_value(json_object_get(out, "quota")) == 1,
	      "stats: 1 invocation of quota 1");
	json_decref(out);
	CHECK((json_decref(get(&alice, path, &s)), s == 403), "only the owner reads stats");
	task_create(&alice, fid, json_array(), json_array(), &s);
	CHECK(s == 409, "the usage quota is enforced on a new task");

	fn = call_id(&fo1, "POST", "/v1/functions",
		     fn_body("builtin-echo", "builtin", NULL, 1, json_array(), json_array(), json_array()),
		     "function_id", &s);
	snprintf(fid, sizeof(fid), "%s", fn);
	t = task_create(&alice, fid, json_array(), json_array(), &s);
	char tid[64];
	snprintf(tid, sizeof(tid), "%s", t);
	snprintf(path, sizeof(path), "/v1/functions/%s/disable", fid);
	CHECK(st(&fo2, "POST", path, NULL) == 403 && st(&fo1, "POST", path, NULL) == 200,
	      "only the owner disables its function");
	task_create(&alice, fid, json_array(), json_array(), &s);
	CHECK(s == 403, "a disabled function cannot be used in a new task");
	CHECK(action(&alice, tid, "invoke") == 200,
	      "a task created before the disable still runs");
}

static void blobs(void)
{
	char path[200], code[64];
	struct rpc_result res;
	const char *url, *digest, *in;
	json_t *out;
	int s;

	rpc_client_set_header(c, "X-Kettle-User", "alice");
	rpc_client_set_header(c, "X-Kettle-Role", "data_owner");
	s = rpc_client_call_raw(c, "PUT", "/v1/blobs", "application/octet-stream",
				"secret bytes", 12, NULL, &res);
	out = s == 0 && res.json ? json_incref(res.json) : NULL;
	CHECK(s == 0 && res.status == 200, "a data owner uploads a blob");
	if (s == 0)
		rpc_result_clear(&res);
	char u[200], d[80];
	snprintf(u, sizeof(u), "%s", mh_str(out, "url"));
	snprintf(d, sizeof(d), "%s", mh_str(out, "digest"));
	json_decref(out);
	url = u;
	digest = d;
	in = call_id(&alice, "POST", "/v1/inputs",
		     json_pack("{s:s, s:s, s:{s:s}}", "url", url, "digest", digest,
			       "crypto", "schema", "raw"),
		     "data_id", &s);
	CHECK(s == 200 && strlen(in) > 6, "she registers an input stored in that blob");
	call_id(&bob, "POST", "/v1/inputs",
		json_pack("{s:s, s:s, s:{s:s}}", "url", url, "digest", digest,
			  "crypto", "schema", "raw"),
		"data_id", &s);
	CHECK(s == 403, "someone who did not upload it cannot claim the blob");
	snprintf(path, sizeof(path), "/v1/blobs/%s", digest);
	rpc_client_set_header(c, "X-Kettle-User", "alice");
	s = rpc_client_call(c, "GET", path, NULL, NULL, &res);
	CHECK(s == 0 && res.status == 200 && res.raw_len == 12 &&
		      !memcmp(res.raw, "secret bytes", 12),
	      "the owner of a file using it reads the blob");
	if (s == 0)
		rpc_result_clear(&res);
	CHECK(mh_call_raw(c, &bob, "GET", path, NULL, 0, code, sizeof(code)) == 403,
	      "another user cannot read it");
}

static void from_output(struct mh *h)
{
	char path[128], key[128];
	const char *o = new_output(&alice);
	struct rpc_client *store = mh_client(h, h->base.storage_url);
	json_t *doc = NULL;
	int s;

	call_id(&alice, "POST", "/v1/inputs/from-output", json_pack("{s:s}", "data_id", o),
		"data_id", &s);
	CHECK(s == 409, "an output not yet written cannot become an input");
	/* Play the execution side: write the output's digest. */
	snprintf(key, sizeof(key), "output/%s", o);
	json_t *got_doc;
	if (mh_call(store, NULL, "POST", "/store/get", json_pack("{s:s}", "key", key),
		    &got_doc) == 200) {
		const char *v = mh_str(got_doc, "value");
		uint8_t *raw;
		size_t len;
		if (base64_decode_alloc(v, strlen(v), &raw, &len) == 0) {
			doc = json_loadb((char *)raw, len, 0, NULL);
			free(raw);
		}
		json_object_set_new(doc, "digest", json_string(DIGEST));
		char *text = json_dumps(doc, JSON_COMPACT);
		char *b64 = base64_encode(text, strlen(text));
		json_int_t ver = json_integer_value(json_object_get(got_doc, "version"));
		mh_call(store, NULL, "POST", "/store/cas",
			json_pack("{s:s, s:s, s:I}", "key", key, "value", b64,
				  "expected_version", ver), NULL);
		free(text);
		free(b64);
		json_decref(doc);
	}
	json_decref(got_doc);
	rpc_client_free(store);
	const char *in = call_id(&alice, "POST", "/v1/inputs/from-output",
				 json_pack("{s:s}", "data_id", o), "data_id", &s);
	CHECK(s == 200 && !strncmp(in, "input-", 6), "a written output becomes an input");
	snprintf(path, sizeof(path), "/v1/inputs/%s", in);
	json_t *got = get(&alice, path, &s);
	CHECK(!strcmp(mh_str(got, "digest"), DIGEST), "with the output's digest");
	json_decref(got);
	call_id(&bob, "POST", "/v1/inputs/from-output", json_pack("{s:s}", "data_id", o),
		"data_id", &s);
	CHECK(s == 403, "a non-owner cannot reuse the output");
}

static void audit(void)
{
	json_t *out, *e;
	size_t i, denied = 0, allowed = 0;
	int s;

	out = get(&alice, "/v1/audit", &s);
	CHECK(s == 403, "a data owner cannot read the audit log");
	json_decref(out);
	out = get(&admin, "/v1/audit?limit=1000", &s);
	json_array_foreach(json_object_get(out, "entries"), i, e) {
		if (json_is_true(json_object_get(e, "allowed")))
			allowed++;
		else
			denied++;
	}
	CHECK(s == 200 && allowed > 10 && denied > 10,
	      "the admin reads allowed (%zu) and denied (%zu) actions", allowed, denied);
	e = json_array_get(json_object_get(out, "entries"), 0);
	CHECK(!strcmp(mh_str(e, "action"), "audit.read") && !strcmp(mh_str(e, "user_id"), "alice") &&
		      json_is_false(json_object_get(e, "allowed")),
	      "the newest entry is alice's denied audit read");
	json_decref(out);
	out = get(&admin, "/v1/audit?user_id=bob&limit=5", &s);
	int only_bob = json_array_size(json_object_get(out, "entries")) == 5;
	json_array_foreach(json_object_get(out, "entries"), i, e)
		only_bob &= !strcmp(mh_str(e, "user_id"), "bob");
	CHECK(s == 200 && only_bob, "user_id and limit filter the entries");
	json_decref(out);
}

static struct mh *platform_h;

/* POST /v1/functions with body from a child process given at most 60 s,
 * so a server that stops reading a huge body fails one check instead of
 * hanging the suite. The status, -1 for no answer, -2 for no end. */
static int bounded_post(const char *body)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char code[64];
		struct rpc_client *own = mh_client(platform_h, platform_h->mgmt_url);
		int s = own ? mh_call_raw(own, &alice, "POST", "/v1/functions", body,
					  strlen(body), code, sizeof(code))
			    : -1;
		rpc_client_free(own);
		_exit(s >= 400 && s < 500 ? s - 400 : 255);
	}
	for (int i = 0; i < 600; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) < 100
				       ? 400 + WEXITSTATUS(status) : -1;
		nanosleep(&pause, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	printf("# the call did not end within 60 s\n");
	return -2;
}

struct bad {
	const char *method, *path, *body;
	int status;
	const char *what;
};

static void bad_input(void)
{
	static char big_id[10100], big_args[200000], huge_list[40000];
	char p1[300], p2[300], p3[300], p4[300], code[64];
	size_t n;

	char fn_path[128], fn_disable[140], in_path[128], out_path[128], task_assign[128],
		task_invoke[128], task_approve[128], task_cancel[128], task_bad_args[400],
		task_bad_owner[400];
	int s;
	const char *in = new_input(&alice);
	snprintf(in_path, sizeof(in_path), "/v1/inputs/%s", in);
	snprintf(out_path, sizeof(out_path), "/v1/outputs/%s", new_output(&alice));
	snprintf(fn_path, sizeof(fn_path), "/v1/functions/%s", fn_public);
	snprintf(fn_disable, sizeof(fn_disable), "%s/disable", fn_path);
	const char *t = task_create(&alice, fn_public,
				    json_pack("[{s:s, s:[s]}]", "name", "in", "owners", "alice"),
				    json_pack("[{s:s, s:[s]}]", "name", "out", "owners", "alice"), &s);
	snprintf(task_assign, sizeof(task_assign), "/v1/tasks/%s/assign", t);
	snprintf(task_invoke, sizeof(task_invoke), "/v1/tasks/%s/invoke", t);
	snprintf(task_approve, sizeof(task_approve), "/v1/tasks/%s/approve", t);
	snprintf(task_cancel, sizeof(task_cancel), "/v1/tasks/%s/cancel", t);
	snprintf(task_bad_args, sizeof(task_bad_args),
		 "{\"function_id\":\"%s\",\"function_arguments\":{\"mode\":1,\"fixed\":2},"
		 "\"executor\":\"builtin\",\"inputs_ownership\":[{\"name\":\"in\",\"owners\":[\"alice\"]}],"
		 "\"outputs_ownership\":[{\"name\":\"out\",\"owners\":[\"alice\"]}]}", fn_public);
	snprintf(task_bad_owner, sizeof(task_bad_owner),
		 "{\"function_id\":\"%s\",\"function_arguments\":{\"mode\":1},"
		 "\"executor\":\"builtin\",\"inputs_ownership\":[{\"name\":\"other\",\"owners\":[\"alice\"]}],"
		 "\"outputs_ownership\":[]}", fn_public);
	snprintf(p1, sizeof(p1), "/v1/tasks/%s/assign", "task-0123");
	snprintf(p2, sizeof(p2), "/v1/functions/%s", "input-0123456789abcdef0123456789abcdef");
	snprintf(p3, sizeof(p3), "/v1/tasks/%s", "task-0123456789abcdef0123456789abcdef");
	snprintf(p4, sizeof(p4), "/v1/inputs/%s", "input-0123456789abcdef0123456789abcdef");
	n = (size_t)snprintf(big_id, sizeof(big_id), "/v1/tasks/task-");
	memset(big_id + n, 'a', 10000);
	n = (size_t)snprintf(big_args, sizeof(big_args),
			     "{\"name\":\"builtin-x\",\"description\":\"\",\"executor\":\"builtin\","
			     "\"public\":true,\"inputs\":[],\"outputs\":[],\"user_allowlist\":[],"
			     "\"arguments\":[");
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(big_args + n, sizeof(big_args) - n,
				      "%s{\"key\":\"k%d\",\"allow_overwrite\":true}", i ? "," : "", i);
	snprintf(big_args + n, sizeof(big_args) - n, "]}");
	n = (size_t)snprintf(huge_list, sizeof(huge_list),
			     "{\"name\":\"builtin-x\",\"description\":\"\",\"executor\":\"builtin\","
			     "\"public\":true,\"inputs\":[],\"outputs\":[],\"arguments\":[],"
			     "\"user_allowlist\":[");
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(huge_list + n, sizeof(huge_list) - n, "%s\"u%d\"",
				      i ? "," : "", i);
	snprintf(huge_list + n, sizeof(huge_list) - n, "]}");
	const struct bad cases[] = {
		{ "POST", "/v1/functions", "{\"name\":", 400, "malformed JSON" },
		{ "POST", "/v1/functions", "[1,2]", 400, "a body that is no object" },
		{ "POST", "/v1/functions", "{\"name\":\"builtin-x\"}", 400, "missing fields" },
		{ "POST", "/v1/functions", "{\"name\":\"builtin-x\",\"description\":\"\",\"executor\":\"builtin\",\"public\":\"yes\",\"inputs\":[],\"outputs\":[],\"arguments\":[],\"user_allowlist\":[]}", 400, "public of the wrong type" },
		{ "POST", "/v1/functions", "{\"name\":\"builtin-x\",\"description\":\"\",\"executor\":\"builtin\",\"public\":true,\"inputs\":[],\"outputs\":[],\"arguments\":[],\"user_allowlist\":[],\"color\":1}", 400, "an extra field" },
		{ "POST", "/v1/functions", "{\"name\":\"x\",\"description\":\"\",\"executor\":\"lua\",\"payload\":\"%%%\",\"public\":true,\"inputs\":[],\"outputs\":[],\"arguments\":[],\"user_allowlist\":[]}", 400, "a payload that is not base64" },
		{ "POST", "/v1/functions", "{\"name\":\"x\",\"description\":\"\",\"executor\":\"cobol\",\"payload\":\"AAAA\",\"public\":true,\"inputs\":[],\"outputs\":[],\"arguments\":[],\"user_allowlist\":[]}", 400, "an unknown executor" },
		{ "POST", "/v1/functions", "{\"name\":\"builtin-x\",\"description\":\"\",\"executor\":\"builtin\",\"public\":true,\"inputs\":[{\"name\":\"../x\",\"description\":\"\",\"optional\":false}],\"outputs\":[],\"arguments\":[],\"user_allowlist\":[]}", 400, "an input name with a path" },
		{ "POST", "/v1/functions", big_args, 400, "3000 arguments" },
		{ "POST", "/v1/functions", huge_list, 400, "an allowlist of 2000 ids" },
		{ "POST", "/v1/functions", "{\"name\":\"\xff\xfe\"}", 400, "invalid UTF-8" },
		{ "POST", "/v1/inputs", "{\"url\":\"ftp://x/y\",\"digest\":\"" DIGEST "\",\"crypto\":{\"schema\":\"raw\"}}", 400, "a url scheme not allowed" },
		{ "POST", "/v1/inputs", "{\"url\":\"https://x/y\",\"digest\":\"" DIGEST "\",\"crypto\":{\"schema\":\"aes-256-gcm\",\"key\":\"AAAA\",\"iv\":\"" IV12 "\"}}", 400, "a key of the wrong length" },
		{ "POST", "/v1/inputs", "{\"url\":\"https://x/y\",\"digest\":\"abc\",\"crypto\":{\"schema\":\"raw\"}}", 400, "a short digest" },
		{ "POST", "/v1/inputs", "{\"url\":\"https://x/y\",\"digest\":\"" DIGEST "\",\"crypto\":{\"schema\":\"rot13\"}}", 400, "an unknown schema" },
		{ "POST", "/v1/outputs/fusion", "{\"owners\":[\"bob\",\"carol\"]}", 400, "a fusion output without the caller" },
		{ "POST", "/v1/outputs/fusion", "{\"owners\":[\"alice\",\"a/b\"]}", 400, "a bad owner id" },
		{ "POST", "/v1/inputs/from-output", "{\"data_id\":\"input-0123456789abcdef0123456789abcdef\"}", 400, "from-output of an input id" },
		{ "POST", "/v1/tasks", "{\"function_id\":\"task-0123456789abcdef0123456789abcdef\",\"function_arguments\":{},\"executor\":\"builtin\",\"inputs_ownership\":[],\"outputs_ownership\":[]}", 400, "a task on an id of the wrong prefix" },
		{ "POST", "/v1/tasks", "{\"function_id\":\"function-0123456789abcdef0123456789abcdef\",\"function_arguments\":{},\"executor\":\"builtin\",\"inputs_ownership\":[],\"outputs_ownership\":[]}", 404, "a task on an unknown function" },
		{ "POST", p1, "{\"inputs\":{},\"outputs\":{}}", 400, "a truncated task id" },
		{ "GET", p2, NULL, 400, "a function path with an input id" },
		{ "GET", p3, NULL, 404, "an unknown task" },
		{ "GET", p4, NULL, 404, "an unknown input" },
		{ "GET", "/v1/tasks/..", NULL, 400, "a task id of .." },
		{ "GET", "/v1/tasks/task-%00", NULL, 400, "a task id with NUL" },
		{ "GET", "/v1/tasks/a%2Fb", NULL, 400, "a task id with /" },
		{ "GET", big_id, NULL, 400, "a task id of 10 000 characters" },
		{ "GET", "/v1/blobs/zz", NULL, 400, "a blob name that is no digest" },
		{ "GET", "/v1/audit?limit=0", NULL, 400, "an audit limit of 0 (checked before the decision)" },
		{ "DELETE", "/v1/tasks/task-0123456789abcdef0123456789abcdef", NULL, 405, "a method the path lacks" },
		{ "PUT", fn_path, "{\"name\":1}", 400, "an update of the wrong type" },
		{ "PUT", fn_path, "{}", 400, "an update without fields" },
		{ "POST", fn_disable, "{\"really\":true}", 400, "disable with a body" },
		{ "GET", "/v1/functions/function-x/stats", NULL, 400, "stats of a malformed id" },
		{ "PUT", in_path, "{\"url\":\"gopher://x\"}", 400, "an input url of a disallowed scheme" },
		{ "PUT", in_path, "{\"url\":\"https://x\",\"digest\":\"" DIGEST "\"}", 400, "an input update with an extra field" },
		{ "PUT", out_path, "{\"url\":\"data:,x\"}", 400, "an output url of data:" },
		{ "POST", "/v1/outputs", "{\"url\":\"kettle://blob/\",\"crypto\":{\"schema\":\"aes-256-gcm\",\"key\":\"" KEY32 "\",\"iv\":\"AAAA\"}}", 400, "an iv of the wrong length" },
		{ "POST", "/v1/outputs", "{\"url\":\"kettle://blob/\"}", 400, "an output without crypto" },
		{ "POST", task_assign, "{\"inputs\":[],\"outputs\":{}}", 400, "assign inputs of the wrong type" },
		{ "POST", task_assign, "{\"inputs\":{\"in\":\"output-0123456789abcdef0123456789abcdef\"},\"outputs\":{}}", 400, "an output id assigned as an input" },
		{ "POST", task_assign, "{\"inputs\":{\"nope\":\"input-0123456789abcdef0123456789abcdef\"},\"outputs\":{}}", 400, "an input name the task lacks" },
		{ "POST", task_assign, "{\"inputs\":{\"in\":\"input-0123456789abcdef0123456789abcdef\"},\"outputs\":{}}", 404, "an unknown input" },
		{ "POST", task_invoke, "{\"nonce\":\"00ff\"}", 400, "a nonce under 16 bytes" },
		{ "POST", task_invoke, "{\"nonce\":\"zz112233445566778899aabbccddeeff\"}", 400, "a nonce that is not hex" },
		{ "POST", task_invoke, "{\"nonce\":7}", 400, "a nonce of the wrong type" },
		{ "POST", task_invoke, "{\"when\":\"now\"}", 400, "invoke with an extra field" },
		{ "POST", task_approve, "[]", 400, "approve with a body" },
		{ "POST", task_cancel, "{\"why\":1}", 400, "cancel with a body" },
		{ "POST", "/v1/tasks", "{\"function_id\":\"function-0123456789abcdef0123456789abcdef\",\"function_arguments\":[],\"executor\":\"builtin\",\"inputs_ownership\":[],\"outputs_ownership\":[]}", 400, "arguments of the wrong type" },
		{ "POST", "/v1/tasks", task_bad_args, 400, "an argument the function does not let a task set" },
		{ "POST", "/v1/tasks", task_bad_owner, 400, "an ownership naming a file the function lacks" },
		{ "GET", "/v1/tasks/task-0123456789abcdef0123456789abcdef/evidence", NULL, 404, "evidence of an unknown task" },
		{ "GET", "/v1/audit?task_id=../x", NULL, 400, "an audit filter with a bad task id" },
		{ "GET", "/v1/audit?limit=abc", NULL, 400, "an audit limit that is no number" },
	};
	int all = 1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad *b = &cases[i];
		int want = b->status;
		int got = mh_call_raw(c, &alice, b->method, b->path, b->body,
				      b->body ? strlen(b->body) : 0, code, sizeof(code));
		if (got != want || !code[0] || !strcmp(code, "(no message)")) {
			printf("# %s: %d %s, wanted %d\n", b->what, got, code, want);
			all = 0;
		}
	}
	CHECK(all, "each bad request gets the right 4xx with one code and message");
	/* Bodies over the size limit: refused before they are parsed. */
	static char huge[8 * 1024 * 1024];
	n = (size_t)snprintf(huge, sizeof(huge), "{\"arguments\":[");
	for (int i = 0; i < 100000; i++)
		n += (size_t)snprintf(huge + n, sizeof(huge) - n,
				      "%s{\"key\":\"k%d\",\"allow_overwrite\":true}", i ? "," : "", i);
	snprintf(huge + n, sizeof(huge) - n, "]}");
	CHECK(bounded_post(huge) == 413, "a function with 100 000 arguments is 413");
	n = (size_t)snprintf(huge, sizeof(huge), "{\"user_allowlist\":[");
	for (int i = 0; i < 1000000 && n < sizeof(huge) - 32; i++)
		n += (size_t)snprintf(huge + n, sizeof(huge) - n, "%s\"u%d\"", i ? "," : "", i);
	snprintf(huge + n, sizeof(huge) - n, "]}");
	CHECK(bounded_post(huge) == 413, "an allowlist of ~1 000 000 ids is 413");
	CHECK(mh_call_raw(c, &alice, "POST", "/v1/functions", "x", 1, code, sizeof(code)) == 400 &&
		      st(&alice, "GET", "/v1/functions", NULL) == 200,
	      "management still serves after the bad input");
}

int main(void)
{
	struct mh h;

	if (!getenv("KETTLE_PLATFORM"))
		TAP_SKIP_ALL("KETTLE_PLATFORM is not set (run through meson)");
	platform_h = &h;
	if (mh_start_client(&h, &c) < 0) {
		CHECK(0, "the platform starts");
		TAP_DONE();
	}
	functions();
	file_calls();
	single_party();
	two_party();
	disabled_and_quota();
	blobs();
	from_output(&h);
	bad_input();
	audit();
	rpc_client_free(c);
	mh_destroy(&h);
	TAP_DONE();
}
