/* SPDX-License-Identifier: Apache-2.0 */
/* The one client of the access control service: every decision management
 * makes goes through decide(). POST /internal/decide with
 * {"subject": {"id", "role", "attribute"}, "action": ACTION,
 *  "resource": FACTS} -> {"allow": bool, "rule": str, "reason": str}.
 * The actions and their facts are listed in README.md. */
#ifndef KETTLE_MANAGEMENT_DECIDE_H
#define KETTLE_MANAGEMENT_DECIDE_H

#include <stddef.h>

#include <jansson.h>

struct mgmt;
struct caller;

struct decision {
	int allow;
	char rule[128];
	char reason[256];
};

/* facts is stolen. 0 with *d filled, or -EAGAIN when access control is
 * unreachable, busy or answered something that is not a decision. */
int decide(struct mgmt *m, const struct caller *who, const char *action,
	   json_t *facts, struct decision *d);

#endif
