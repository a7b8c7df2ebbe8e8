/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-platform commands. Each returns a process exit status and prints
 * one clear line on failure. */
#ifndef KETTLE_PLATFORM_PLATFORM_H
#define KETTLE_PLATFORM_PLATFORM_H

#include <stddef.h>

struct service_user;
/* given: users from --user (may be empty). */
int platform_init(const char *dir, int test_services,
		  const struct service_user *given, size_t n_given);
int platform_start(const char *dir, const char *self);
int platform_stop(const char *dir);
int platform_status(const char *dir);

/* Files inside a platform directory. */
#define PLATFORM_MANIFEST "platform.json"
#define PLATFORM_CA_CERT "ca.pem"
#define PLATFORM_CLIENT_CERT "certs/client.pem"
#define PLATFORM_CLIENT_KEY "certs/client.key"
#define PLATFORM_ADMIN_PASSWORD "admin.password"
#define PLATFORM_STORAGE_KEY "keys/storage.key"
#define PLATFORM_URL "url"

#endif
