/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-access-control as a real process on a platform made by
 * kettle-platform init: /internal/decide over mutual TLS for management
 * only, 400 for bad requests, a log line per decision, a bad policy that
 * stops the service with one line, and an operator's changed rule taking
 * effect after a restart.
 * Usage: test_access_control_service KETTLE_PLATFORM KETTLE_ACCESS_CONTROL */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "services/common/config.h"
#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/services/access_control/peer_cert.h"
#include "tests/services/common/test_util.h"
#include "tests/tap.h"

static char dir[2048], binary[4096], config[4096], logpath[4096];

static pid_t start_service(void)
{
	char *argv[] = { binary, "--config", config, NULL };
	return harness_spawn(argv, logpath);
}

static int stop_service(pid_t pid)
{
	kill(pid, SIGTERM);
	int st = harness_wait(pid, 15000);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static struct rpc_client *client_as(const char *identity)
{
	return tu_platform_client(dir, tu_config_port(dir, "access_control", "listen"),
				  identity, "access_control");
}

/* POST /internal/decide; status, *out the body. */
static int decide_raw(struct rpc_client *c, const char *body, json_t **out)
{
	struct rpc_result r;
	if (rpc_client_call_raw(c, "POST", "/internal/decide", "application/json", body,
				strlen(body), NULL, &r))
		return -1;
	int st = r.status;
	if (out)
		*out = r.json ? json_incref(r.json) : NULL;
	rpc_result_clear(&r);
	return st;
}

/* allow (0/1) and the rule, or -1. */
static int decide(struct rpc_client *c, const char *id, const char *role,
		  const char *action, const char *facts, char *rule, size_t rule_len)
{
	char body[1024];
	json_t *out = NULL;
	snprintf(body, sizeof(body),
		 "{\"subject\":{\"id\":\"%s\",\"role\":\"%s\",\"attribute\":\"\"},"
		 "\"action\":\"%s\",\"resource\":%s}", id, role, action, facts);
	int st = decide_raw(c, body, &out);
	int allow = -1;
	json_t *a = json_object_get(out, "allow");
	if (st == 200 && json_is_boolean(a) &&
	    json_is_string(json_object_get(out, "reason")) &&
	    json_is_string(json_object_get(out, "rule"))) {
		allow = json_is_true(a);
		snprintf(rule, rule_len, "%s", json_string_value(json_object_get(out, "rule")));
	}
	json_decref(out);
	return allow;
}

static int error_code_is(const char *body, const char *code)
{
	return strstr(body, code) != NULL;
}

static int count_lines(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Lines meant for a person: those that are not JSON log lines (the jail
 * reports itself in one of those before the policy is read). */
static int plain_lines(const char *text)
{
	int n = 0;
	for (const char *p = text; *p;) {
		const char *end = strchr(p, '\n');
		if (*p != '{' && *p != '\n')
			n++;
		if (!end)
			break;
		p = end + 1;
	}
	return n;
}

/* The operator's edit: a rule of policy.json gets new roles. */
static int edit_rule_roles(const char *rule, json_t *roles)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/policy.json", dir);
	json_t *doc = json_load_file(path, 0, NULL);
	size_t i;
	json_t *r;
	int found = 0;
	json_array_foreach(json_object_get(doc, "rules"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "name")), rule))
			found = json_object_set(r, "roles", roles) == 0;
	int rc = found && json_dump_file(doc, path, JSON_INDENT(2)) == 0 ? 0 : -1;
	json_decref(doc);
	json_decref(roles);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ACCESS_CONTROL\n", argv[0]);
		return 2;
	}
	char tmp[1024], out[16384], rule[128], text[65536];
	snprintf(binary, sizeof(binary), "%s", argv[2]);
	CHECK(harness_temp_dir(tmp, sizeof(tmp), "access") == 0, "temp dir");
	snprintf(dir, sizeof(dir), "%s/p", tmp);
	snprintf(config, sizeof(config), "%s/access_control.json", dir);
	snprintf(logpath, sizeof(logpath), "%s/access_control.log", tmp);
	char *init[] = { argv[1], "init", dir, NULL };
	CHECK(harness_run_text(init, NULL, out, sizeof(out)) == 0, "kettle-platform init");

	struct kettle_config cfg;
	char err[512];
	char *pf = NULL;
	if (config_load(config, &cfg, err, sizeof(err)) == 0) {
		pf = config_path(&cfg, "policy_file");
		config_free(&cfg);
	}
	CHECK(pf && access(pf, R_OK) == 0 && strstr(pf, "/policy.json"),
	      "init writes DIR/policy.json and names it in access_control.json");
	free(pf);
	CHECK(peer_cert_issue(dir, "management", "test-management") == 0 &&
	      peer_cert_issue(dir, "frontend", "test-frontend") == 0,
	      "certificates for CN management and CN frontend");

	pid_t pid = start_service();
	struct rpc_client *mgmt = client_as("test-management");
	CHECK(pid > 0 && tu_wait_healthy(mgmt, 10000) == 0, "the service starts with the default policy");

	CHECK(decide(mgmt, "admin", "platform_admin", "audit.read", "{}", rule, sizeof(rule)) == 1 &&
	      !strcmp(rule, "admin-everything"), "management: an admin may read the audit log (%s)", rule);
	CHECK(decide(mgmt, "fo", "function_owner", "task.create", "{}", rule, sizeof(rule)) == 0 &&
	      !strcmp(rule, "default-deny"), "management: a function owner may not create a task (%s)", rule);
	CHECK(decide(mgmt, "do", "data_owner", "input.read", "{\"owners\":[\"do\"]}", rule, sizeof(rule)) == 1 &&
	      !strcmp(rule, "file-owner"), "management: a file owner reads its file");
	CHECK(decide(mgmt, "do", "data_owner", "function.use",
		     "{\"owner\":\"fo\",\"public\":true,\"allowlisted\":false,\"disabled\":true}", rule,
		     sizeof(rule)) == 0 && !strcmp(rule, "function-disabled"),
	      "management: a disabled function cannot be used");

	static const struct { const char *body, *what; } bad[] = {
		{ "{\"subject\":{\"id\":\"a\",\"role\":\"data_owner\"},\"action\":\"task.fly\",\"resource\":{}}", "an unknown action" },
		{ "{\"subject\":{\"id\":\"a\",\"role\":\"data_owner\"},\"action\":\"task.cancel\",\"resource\":{}}", "a missing fact" },
		{ "{\"subject\":{\"id\":\"a\",\"role\":\"data_owner\"},\"action\":\"task.cancel\",\"resource\":{\"creator\":[]}}", "a fact of the wrong type" },
		{ "{\"subject\":{\"id\":\"a\",\"role\":\"root\"},\"action\":\"task.create\",\"resource\":{}}", "an unknown role" },
		{ "{\"subject\":{\"id\":\"a\",\"role\":\"data_owner\",\"x\":1},\"action\":\"task.create\",\"resource\":{}}", "an extra subject field" },
		{ "{\"subject\":\"a\",\"action\":\"task.create\",\"resource\":{}}", "a subject that is not an object" },
		{ "{\"subject\":{\"id\":\"a\",\"role\":\"data_owner\"},\"action\":\"task.create\"}", "no resource" },
		{ "{\"subject\":{\"id\":\"a\",\"role\":\"data_owner\"},\"action\":7,\"resource\":{}}", "an action that is not a string" },
		{ "{\"subject\":{\"id\":\"a\",\"role\":\"data_owner\"},\"action\":\"task.create\",\"resource\":{},\"more\":1}", "an extra field" },
		{ "[1,2]", "an array body" },
		{ "{\"subject\":", "malformed JSON" },
		{ "", "an empty body" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *o = NULL;
		int st = decide_raw(mgmt, bad[i].body, &o);
		char *s = o ? json_dumps(o, 0) : NULL;
		CHECK(st == 400 && s && error_code_is(s, "bad_request"), "400 for %s: %s", bad[i].what,
		      s ? s : "(no body)");
		free(s);
		json_decref(o);
	}
	const char *ok_body = "{\"subject\":{\"id\":\"a\",\"role\":\"data_owner\"},\"action\":\"task.create\",\"resource\":{}}";
	struct rpc_client *client = client_as("client"), *front = client_as("test-frontend");
	CHECK(decide_raw(client, ok_body, NULL) == 403, "403 for CN client");
	CHECK(decide_raw(front, ok_body, NULL) == 403, "403 for CN frontend");
	CHECK(decide_raw(mgmt, ok_body, NULL) == 200, "the same request from CN management: 200");
	rpc_client_free(client);
	rpc_client_free(front);

	/* The operator lets function owners create tasks, and restarts. */
	CHECK(stop_service(pid), "SIGTERM: the service exits 0");
	CHECK(edit_rule_roles("task-create", json_pack("[s,s,s]", "data_owner", "data_owner_manager",
						       "function_owner")) == 0,
	      "the operator changes rule task-create in policy.json");
	pid = start_service();
	CHECK(pid > 0 && tu_wait_healthy(mgmt, 10000) == 0, "the service restarts");
	CHECK(decide(mgmt, "fo", "function_owner", "task.create", "{}", rule, sizeof(rule)) == 1 &&
	      !strcmp(rule, "task-create"), "the changed rule takes effect: a function owner creates a task (%s)", rule);
	CHECK(stop_service(pid), "stopped again");
	rpc_client_free(mgmt);

	/* The service writes its own rotated log (config "log"). */
	char own_log[4200];
	snprintf(own_log, sizeof(own_log), "%s/logs/access_control/access_control.log", dir);
	FILE *lf = fopen(own_log, "r");
	size_t n = lf ? fread(text, 1, sizeof(text) - 1, lf) : 0;
	text[n] = '\0';
	if (lf)
		fclose(lf);
	CHECK(count_lines(text, "\"msg\":\"decision\"") == 6 && strstr(text, "\"rule\":\"function-disabled\""),
	      "every decision is logged with its rule (%d lines)", count_lines(text, "\"msg\":\"decision\""));

	/* A bad policy: the service refuses to start, with one line. */
	CHECK(edit_rule_roles("task-create", json_pack("[s]", "data_ownr")) == 0, "a typo in a role");
	char *run[] = { binary, "--config", config, NULL };
	int st = harness_run_text(run, NULL, out, sizeof(out));
	char want[4200];
	snprintf(want, sizeof(want), "%s/policy.json: rule \"task-create\" (rules[13]): roles[0] is not a role", dir);
	CHECK(st == 1 && strstr(out, want) && plain_lines(out) == 1,
	      "a bad policy stops the service with one line naming file, rule and fault");
	snprintf(want, sizeof(want), "%s/policy.json", dir);
	FILE *pf2 = fopen(want, "w");
	fputs("{\"version\":1,\"rules\":[{\"name\":\"x\",\"actions\":[\"task.create\"],\"when\":[{\"subject_is\":\"creator\"}]}]}", pf2);
	fclose(pf2);
	st = harness_run_text(run, NULL, out, sizeof(out));
	CHECK(st == 1 && strstr(out, "rule \"x\" (rules[0]): when[0]: fact \"creator\" is not given for action task.create") &&
	      plain_lines(out) == 1, "a condition on a fact the action lacks");
	unlink(want);
	st = harness_run_text(run, NULL, out, sizeof(out));
	CHECK(st == 1 && strstr(out, "policy.json: cannot read the policy") && plain_lines(out) == 1,
	      "a missing policy file");
	harness_remove_tree(tmp);
	TAP_DONE();
}
