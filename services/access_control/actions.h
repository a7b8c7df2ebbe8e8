/* SPDX-License-Identifier: Apache-2.0 */
/* The actions management asks about and the facts it sends with each: the
 * contract between kettle-management and kettle-access-control (README.md).
 * A policy may only name these actions and, for each, only its facts. */
#ifndef KETTLE_ACCESS_CONTROL_ACTIONS_H
#define KETTLE_ACCESS_CONTROL_ACTIONS_H

#include <stddef.h>

#include <jansson.h>

enum fact_type {
	FACT_ID,   /* a string: one user id */
	FACT_BOOL, /* true or false */
	FACT_IDS,  /* an array of user ids */
};

struct fact_def {
	const char *name;
	enum fact_type type;
};

struct action_def {
	const char *name;           /* "function.read" */
	const struct fact_def *facts; /* terminated by a NULL name */
};

/* At most 64 actions, so a rule's actions fit in one bit set. */
extern const struct action_def actions[];
extern const size_t actions_count;

/* The four roles of API.md; a rule's roles are a bit set over them. */
extern const char *const roles[];
extern const size_t roles_count;

/* Index into actions / roles, or -1. */
int action_index(const char *name);
int role_index(const char *name);
/* The fact named name of action a, or NULL. */
const struct fact_def *action_fact(const struct action_def *a, const char *name);
const char *fact_type_name(enum fact_type t);

/* The first key of obj not in allowed (NULL-terminated), or NULL: policy
 * files and requests both refuse fields they do not know. */
const char *json_unknown_key(const json_t *obj, const char *const *allowed);

/* Whether facts (a JSON object) holds exactly the facts of action a with
 * their types; if not, one sentence in err. */
int action_facts_valid(const struct action_def *a, const json_t *facts,
		       char *err, size_t errlen);

#endif
