/* SPDX-License-Identifier: Apache-2.0 */
/* The first half of a service's jail, from the "jail" object of its
 * configuration (lib/jail.h, jail_spec_load): its own root holding only its
 * files and, started as root, its own uid/gid. Called right after the
 * configuration is read, before the service opens anything, so that every
 * file it makes is its own; rpc_serve()'s jail_enter() completes it. */
#ifndef KETTLE_SERVICES_COMMON_SERVICE_JAIL_H
#define KETTLE_SERVICES_COMMON_SERVICE_JAIL_H

#include "services/common/config.h"

/* Logs what the jail holds on this machine (one line) and enters it. 0 or
 * -errno (logged: the configuration's mistake or the step that failed). */
int service_jail_root(const struct kettle_config *cfg);

#endif
