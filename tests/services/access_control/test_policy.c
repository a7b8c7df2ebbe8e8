/* SPDX-License-Identifier: Apache-2.0 */
/* The policy library on its own: every rule of the default policy, allowed
 * and denied; deny rules over allow rules; the decision's rule and reason;
 * malformed requests; and bad policies, each refused with one line naming
 * the file, the rule and what is wrong.
 * Usage: test_policy DEFAULT_POLICY_JSON */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/access_control/actions.h"
#include "services/access_control/policy.h"
#include "tests/tap.h"

static struct policy *def;

/* Decide with facts given as JSON text; returns allow (0/1), or -1 for an
 * invalid request. *rule gets the deciding rule. */
static int decide(const struct policy *p, const char *id, const char *role,
		  const char *action, const char *facts, const char **rule)
{
	struct policy_subject s = { id, role, "org1" };
	struct policy_decision d;
	char err[256];
	json_t *f = json_loads(facts, 0, NULL);
	int rc = policy_decide(p, &s, action, f, &d, err, sizeof(err));
	json_decref(f);
	if (rc)
		return -1;
	if (rule)
		*rule = d.rule;
	if (!d.reason[0] || d.reason[strlen(d.reason) - 1] != '.')
		return -2; /* every decision carries one sentence */
	return d.allow;
}

static int allows(const char *id, const char *role, const char *action,
		  const char *facts, const char *want_rule)
{
	const char *rule = NULL;
	int a = decide(def, id, role, action, facts, &rule);
	return a == 1 && rule && strcmp(rule, want_rule) == 0;
}

static int denies(const char *id, const char *role, const char *action,
		  const char *facts, const char *want_rule)
{
	const char *rule = NULL;
	int a = decide(def, id, role, action, facts, &rule);
	return a == 0 && rule && strcmp(rule, want_rule) == 0;
}

#define FO "function_owner"
#define DO "data_owner"
#define DOM "data_owner_manager"
#define ADMIN "platform_admin"

static void test_roles(void)
{
	static const char *const no_facts[] = { "function.register", "function.list",
		"input.register", "output.register", "output.fusion", "blob.put",
		"task.create", "audit.read" };
	for (size_t i = 0; i < sizeof(no_facts) / sizeof(no_facts[0]); i++)
		CHECK(allows("admin", ADMIN, no_facts[i], "{}", "admin-everything"),
		      "admin-everything: an admin may %s", no_facts[i]);
	CHECK(allows("admin", ADMIN, "task.invoke", "{\"creator\":\"x\",\"all_approved\":false}",
		     "admin-everything"), "admin-everything: covers actions with facts too");
	CHECK(allows("fo", FO, "function.register", "{}", "function-register"),
	      "function-register: a function owner registers functions");
	CHECK(denies("do", DO, "function.register", "{}", "default-deny") &&
	      denies("dom", DOM, "function.register", "{}", "default-deny"),
	      "function-register: data owners and managers cannot");
	CHECK(allows("do", DO, "function.list", "{}", "function-list") &&
	      allows("fo", FO, "function.list", "{}", "function-list"),
	      "function-list: every role lists functions");
	CHECK(allows("do", DO, "task.create", "{}", "task-create") &&
	      allows("dom", DOM, "task.create", "{}", "task-create"),
	      "task-create: data owners and managers create tasks");
	CHECK(denies("fo", FO, "task.create", "{}", "default-deny"),
	      "task-create: a function owner cannot");
	static const char *const files[] = { "input.register", "output.register",
					     "output.fusion", "blob.put" };
	for (size_t i = 0; i < 4; i++) {
		CHECK(allows("do", DO, files[i], "{}", "file-register") &&
		      allows("dom", DOM, files[i], "{}", "file-register"),
		      "file-register: data owners may %s", files[i]);
		CHECK(denies("fo", FO, files[i], "{}", "default-deny"),
		      "file-register: a function owner may not %s", files[i]);
	}
	CHECK(denies("do", DO, "audit.read", "{}", "default-deny") &&
	      denies("fo", FO, "audit.read", "{}", "default-deny") &&
	      denies("dom", DOM, "audit.read", "{}", "default-deny"),
	      "audit.read: only the admin");
}

static void test_functions(void)
{
	const char *priv = "{\"owner\":\"fo\",\"public\":false,\"allowlisted\":false}";
	const char *pub = "{\"owner\":\"fo\",\"public\":true,\"allowlisted\":false}";
	const char *listed = "{\"owner\":\"fo\",\"public\":false,\"allowlisted\":true}";
	CHECK(allows("fo", FO, "function.read", priv, "function-read-owner"),
	      "function-read-owner: the owner reads its private function");
	CHECK(allows("fo", FO, "function.read_payload", "{\"owner\":\"fo\"}", "function-read-owner"),
	      "function-read-owner: and its payload");
	CHECK(denies("do", DO, "function.read", priv, "default-deny") &&
	      denies("fo2", FO, "function.read", priv, "default-deny"),
	      "another user cannot read a private function");
	CHECK(allows("do", DO, "function.read", pub, "function-read-public") &&
	      allows("fo2", FO, "function.read", pub, "function-read-public"),
	      "function-read-public: everyone reads a public function");
	CHECK(allows("do", DO, "function.read", listed, "function-read-allowlisted"),
	      "function-read-allowlisted: an allowlisted user reads a private one");
	CHECK(denies("do", DO, "function.read_payload", "{\"owner\":\"fo\"}", "default-deny"),
	      "but nobody else reads the payload (allowlisted or public)");
	static const char *const manage[] = { "function.update", "function.delete",
					      "function.disable", "function.stats" };
	for (size_t i = 0; i < 4; i++) {
		CHECK(allows("fo", FO, manage[i], "{\"owner\":\"fo\"}", "function-manage-owner"),
		      "function-manage-owner: the owner may %s", manage[i]);
		CHECK(denies("fo2", FO, manage[i], "{\"owner\":\"fo\"}", "default-deny") &&
		      denies("do", DO, manage[i], "{\"owner\":\"fo\"}", "default-deny"),
		      "function-manage-owner: another user may not %s", manage[i]);
		CHECK(allows("admin", ADMIN, manage[i], "{\"owner\":\"fo\"}", "admin-everything"),
		      "an admin may %s any function", manage[i]);
	}
	const char *use_pub = "{\"owner\":\"fo\",\"public\":true,\"allowlisted\":false,\"disabled\":false}";
	const char *use_priv = "{\"owner\":\"fo\",\"public\":false,\"allowlisted\":false,\"disabled\":false}";
	const char *use_listed = "{\"owner\":\"fo\",\"public\":false,\"allowlisted\":true,\"disabled\":false}";
	const char *use_own = "{\"owner\":\"do\",\"public\":false,\"allowlisted\":false,\"disabled\":false}";
	const char *use_off = "{\"owner\":\"fo\",\"public\":true,\"allowlisted\":true,\"disabled\":true}";
	CHECK(allows("do", DO, "function.use", use_pub, "function-use-public"),
	      "function-use-public: a data owner uses a public function");
	CHECK(allows("dom", DOM, "function.use", use_listed, "function-use-allowlisted"),
	      "function-use-allowlisted: an allowlisted manager uses a private one");
	CHECK(allows("do", DO, "function.use", use_own, "function-use-owner"),
	      "function-use-owner: its owner uses it");
	CHECK(denies("do", DO, "function.use", use_priv, "default-deny"),
	      "a private function not allowlisted cannot be used");
	CHECK(denies("do", DO, "function.use", use_off, "function-disabled") &&
	      denies("admin", ADMIN, "function.use", use_off, "function-disabled"),
	      "function-disabled: nobody uses a disabled function, not even an admin");
	CHECK(denies("fo", FO, "function.use", use_pub, "default-deny"),
	      "a function owner does not use functions in tasks");
}

static void test_files(void)
{
	static const char *const acts[] = { "input.read", "input.update", "output.read",
					    "output.update", "input.from_output", "blob.get" };
	const char *mine = "{\"owners\":[\"do2\",\"do\"]}";
	const char *theirs = "{\"owners\":[\"do2\"]}";
	for (size_t i = 0; i < 6; i++) {
		CHECK(allows("do", DO, acts[i], mine, "file-owner"),
		      "file-owner: an owner may %s", acts[i]);
		CHECK(denies("do", DO, acts[i], theirs, "default-deny") &&
		      denies("fo", FO, acts[i], mine, "default-deny"),
		      "file-owner: a non-owner (or a function owner) may not %s", acts[i]);
	}
}

static void test_tasks(void)
{
	const char *t = "{\"participants\":[\"do\",\"fo\",\"do2\"],\"creator\":\"do\"}";
	static const char *const part[] = { "task.read", "task.approve", "task.evidence" };
	for (size_t i = 0; i < 3; i++) {
		CHECK(allows("fo", FO, part[i], t, "task-participant") &&
		      allows("do2", DO, part[i], t, "task-participant"),
		      "task-participant: participants may %s", part[i]);
		CHECK(denies("do3", DO, part[i], t, "default-deny"),
		      "task-participant: a non-participant may not %s", part[i]);
	}
	const char *assign_ok = "{\"participants\":[\"do\"],\"file_owners\":[\"do\"],\"named_owners\":[\"do\",\"do2\"]}";
	const char *not_named = "{\"participants\":[\"do\"],\"file_owners\":[\"do\"],\"named_owners\":[\"do2\"]}";
	const char *not_owner = "{\"participants\":[\"do\"],\"file_owners\":[\"do2\"],\"named_owners\":[\"do\"]}";
	CHECK(allows("do", DO, "task.assign", assign_ok, "task-assign-owner"),
	      "task-assign-owner: an owner of the file named for that name assigns it");
	CHECK(denies("do", DO, "task.assign", not_named, "default-deny"),
	      "task-assign-owner: not when the task names other owners");
	CHECK(denies("do", DO, "task.assign", not_owner, "default-deny"),
	      "task-assign-owner: not a file the caller does not own");
	const char *ready = "{\"creator\":\"do\",\"all_approved\":true}";
	const char *waiting = "{\"creator\":\"do\",\"all_approved\":false}";
	CHECK(allows("do", DO, "task.invoke", ready, "task-invoke-creator"),
	      "task-invoke-creator: the creator invokes once all approved");
	CHECK(denies("do", DO, "task.invoke", waiting, "default-deny"),
	      "task-invoke-creator: not before");
	CHECK(denies("do2", DO, "task.invoke", ready, "default-deny"),
	      "task-invoke-creator: nobody else");
	CHECK(allows("do", DO, "task.cancel", "{\"creator\":\"do\"}", "task-cancel-creator"),
	      "task-cancel-creator: the creator cancels");
	CHECK(allows("admin", ADMIN, "task.cancel", "{\"creator\":\"do\"}", "admin-everything"),
	      "an admin cancels any task");
	CHECK(denies("do2", DO, "task.cancel", "{\"creator\":\"do\"}", "default-deny"),
	      "another user may not cancel");
}

static void test_requests(void)
{
	CHECK(decide(def, "do", DO, "function.fly", "{}", NULL) == -1, "an unknown action is refused");
	CHECK(decide(def, "do", "root", "function.list", "{}", NULL) == -1, "an unknown role is refused");
	CHECK(decide(def, "", DO, "function.list", "{}", NULL) == -1, "an empty subject id is refused");
	CHECK(decide(def, "do", DO, "task.cancel", "{}", NULL) == -1, "a missing fact is refused");
	CHECK(decide(def, "do", DO, "task.cancel", "{\"creator\":1}", NULL) == -1, "a fact of the wrong type is refused");
	CHECK(decide(def, "do", DO, "task.cancel", "{\"creator\":\"do\",\"x\":1}", NULL) == -1,
	      "an extra fact is refused");
	CHECK(decide(def, "do", DO, "input.read", "{\"owners\":[\"do\",3]}", NULL) == -1,
	      "an id list holding a number is refused");
	CHECK(decide(def, "do", DO, "function.list", "[]", NULL) == -1, "facts that are not an object are refused");
	/* Every action of the catalogue is decided by the default policy. */
	int ok = 1;
	for (size_t i = 0; i < actions_count; i++) {
		json_t *f = json_object();
		for (const struct fact_def *d = actions[i].facts; d->name; d++)
			json_object_set_new(f, d->name, d->type == FACT_BOOL ? json_false() :
					    d->type == FACT_ID ? json_string("x") : json_array());
		struct policy_subject s = { "admin", ADMIN, "" };
		struct policy_decision dec;
		char err[256];
		ok &= policy_decide(def, &s, actions[i].name, f, &dec, err, sizeof(err)) == 0;
		json_decref(f);
	}
	CHECK(ok, "all %zu actions of the contract are accepted", actions_count);
}

/* The error for a policy text, or "" when it loads. */
static const char *load_error(const char *text)
{
	static char err[512];
	struct policy *p = NULL;
	err[0] = '\0';
	if (policy_parse(text, strlen(text), "p.json", &p, err, sizeof(err)) == 0)
		err[0] = '\0';
	policy_free(p);
	return err;
}

static int one_line(const char *s)
{
	return s[0] && !strchr(s, '\n');
}

#define RULE(body) "{\"version\":1,\"rules\":[{\"name\":\"ok\",\"actions\":[\"function.list\"]}," body "]}"

static void test_bad_policies(void)
{
	static const struct { const char *text, *want, *what; } bad[] = {
		{ "{\"version\":1,\"rules\":[", "p.json: not valid JSON at line", "truncated JSON" },
		{ "{\"version\":1,\"version\":1,\"rules\":[]}", "not valid JSON", "duplicate keys" },
		{ "[]", "p.json: the policy must be a JSON object", "not an object" },
		{ "{\"rules\":[{\"name\":\"a\",\"actions\":[\"*\"]}]}", "\"version\" must be 1", "no version" },
		{ "{\"version\":1,\"rules\":[]}", "\"rules\" must be a non-empty array", "no rules" },
		{ "{\"version\":1,\"rule\":[]}", "unknown top-level field \"rule\"", "misspelt top-level field" },
		{ RULE("{\"actions\":[\"task.read\"]}"), "p.json: rules[1]: field \"name\" must be a string", "a rule without a name" },
		{ RULE("{\"name\":\"Bad Name\",\"actions\":[\"task.read\"]}"), "rules[1]: the name must be", "a bad name" },
		{ RULE("{\"name\":\"ok\",\"actions\":[\"task.read\"]}"), "rule \"ok\" (rules[1]): the name is already used by rules[0]", "a duplicate name" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.raed\"]}"), "rule \"r\" (rules[1]): unknown action \"task.raed\"", "an unknown action" },
		{ RULE("{\"name\":\"r\",\"actions\":[]}"), "rule \"r\" (rules[1]): \"actions\" must be a non-empty array", "no actions" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.create\"],\"roles\":[\"data_ownr\"]}"), "rule \"r\" (rules[1]): roles[0] is not a role", "an unknown role" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.create\"],\"effect\":\"permit\"}"), "rule \"r\" (rules[1]): \"effect\" must be \"allow\" or \"deny\"", "a bad effect" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.create\"],\"role\":[\"data_owner\"]}"), "rule \"r\" (rules[1]): the rule has an unknown field \"role\"", "a misspelt rule field" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.invoke\"],\"when\":[{\"fact\":\"all_aproved\",\"equals\":true}]}"),
		  "rule \"r\" (rules[1]): when[0]: fact \"all_aproved\" is not given for action task.invoke", "an unknown fact" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.invoke\",\"task.read\"],\"when\":[{\"subject_is\":\"creator\"},{\"fact\":\"all_approved\",\"equals\":true}]}"),
		  "rule \"r\" (rules[1]): when[1]: fact \"all_approved\" is not given for action task.read", "a fact one of the rule's actions lacks" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.read\"],\"when\":[{\"subject_is\":\"participants\"}]}"),
		  "rule \"r\" (rules[1]): when[0]: fact \"participants\" is an array of user ids for action task.read, which this condition cannot test", "subject_is on a list" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"function.read\"],\"when\":[{\"fact\":\"public\",\"equals\":\"yes\"}]}"),
		  "when[0]: fact \"public\" is true or false for action function.read", "equals with a value of the wrong type" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"function.read\"],\"when\":[{\"subject_is\":\"owner\",\"fact\":\"public\",\"equals\":true}]}"),
		  "when[0] must be one of", "two conditions in one" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"function.read\"],\"when\":[{\"fact\":\"public\"}]}"),
		  "when[0]: \"fact\" needs \"equals\"", "fact without equals" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"*\"],\"when\":[{\"subject_is\":\"owner\"}]}"),
		  "when[0]: fact \"owner\" is not given for action function.register", "a condition under \"*\"" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.read\"],\"when\":{\"subject_in\":\"participants\"}}"),
		  "\"when\" must be an array of conditions", "when not an array" },
		{ RULE("{\"name\":\"r\",\"actions\":[\"task.read\"],\"reason\":\"\"}"), "\"reason\" must be a sentence", "an empty reason" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *err = load_error(bad[i].text);
		CHECK(one_line(err) && strstr(err, bad[i].want) && strncmp(err, "p.json: ", 8) == 0,
		      "bad policy (%s): %s", bad[i].what, err);
	}
	struct policy *p;
	char err[256];
	CHECK(policy_load_file("/nonexistent/policy.json", &p, err, sizeof(err)) < 0 &&
	      strstr(err, "/nonexistent/policy.json: cannot read the policy"),
	      "a missing file is named: %s", err);
}

static void test_semantics(void)
{
	const char *text =
		"{\"version\":1,\"rules\":["
		"{\"name\":\"first\",\"actions\":[\"task.create\"],\"reason\":\"The first rule.\"},"
		"{\"name\":\"second\",\"actions\":[\"task.create\"]},"
		"{\"name\":\"no-managers\",\"effect\":\"deny\",\"actions\":[\"task.create\"],\"roles\":[\"data_owner_manager\"]}]}";
	struct policy *p;
	char err[256];
	CHECK(policy_parse(text, strlen(text), "t.json", &p, err, sizeof(err)) == 0 &&
	      policy_rule_count(p) == 3, "a three-rule policy loads");
	struct policy_subject s = { "do", DO, "" };
	struct policy_decision d;
	json_t *f = json_object();
	CHECK(policy_decide(p, &s, "task.create", f, &d, err, sizeof(err)) == 0 && d.allow &&
	      strcmp(d.rule, "first") == 0 && strcmp(d.reason, "The first rule.") == 0,
	      "the first matching allow rule decides, with its reason");
	s.role = DOM;
	CHECK(policy_decide(p, &s, "task.create", f, &d, err, sizeof(err)) == 0 && !d.allow &&
	      strcmp(d.rule, "no-managers") == 0 && strstr(d.reason, "no-managers"),
	      "a matching deny rule wins over earlier allow rules: %s", d.reason);
	json_decref(f);
	f = json_pack("{s:[],s:s}", "participants", "creator", "x");
	CHECK(policy_decide(p, &s, "task.read", f, &d, err, sizeof(err)) == 0 && !d.allow &&
	      strcmp(d.rule, "default-deny") == 0, "no matching rule: default-deny: %s", d.reason);
	json_decref(f);
	policy_free(p);
}

int main(int argc, char **argv)
{
	char err[512];
	if (argc != 2) {
		fprintf(stderr, "usage: %s DEFAULT_POLICY_JSON\n", argv[0]);
		return 2;
	}
	CHECK(policy_load_file(argv[1], &def, err, sizeof(err)) == 0,
	      "the default policy loads (%s)", def ? "ok" : err);
	if (!def)
		TAP_DONE();
	test_roles();
	test_functions();
	test_files();
	test_tasks();
	test_requests();
	test_bad_policies();
	test_semantics();
	policy_free(def);
	TAP_DONE();
}
