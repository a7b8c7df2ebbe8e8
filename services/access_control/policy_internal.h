/* SPDX-License-Identifier: Apache-2.0 */
/* The loaded form of a policy, shared by policy.c (load) and
 * policy_eval.c (decide). */
#ifndef KETTLE_ACCESS_CONTROL_POLICY_INTERNAL_H
#define KETTLE_ACCESS_CONTROL_POLICY_INTERNAL_H

#include <stdint.h>

#include "services/access_control/actions.h"
#include "services/access_control/policy.h"

enum cond_kind {
	COND_SUBJECT_IS, /* subject id == the FACT_ID fact */
	COND_SUBJECT_IN, /* subject id is in the FACT_IDS fact */
	COND_FACT_EQUALS, /* the fact equals a constant */
};

struct cond {
	enum cond_kind kind;
	char *fact;
	json_t *value; /* COND_FACT_EQUALS only */
};

struct rule {
	char *name;
	int deny;
	uint64_t actions; /* bit i: actions[i] */
	unsigned roles;   /* bit i: roles[i]; every bit when the rule names none */
	struct cond *conds;
	size_t n_conds;
	char *reason;     /* NULL: a sentence made from the name */
};

struct policy {
	struct rule *rules;
	size_t n_rules;
};

#endif
