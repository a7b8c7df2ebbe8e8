/* SPDX-License-Identifier: Apache-2.0 */
#include "services/access_control/actions.h"

#include <stdio.h>
#include <string.h>

#include "lib/bytes.h"

static const struct fact_def no_facts[] = { { NULL, FACT_ID } };
static const struct fact_def function_read[] = {
	{ "owner", FACT_ID }, { "public", FACT_BOOL },
	{ "allowlisted", FACT_BOOL }, { NULL, FACT_ID },
};
static const struct fact_def function_owned[] = {
	{ "owner", FACT_ID }, { NULL, FACT_ID },
};
static const struct fact_def function_use[] = {
	{ "owner", FACT_ID }, { "public", FACT_BOOL },
	{ "allowlisted", FACT_BOOL }, { "disabled", FACT_BOOL },
	{ NULL, FACT_ID },
};
static const struct fact_def file_owned[] = {
	{ "owners", FACT_IDS }, { NULL, FACT_ID },
};
static const struct fact_def task_participant[] = {
	{ "participants", FACT_IDS }, { "creator", FACT_ID }, { NULL, FACT_ID },
};
static const struct fact_def task_assign[] = {
	{ "participants", FACT_IDS }, { "file_owners", FACT_IDS },
	{ "named_owners", FACT_IDS }, { NULL, FACT_ID },
};
static const struct fact_def task_invoke[] = {
	{ "creator", FACT_ID }, { "all_approved", FACT_BOOL }, { NULL, FACT_ID },
};
static const struct fact_def task_cancel[] = {
	{ "creator", FACT_ID }, { NULL, FACT_ID },
};

const struct action_def actions[] = {
	{ "function.register", no_facts },
	{ "function.list", no_facts },
	{ "function.read", function_read },
	{ "function.read_payload", function_owned },
	{ "function.update", function_owned },
	{ "function.delete", function_owned },
	{ "function.disable", function_owned },
	{ "function.stats", function_owned },
	{ "function.use", function_use },
	{ "input.register", no_facts },
	{ "input.read", file_owned },
	{ "input.update", file_owned },
	{ "input.from_output", file_owned },
	{ "output.register", no_facts },
	{ "output.fusion", no_facts },
	{ "output.read", file_owned },
	{ "output.update", file_owned },
	{ "blob.put", no_facts },
	{ "blob.get", file_owned },
	{ "task.create", no_facts },
	{ "task.read", task_participant },
	{ "task.approve", task_participant },
	{ "task.evidence", task_participant },
	{ "task.assign", task_assign },
	{ "task.invoke", task_invoke },
	{ "task.cancel", task_cancel },
	{ "audit.read", no_facts },
};
const size_t actions_count = ARRAY_SIZE(actions);
_Static_assert(ARRAY_SIZE(actions) <= 64, "a rule keeps its actions in 64 bits");

const char *const roles[] = { "platform_admin", "function_owner",
			      "data_owner_manager", "data_owner" };
const size_t roles_count = ARRAY_SIZE(roles);

int action_index(const char *name)
{
	for (size_t i = 0; i < actions_count; i++)
		if (strcmp(actions[i].name, name) == 0)
			return (int)i;
	return -1;
}

int role_index(const char *name)
{
	for (size_t i = 0; i < roles_count; i++)
		if (strcmp(roles[i], name) == 0)
			return (int)i;
	return -1;
}

const struct fact_def *action_fact(const struct action_def *a, const char *name)
{
	for (const struct fact_def *f = a->facts; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

const char *json_unknown_key(const json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		const char *const *a = allowed;
		while (*a && strcmp(*a, key) != 0)
			a++;
		if (!*a)
			return key;
	}
	return NULL;
}

const char *fact_type_name(enum fact_type t)
{
	switch (t) {
	case FACT_ID: return "a user id";
	case FACT_BOOL: return "true or false";
	case FACT_IDS: return "an array of user ids";
	}
	return "?";
}

static int fact_value_valid(enum fact_type t, const json_t *v)
{
	switch (t) {
	case FACT_ID:
		return json_is_string(v);
	case FACT_BOOL:
		return json_is_boolean(v);
	case FACT_IDS: {
		size_t i;
		json_t *e;
		if (!json_is_array(v))
			return 0;
		json_array_foreach(v, i, e)
			if (!json_is_string(e))
				return 0;
		return 1;
	}
	}
	return 0;
}

int action_facts_valid(const struct action_def *a, const json_t *facts,
		       char *err, size_t errlen)
{
	if (!json_is_object(facts)) {
		snprintf(err, errlen, "\"resource\" must be an object of facts.");
		return 0;
	}
	for (const struct fact_def *f = a->facts; f->name; f++) {
		json_t *v = json_object_get(facts, f->name);
		if (!v) {
			snprintf(err, errlen, "Action %s needs the fact \"%s\".",
				 a->name, f->name);
			return 0;
		}
		if (!fact_value_valid(f->type, v)) {
			snprintf(err, errlen, "Fact \"%s\" must be %s.", f->name,
				 fact_type_name(f->type));
			return 0;
		}
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)facts, key, v) {
		if (!action_fact(a, key)) {
			snprintf(err, errlen, "Action %s has no fact \"%.64s\".",
				 a->name, key);
			return 0;
		}
	}
	return 1;
}
