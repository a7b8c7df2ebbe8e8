/* SPDX-License-Identifier: Apache-2.0 */
/* A declarative access policy (README.md "Policy format"): loaded and
 * checked once, then evaluated for each request without side effects. A
 * loaded policy is immutable, so any number of threads may evaluate it at
 * once. */
#ifndef KETTLE_ACCESS_CONTROL_POLICY_H
#define KETTLE_ACCESS_CONTROL_POLICY_H

#include <stddef.h>

#include <jansson.h>

#define POLICY_MAX_FILE (1u << 20)
#define POLICY_REASON_MAX 256

struct policy;

struct policy_subject {
	const char *id;
	const char *role; /* one of API.md's roles */
	const char *attribute;
};

struct policy_decision {
	int allow;
	const char *rule; /* the deciding rule's name, or "default-deny" */
	char reason[POLICY_REASON_MAX];
};

/* Parse and check a policy document. origin (the file name) starts every
 * error line: "policy.json: rule \"x\" (rules[2]): what is wrong".
 * 0, or -EINVAL / -ENOMEM with one line in err. */
int policy_parse(const char *text, size_t len, const char *origin,
		 struct policy **out, char *err, size_t errlen);
/* The same from a file (at most POLICY_MAX_FILE bytes). */
int policy_load_file(const char *path, struct policy **out, char *err,
		     size_t errlen);
size_t policy_rule_count(const struct policy *p);
void policy_free(struct policy *p);

/* Decide whether subject may do action given the facts of the resource.
 * 0 with *out filled, or -EINVAL with one sentence in err when the action
 * is unknown, the role is not a role, or the facts are not exactly the
 * action's (actions.h). */
int policy_decide(const struct policy *p, const struct policy_subject *subject,
		  const char *action, const json_t *facts,
		  struct policy_decision *out, char *err, size_t errlen);

#endif
