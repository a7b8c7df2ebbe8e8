/* SPDX-License-Identifier: Apache-2.0 */
/* Loading a policy: every rule is checked against the action catalogue
 * (actions.h) so that a typo in an action, a role or a fact stops the
 * service at start instead of silently denying or allowing later. */
#include "services/access_control/policy_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/io.h"

#define RULE_NAME_MAX 64

struct loader {
	const char *origin;
	char *err;
	size_t errlen;
	size_t index;     /* rules[index] */
	const char *name; /* its name once known */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct loader *l, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (l->name)
		snprintf(l->err, l->errlen, "%s: rule \"%s\" (rules[%zu]): %s",
			 l->origin, l->name, l->index, what);
	else
		snprintf(l->err, l->errlen, "%s: rules[%zu]: %s", l->origin,
			 l->index, what);
	return -EINVAL;
}

static int name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > RULE_NAME_MAX || strcmp(s, "default-deny") == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-_.", s[i]))
			return 0;
	return 1;
}

static int only_keys(struct loader *l, const json_t *obj, const char *what,
		     const char *const *allowed)
{
	const char *key = json_unknown_key(obj, allowed);
	return key ? fail(l, "%s has an unknown field \"%.40s\"", what, key) : 0;
}

static int parse_actions(struct loader *l, const json_t *list, uint64_t *out)
{
	size_t i;
	json_t *e;
	if (!json_is_array(list) || json_array_size(list) == 0)
		return fail(l, "\"actions\" must be a non-empty array of action names");
	*out = 0;
	json_array_foreach(list, i, e) {
		const char *s = json_string_value(e);
		if (!s)
			return fail(l, "actions[%zu] must be a string", i);
		if (strcmp(s, "*") == 0) {
			*out |= actions_count == 64 ? ~0ull : (1ull << actions_count) - 1;
			continue;
		}
		int a = action_index(s);
		if (a < 0)
			return fail(l, "unknown action \"%.64s\" (see README.md for the actions)", s);
		*out |= 1ull << a;
	}
	return 0;
}

static int parse_roles(struct loader *l, const json_t *list, unsigned *out)
{
	size_t i;
	json_t *e;
	*out = (1u << roles_count) - 1;
	if (!list)
		return 0;
	if (!json_is_array(list) || json_array_size(list) == 0)
		return fail(l, "\"roles\" must be a non-empty array of roles (leave it out for any role)");
	*out = 0;
	json_array_foreach(list, i, e) {
		const char *s = json_string_value(e);
		int r = s ? role_index(s) : -1;
		if (r < 0)
			return fail(l, "roles[%zu] is not a role (platform_admin, function_owner, data_owner_manager, data_owner)", i);
		*out |= 1u << r;
	}
	return 0;
}

/* The condition's fact must be given, with the right type, by every action
 * the rule names: otherwise it could never be evaluated. */
static int check_fact(struct loader *l, size_t ci, const char *fact,
		      uint64_t acts, enum cond_kind kind, const json_t *value)
{
	for (size_t a = 0; a < actions_count; a++) {
		if (!(acts & (1ull << a)))
			continue;
		const struct fact_def *f = action_fact(&actions[a], fact);
		if (!f)
			return fail(l, "when[%zu]: fact \"%.40s\" is not given for action %s",
				    ci, fact, actions[a].name);
		int ok = kind == COND_SUBJECT_IS ? f->type == FACT_ID :
			 kind == COND_SUBJECT_IN ? f->type == FACT_IDS :
			 (f->type == FACT_BOOL && json_is_boolean(value)) ||
			 (f->type == FACT_ID && json_is_string(value));
		if (!ok)
			return fail(l, "when[%zu]: fact \"%s\" is %s for action %s, which this condition cannot test",
				    ci, fact, fact_type_name(f->type), actions[a].name);
	}
	return 0;
}

static int parse_cond(struct loader *l, size_t ci, const json_t *c,
		      uint64_t acts, struct cond *out)
{
	static const char *const keys[] = { "subject_is", "subject_in", "fact",
					    "equals", NULL };
	char what[32];
	snprintf(what, sizeof(what), "when[%zu]", ci);
	if (!json_is_object(c))
		return fail(l, "when[%zu] must be an object", ci);
	int rc = only_keys(l, c, what, keys);
	if (rc)
		return rc;
	json_t *is = json_object_get(c, "subject_is");
	json_t *in = json_object_get(c, "subject_in");
	json_t *fact = json_object_get(c, "fact");
	json_t *eq = json_object_get(c, "equals");
	if ((is != NULL) + (in != NULL) + (fact != NULL) != 1 || (eq && !fact))
		return fail(l, "when[%zu] must be one of {\"subject_is\": FACT}, {\"subject_in\": FACT}, {\"fact\": FACT, \"equals\": VALUE}", ci);
	json_t *name = is ? is : in ? in : fact;
	if (!json_is_string(name))
		return fail(l, "when[%zu]: the fact must be named by a string", ci);
	if (fact && !eq)
		return fail(l, "when[%zu]: \"fact\" needs \"equals\"", ci);
	out->kind = is ? COND_SUBJECT_IS : in ? COND_SUBJECT_IN : COND_FACT_EQUALS;
	rc = check_fact(l, ci, json_string_value(name), acts, out->kind, eq);
	if (rc)
		return rc;
	out->fact = strdup(json_string_value(name));
	out->value = eq ? json_incref(eq) : NULL;
	return out->fact ? 0 : -ENOMEM;
}

static int parse_rule(struct loader *l, const json_t *r, struct rule *out)
{
	static const char *const keys[] = { "name", "effect", "actions", "roles",
					    "when", "reason", NULL };
	if (!json_is_object(r))
		return fail(l, "each rule must be an object");
	const char *name = json_string_value(json_object_get(r, "name"));
	if (!name)
		return fail(l, "field \"name\" must be a string");
	if (!name_valid(name))
		return fail(l, "the name must be 1 to %d characters of a-z 0-9 - _ . (and not \"default-deny\")",
			    RULE_NAME_MAX);
	l->name = name;
	int rc = only_keys(l, r, "the rule", keys);
	if (rc)
		return rc;
	if (!(out->name = strdup(name)))
		return -ENOMEM;
	json_t *effect = json_object_get(r, "effect");
	const char *e = effect ? json_string_value(effect) : "allow";
	if (!e || (strcmp(e, "allow") && strcmp(e, "deny")))
		return fail(l, "\"effect\" must be \"allow\" or \"deny\"");
	out->deny = strcmp(e, "deny") == 0;
	if ((rc = parse_actions(l, json_object_get(r, "actions"), &out->actions)) ||
	    (rc = parse_roles(l, json_object_get(r, "roles"), &out->roles)))
		return rc;
	json_t *reason = json_object_get(r, "reason");
	if (reason) {
		const char *s = json_string_value(reason);
		if (!s || !*s || strlen(s) >= POLICY_REASON_MAX)
			return fail(l, "\"reason\" must be a sentence shorter than %d bytes",
				    POLICY_REASON_MAX);
		if (!(out->reason = strdup(s)))
			return -ENOMEM;
	}
	json_t *when = json_object_get(r, "when");
	if (!when)
		return 0;
	if (!json_is_array(when))
		return fail(l, "\"when\" must be an array of conditions");
	out->conds = calloc(json_array_size(when) + 1, sizeof(*out->conds));
	if (!out->conds)
		return -ENOMEM;
	size_t i;
	json_t *c;
	json_array_foreach(when, i, c) {
		if ((rc = parse_cond(l, i, c, out->actions, &out->conds[i])))
			return rc;
		out->n_conds++;
	}
	return 0;
}

static int parse_doc(struct loader *l, const json_t *doc, struct policy *p)
{
	static const char *const keys[] = { "version", "rules", NULL };
	if (!json_is_object(doc)) {
		snprintf(l->err, l->errlen, "%s: the policy must be a JSON object", l->origin);
		return -EINVAL;
	}
	const char *key = json_unknown_key(doc, keys);
	if (key) {
		snprintf(l->err, l->errlen, "%s: unknown top-level field \"%.40s\" (only \"version\" and \"rules\")",
			 l->origin, key);
		return -EINVAL;
	}
	json_t *version = json_object_get(doc, "version");
	if (!json_is_integer(version) || json_integer_value(version) != 1) {
		snprintf(l->err, l->errlen, "%s: \"version\" must be 1", l->origin);
		return -EINVAL;
	}
	json_t *rules = json_object_get(doc, "rules");
	if (!json_is_array(rules) || json_array_size(rules) == 0) {
		snprintf(l->err, l->errlen, "%s: \"rules\" must be a non-empty array", l->origin);
		return -EINVAL;
	}
	p->rules = calloc(json_array_size(rules), sizeof(*p->rules));
	if (!p->rules)
		return -ENOMEM;
	size_t i;
	json_t *v;
	json_array_foreach(rules, i, v) {
		l->index = i;
		l->name = NULL;
		int rc = parse_rule(l, v, &p->rules[i]);
		p->n_rules = i + 1;
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->rules[j].name, p->rules[i].name) == 0)
				return fail(l, "the name is already used by rules[%zu]", j);
	}
	return 0;
}

int policy_parse(const char *text, size_t len, const char *origin,
		 struct policy **out, char *err, size_t errlen)
{
	struct loader l = { .origin = origin, .err = err, .errlen = errlen };
	json_error_t jerr;
	*out = NULL;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		snprintf(err, errlen, "%s: not valid JSON at line %d column %d: %s",
			 origin, jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	struct policy *p = calloc(1, sizeof(*p));
	int rc = p ? parse_doc(&l, doc, p) : -ENOMEM;
	json_decref(doc);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", origin);
	if (rc) {
		policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int policy_load_file(const char *path, struct policy **out, char *err,
		     size_t errlen)
{
	uint8_t *text;
	size_t len;
	*out = NULL;
	int rc = read_file_max(path, POLICY_MAX_FILE, &text, &len);
	if (rc) {
		snprintf(err, errlen, "%s: cannot read the policy: %s", path,
			 rc == -EFBIG ? "larger than 1 MiB" : strerror(-rc));
		return rc;
	}
	rc = policy_parse((const char *)text, len, path, out, err, errlen);
	free(text);
	return rc;
}

size_t policy_rule_count(const struct policy *p)
{
	return p->n_rules;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++) {
		struct rule *r = &p->rules[i];
		for (size_t c = 0; c < r->n_conds; c++) {
			free(r->conds[c].fact);
			json_decref(r->conds[c].value);
		}
		free(r->conds);
		free(r->name);
		free(r->reason);
	}
	free(p->rules);
	free(p);
}
