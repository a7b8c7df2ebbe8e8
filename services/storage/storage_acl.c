/* SPDX-License-Identifier: Apache-2.0 */
/* The one table of what each service may reach in storage (issue 7, F6). */
#include "services/storage/storage_acl.h"

#include <string.h>

static const char *const none[] = { NULL };
static const char *const everything[] = { "", NULL };

/* Users with their password hashes, and the login throttle's state. */
static const char *const authentication_keys[] = { "user/", "throttle/", NULL };
/* Functions, input and output files, usage counts, tasks and their state,
 * the audit log (services/management/README.md has the layout). */
static const char *const management_keys[] = { "function/", "input/", "output/",
					       "usage/", "task/", "audit/", NULL };
/* Management stages invoked tasks on this queue; the scheduler takes them. */
static const char *const management_queues[] = { "tasks-staged", NULL };
/* The scheduler's own queues and its lease/heartbeat records. */
static const char *const scheduler_keys[] = { "sched/", NULL };
static const char *const scheduler_queues[] = { "sched/", "tasks-staged", NULL };

/* execution has no grant: it reaches tasks and files through the scheduler
 * and management, never storage itself. "client" is the platform
 * operator's certificate (kettle-platform, tests): everything. */
const struct storage_grant storage_grants[] = {
	{ "authentication", authentication_keys, none, false },
	{ "management", management_keys, management_queues, true },
	{ "scheduler", scheduler_keys, scheduler_queues, false },
	{ "client", everything, everything, true },
};
const size_t storage_grants_count =
	sizeof(storage_grants) / sizeof(storage_grants[0]);

const struct storage_grant *storage_grant_for(const char *cn)
{
	if (!cn)
		return NULL;
	for (size_t i = 0; i < storage_grants_count; i++)
		if (!strcmp(storage_grants[i].service, cn))
			return &storage_grants[i];
	return NULL;
}

static bool under(const char *const *prefixes, const char *name, size_t len)
{
	for (const char *const *p = prefixes; *p; p++) {
		size_t n = strlen(*p);
		if (len >= n && !memcmp(name, *p, n))
			return true;
	}
	return false;
}

bool storage_may_key(const struct storage_grant *g, const char *key,
		     size_t len)
{
	return g && key && under(g->keys, key, len);
}

bool storage_may_scan(const struct storage_grant *g, const char *prefix,
		      size_t len)
{
	return g && under(g->keys, prefix ? prefix : "", prefix ? len : 0);
}

bool storage_may_queue(const struct storage_grant *g, const char *name,
		       size_t len)
{
	return g && name && under(g->queues, name, len);
}
