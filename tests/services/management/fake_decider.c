/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-fake-decider --config FILE: a stand-in for the access control
 * service, answering POST /internal/decide from the rule table below (the
 * default policy of issue 8 as management's tests assume it), so the
 * management service can be tested before the real one is merged. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "services/common/config.h"
#include "services/common/rpc.h"

enum cond {
	ANYONE,        /* the role is enough */
	FN_OWNER,      /* resource.owner == subject */
	FN_READ,       /* owner, public or allowlisted */
	FN_USE,        /* FN_READ and not disabled */
	FILE_OWNER,    /* subject in resource.owners */
	PARTICIPANT,   /* subject in resource.participants */
	ASSIGNER,      /* subject in file_owners and in named_owners */
	INVOKER,       /* subject == creator and all_approved */
	CREATOR,       /* subject == creator */
};

#define ADMIN "platform_admin"
#define FO "function_owner"
#define DATA "data_owner data_owner_manager"

struct rule {
	const char *action;
	const char *roles;   /* space-separated; the admin passes every rule
			      * whose admin_ok is set */
	enum cond cond;
	int admin_ok;
};

static const struct rule rules[] = {
	{ "function.register", FO, ANYONE, 1 },
	{ "function.list", FO " " DATA, ANYONE, 1 },
	{ "function.read", FO " " DATA, FN_READ, 1 },
	{ "function.read_payload", FO, FN_OWNER, 1 },
	{ "function.update", FO, FN_OWNER, 0 },
	{ "function.delete", FO, FN_OWNER, 1 },
	{ "function.disable", FO, FN_OWNER, 1 },
	{ "function.stats", FO, FN_OWNER, 1 },
	{ "function.use", DATA, FN_USE, 0 },
	{ "input.register", DATA, ANYONE, 0 },
	{ "output.register", DATA, ANYONE, 0 },
	{ "output.fusion", DATA, ANYONE, 0 },
	{ "input.read", DATA, FILE_OWNER, 1 },
	{ "input.update", DATA, FILE_OWNER, 0 },
	{ "output.read", DATA, FILE_OWNER, 1 },
	{ "output.update", DATA, FILE_OWNER, 0 },
	{ "input.from_output", DATA, FILE_OWNER, 0 },
	{ "blob.put", DATA, ANYONE, 0 },
	{ "blob.get", DATA, FILE_OWNER, 0 },
	{ "task.create", DATA, ANYONE, 0 },
	{ "task.read", FO " " DATA, PARTICIPANT, 1 },
	{ "task.evidence", FO " " DATA, PARTICIPANT, 1 },
	{ "task.approve", FO " " DATA, PARTICIPANT, 0 },
	{ "task.assign", DATA, ASSIGNER, 0 },
	{ "task.invoke", DATA, INVOKER, 0 },
	{ "task.cancel", DATA, CREATOR, 1 },
	{ "audit.read", "", ANYONE, 1 },
};

static int word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

static int has(const json_t *list, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), id))
			return 1;
	return 0;
}

static int is(const json_t *v, const char *id)
{
	return json_is_string(v) && !strcmp(json_string_value(v), id);
}

static int holds(enum cond c, const json_t *r, const char *id)
{
	switch (c) {
	case ANYONE:
		return 1;
	case FN_OWNER:
		return is(json_object_get(r, "owner"), id);
	case FN_READ:
	case FN_USE:
		if (c == FN_USE && !json_is_false(json_object_get(r, "disabled")))
			return 0;
		return is(json_object_get(r, "owner"), id) ||
		       json_is_true(json_object_get(r, "public")) ||
		       json_is_true(json_object_get(r, "allowlisted"));
	case FILE_OWNER:
		return has(json_object_get(r, "owners"), id);
	case PARTICIPANT:
		return has(json_object_get(r, "participants"), id);
	case ASSIGNER:
		return has(json_object_get(r, "file_owners"), id) &&
		       has(json_object_get(r, "named_owners"), id);
	case INVOKER:
		return is(json_object_get(r, "creator"), id) &&
		       json_is_true(json_object_get(r, "all_approved"));
	case CREATOR:
		return is(json_object_get(r, "creator"), id);
	}
	return 0;
}

static void decide(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp)
{
	const json_t *subject = json_object_get(req->body, "subject");
	const char *action = json_string_value(json_object_get(req->body, "action"));
	const char *id = json_string_value(json_object_get(subject, "id"));
	const char *role = json_string_value(json_object_get(subject, "role"));
	const json_t *res = json_object_get(req->body, "resource");

	(void)ctx;
	if (!action || !id || !role || !json_is_object(res)) {
		rpc_bad_request(resp, "The body must be {subject, action, resource}.");
		return;
	}
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		int allow;
		if (strcmp(r->action, action))
			continue;
		allow = (r->admin_ok && !strcmp(role, ADMIN)) ||
			(word_in(r->roles, role) && holds(r->cond, res, id));
		rpc_reply_json(resp, 200,
			       json_pack("{s:b, s:s, s:s}", "allow", allow, "rule",
					 r->action, "reason",
					 allow ? "allowed" : "The policy does not allow you this."));
		return;
	}
	rpc_reply_json(resp, 200, json_pack("{s:b, s:s, s:s}", "allow", 0,
					    "rule", "default",
					    "reason", "No rule allows this action."));
}

static const char *const callers[] = { "management", "client", NULL };
static const struct rpc_route routes[] = {
	{ "POST", "/internal/decide", decide, callers, RPC_ROUTE_INTERNAL },
};

int main(int argc, char **argv)
{
	struct kettle_config cfg;
	struct jail_spec spec = { .nofile = 256 };
	/* Jailed like the service it stands in for. */
	int rc = rpc_serve_config(argc, argv, "decider", &cfg);
	if (rc)
		return rc;
	rc = rpc_serve(&cfg, NULL, routes, 1, &spec, NULL, NULL);
	config_free(&cfg);
	return rc < 0 ? 1 : 0;
}
