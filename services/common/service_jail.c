/* SPDX-License-Identifier: Apache-2.0 */
/* service_jail_root(): see service_jail.h. */
#include "services/common/service_jail.h"

#include <string.h>

#include "lib/jail.h"
#include "lib/log.h"

int service_jail_root(const struct kettle_config *cfg)
{
	struct jail_spec spec = { 0 };
	char err[256], what[512];
	const char *step = NULL;
	int rc = jail_spec_load(&spec, json_object_get(cfg->root, "jail"), cfg->dir,
				err, sizeof(err));
	if (rc) {
		log_error("%s: %s", cfg->service, err);
		return rc;
	}
	jail_describe(&spec, what, sizeof(what));
	log_info("%s", what);
	rc = jail_enter_root(&spec, &step);
	if (rc)
		log_error("cannot enter the jail at step %s: %s (check the paths and ids in \"jail\")",
			  step, strerror(-rc));
	return rc;
}
