/* SPDX-License-Identifier: Apache-2.0 */
/* The one table of services kettle-platform knows: adding a service to the
 * platform means adding a row here (and, if it needs them, config extras). */
#ifndef KETTLE_PLATFORM_SERVICES_TABLE_H
#define KETTLE_PLATFORM_SERVICES_TABLE_H

#include <stddef.h>

#include <jansson.h>

/* Secrets and paths made by init that some services' configs name. */
struct init_secrets {
	const char *storage_key_file; /* relative to the platform dir */
	const char *storage_key_id;
	const char *admin_password_file;
	const char *dir; /* the platform directory, for services that need a file in it */
};

struct platform_service {
	const char *name;   /* certificate CN, config and log file name */
	const char *binary; /* started as BINARY --config DIR/<name>.json */
	int public_listener; /* also listens for clients (TLS, no client cert) */
	int test_only;       /* only with `init --test-services` */
	/* Add service-specific keys to the config object; may be NULL. */
	int (*add_config)(json_t *cfg, const struct init_secrets *s);
	/* Files of the platform directory it reads besides its certificate,
	 * its key and the CA certificate (NULL-terminated, may be NULL):
	 * mounted read-only in its jail and owned by its uid. */
	const char *const *own_files;
	/* Peers it calls (NULL-terminated, may be NULL): its jail may
	 * connect to their internal ports and no other. */
	const char *const *calls;
};

extern const struct platform_service platform_services[];
extern const size_t platform_services_count;

/* The service clients reach first: its public listener becomes DIR/url. */
#define PLATFORM_ENTRY_SERVICE "frontend"

#endif
