/* The services of a Kettle platform; see services_table.h. */
#include "services/platform/services_table.h"

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

const struct platform_service platform_services[] = {
	{ "storage", "kettle-storage", 0, 0, storage_config },
	{ "authentication", "kettle-authentication", 1, 0, authentication_config },
	{ "management", "kettle-management", 0, 0, NULL },
	/* The framework's test service (tests/services/common). */
	{ "echo", "kettle-echo", 1, 1, NULL },
	/* A stand-in for access control (tests/services/management). */
	{ "decider", "kettle-fake-decider", 0, 1, NULL },
};
const size_t platform_services_count =
	sizeof(platform_services) / sizeof(platform_services[0]);
