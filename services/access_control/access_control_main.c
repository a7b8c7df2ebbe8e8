/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-access-control --config FILE
 *
 * Loads the policy named by the config key "policy_file" (relative to the
 * config's directory), refuses to start when it is bad, and answers
 * management's questions on one internal route:
 *
 *   POST /internal/decide  (caller CN "management" only)
 *     {"subject": {"id", "role", "attribute"}, "action", "resource": {facts}}
 *     -> {"allow", "rule", "reason"}; 400 for an unknown action or a
 *     malformed body.
 *
 * Every decision is logged. The policy never changes while the process
 * runs: an operator edits the file and restarts the service. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "services/access_control/actions.h"
#include "services/access_control/policy.h"
#include "services/common/config.h"
#include "services/common/rpc.h"

static void decide(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp)
{
	static const char *const top[] = { "subject", "action", "resource", NULL };
	static const char *const subj[] = { "id", "role", "attribute", NULL };
	const struct policy *policy = ctx;
	json_t *body = req->body;
	if (!json_is_object(body) || json_unknown_key(body, top)) {
		rpc_bad_request(resp, "The body must be {\"subject\", \"action\", \"resource\"}.");
		return;
	}
	json_t *subject = json_object_get(body, "subject");
	json_t *attr = json_object_get(subject, "attribute");
	const char *action = json_string_value(json_object_get(body, "action"));
	if (!json_is_object(subject) || json_unknown_key(subject, subj) ||
	    !json_is_string(json_object_get(subject, "id")) ||
	    !json_is_string(json_object_get(subject, "role")) ||
	    (attr && !json_is_string(attr))) {
		rpc_bad_request(resp, "\"subject\" must be {\"id\": string, \"role\": string, \"attribute\": string}.");
		return;
	}
	if (!action) {
		rpc_bad_request(resp, "\"action\" must be a string.");
		return;
	}
	struct policy_subject s = {
		.id = json_string_value(json_object_get(subject, "id")),
		.role = json_string_value(json_object_get(subject, "role")),
		.attribute = attr ? json_string_value(attr) : "",
	};
	struct policy_decision d;
	char err[256];
	if (policy_decide(policy, &s, action, json_object_get(body, "resource"),
			  &d, err, sizeof(err))) {
		rpc_bad_request(resp, "%s", err);
		return;
	}
	json_t *fields = json_pack("{s:s,s:s,s:s,s:b,s:s}", "subject", s.id,
				   "role", s.role, "action", action, "allow",
				   d.allow, "rule", d.rule);
	log_event(LOG_INFO, fields, "decision");
	json_decref(fields);
	rpc_reply_json(resp, 200, json_pack("{s:b,s:s,s:s}", "allow", d.allow,
					    "rule", d.rule, "reason", d.reason));
}

static const char *const management_only[] = { "management", NULL };
static const struct rpc_route routes[] = {
	{ "POST", "/internal/decide", decide, management_only, RPC_ROUTE_INTERNAL },
};

int main(int argc, char **argv)
{
	struct kettle_config cfg;
	char err[512];
	int rc = rpc_serve_config(argc, argv, "access-control", &cfg);
	if (rc)
		return rc;
	log_init(cfg.service);
	rc = 1;
	struct policy *policy = NULL;
	char *path = NULL;
	path = config_path(&cfg, "policy_file");
	if (!path) {
		fprintf(stderr, "kettle-access-control: %s: \"policy_file\" must name the policy file\n",
			cfg.dir);
		goto out;
	}
	if (policy_load_file(path, &policy, err, sizeof(err))) {
		/* One line, on stderr (the service log), naming file, rule and fault. */
		fprintf(stderr, "kettle-access-control: bad policy: %s\n", err);
		goto out;
	}
	log_info("policy %s loaded: %zu rules", path, policy_rule_count(policy));
	/* The policy is in memory: nothing to open any more. */
	struct jail_spec jail = { .nofile = 512, .empty_root = 1 };
	rc = rpc_serve(&cfg, policy, routes, sizeof(routes) / sizeof(routes[0]),
		       &jail, NULL, NULL) ? 1 : 0;
out:
	policy_free(policy);
	free(path);
	config_free(&cfg);
	return rc;
}
