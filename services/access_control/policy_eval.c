/* SPDX-License-Identifier: Apache-2.0 */
/* Deciding one request: deny by default; a matching deny rule wins over
 * every allow rule; otherwise the first matching allow rule (in file
 * order) allows and names itself. */
#include "services/access_control/policy_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int cond_holds(const struct cond *c, const char *subject,
		      const json_t *facts)
{
	json_t *v = json_object_get(facts, c->fact);
	switch (c->kind) {
	case COND_SUBJECT_IS:
		return json_is_string(v) && strcmp(json_string_value(v), subject) == 0;
	case COND_SUBJECT_IN: {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			if (json_is_string(e) && strcmp(json_string_value(e), subject) == 0)
				return 1;
		return 0;
	}
	case COND_FACT_EQUALS:
		return v && json_equal(v, c->value);
	}
	return 0;
}

static int rule_matches(const struct rule *r, int action, int role,
			const char *subject, const json_t *facts)
{
	if (!(r->actions & (1ull << action)) || !(r->roles & (1u << role)))
		return 0;
	for (size_t i = 0; i < r->n_conds; i++)
		if (!cond_holds(&r->conds[i], subject, facts))
			return 0;
	return 1;
}

static void decided(struct policy_decision *out, const struct rule *r,
		    const char *action)
{
	out->allow = !r->deny;
	out->rule = r->name;
	if (r->reason)
		snprintf(out->reason, sizeof(out->reason), "%s", r->reason);
	else
		snprintf(out->reason, sizeof(out->reason), "Rule %s %s %s.", r->name,
			 r->deny ? "denies" : "allows", action);
}

int policy_decide(const struct policy *p, const struct policy_subject *subject,
		  const char *action, const json_t *facts,
		  struct policy_decision *out, char *err, size_t errlen)
{
	int a = action ? action_index(action) : -1;
	if (a < 0) {
		snprintf(err, errlen, "Unknown action \"%.64s\".", action ? action : "");
		return -EINVAL;
	}
	int role = subject->role ? role_index(subject->role) : -1;
	if (role < 0) {
		snprintf(err, errlen, "The subject's role is not one of the platform's roles.");
		return -EINVAL;
	}
	if (!subject->id || !*subject->id) {
		snprintf(err, errlen, "The subject needs an id.");
		return -EINVAL;
	}
	if (!action_facts_valid(&actions[a], facts, err, errlen))
		return -EINVAL;
	const struct rule *allow = NULL;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct rule *r = &p->rules[i];
		if (!rule_matches(r, a, role, subject->id, facts))
			continue;
		if (r->deny) {
			decided(out, r, actions[a].name);
			return 0;
		}
		if (!allow)
			allow = r;
	}
	if (allow) {
		decided(out, allow, actions[a].name);
		return 0;
	}
	out->allow = 0;
	out->rule = "default-deny";
	snprintf(out->reason, sizeof(out->reason),
		 "No rule of the policy allows %s for a %s here.", actions[a].name,
		 subject->role);
	return 0;
}
