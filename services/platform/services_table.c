/* SPDX-License-Identifier: Apache-2.0 */
/* The services of a Kettle platform; see services_table.h. */
#include "services/platform/services_table.h"

#include <string.h>

#include "services/platform/default_policy.h"
#include "services/platform/files.h"
#include "services/platform/platform.h"

/* storage encrypts values at rest with the key made by init. */
static int storage_config(json_t *cfg, const struct init_secrets *s)
{
	return json_object_set_new(cfg, "storage_key_file", json_string(s->storage_key_file)) ||
	       json_object_set_new(cfg, "storage_key_id", json_string(s->storage_key_id));
}

/* authentication creates the user "admin" with this password at its first
 * start if no such user exists yet. */
static int authentication_config(json_t *cfg, const struct init_secrets *s)
{
	return json_object_set_new(cfg, "admin_user", json_string("admin")) ||
	       json_object_set_new(cfg, "admin_password_file",
				   json_string(s->admin_password_file));
}

/* access_control decides from a policy file the operator may edit: init
 * writes the default one into the platform directory. */
static int access_control_config(json_t *cfg, const struct init_secrets *s)
{
	char path[4096];
	if (path_join(path, sizeof(path), s->dir, "policy.json") ||
	    file_create(path, platform_default_policy,
			strlen(platform_default_policy), 0644))
		return -1;
	return json_object_set_new(cfg, "policy_file", json_string("policy.json"));
}

/* frontend: the per-user request rate (token bucket), written out so an
 * operator sees and tunes it. */
static int frontend_config(json_t *cfg, const struct init_secrets *s)
{
	(void)s;
	return json_object_set_new(cfg, "rate_limit",
				   json_pack("{s:i,s:i}", "per_second", 1000, "burst", 2000));
}

static const char *const storage_files[] = { PLATFORM_STORAGE_KEY, NULL };
static const char *const authentication_files[] = { PLATFORM_ADMIN_PASSWORD, NULL };
static const char *const access_control_files[] = { "policy.json", NULL };
static const char *const calls_storage[] = { "storage", NULL };
/* decider: the test stand-in for access control, when a test points
 * management at it. */
static const char *const management_calls[] = { "storage", "access_control",
						 "decider", NULL };
static const char *const frontend_calls[] = { "authentication", "management", NULL };

/* In start order: each after the services it calls. */
const struct platform_service platform_services[] = {
	{ "storage", "kettle-storage", 0, 0, storage_config, storage_files, NULL },
	{ "authentication", "kettle-authentication", 1, 0, authentication_config,
	  authentication_files, calls_storage },
	{ "access_control", "kettle-access-control", 0, 0, access_control_config,
	  access_control_files, NULL },
	/* A stand-in for access control (tests/services/management). */
	{ "decider", "kettle-fake-decider", 0, 1, NULL, NULL, NULL },
	{ "management", "kettle-management", 0, 0, NULL, NULL, management_calls },
	/* Last of the platform's services: it calls the others. */
	{ "frontend", "kettle-frontend", 1, 0, frontend_config, NULL, frontend_calls },
	/* The framework's test service (tests/services/common); it may call
	 * storage so that its jail tests can tell a peer from a non-peer. */
	{ "echo", "kettle-echo", 1, 1, NULL, NULL, calls_storage },
};
const size_t platform_services_count =
	sizeof(platform_services) / sizeof(platform_services[0]);
