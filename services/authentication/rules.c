/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/rules.h"

#include <string.h>

bool authn_is_manager(enum authn_role actor_role)
{
	return actor_role == ROLE_PLATFORM_ADMIN ||
	       actor_role == ROLE_DATA_OWNER_MANAGER;
}

bool authn_may_manage(enum authn_role actor_role, const char *actor_attr,
		      enum authn_role target_role, const char *target_attr)
{
	if (actor_role == ROLE_PLATFORM_ADMIN)
		return target_role != ROLE_NONE;
	if (actor_role != ROLE_DATA_OWNER_MANAGER)
		return false;
	/* An empty organisation matches nothing: a manager without an org
	 * must not capture every org-less user. */
	return target_role == ROLE_DATA_OWNER && actor_attr && target_attr &&
	       actor_attr[0] && !strcmp(actor_attr, target_attr);
}
