/* SPDX-License-Identifier: Apache-2.0 */
/* Who may manage whom (API.md "Users"), as a pure function. */
#ifndef KETTLE_AUTHN_RULES_H
#define KETTLE_AUTHN_RULES_H

#include <stdbool.h>

#include "services/authentication/ids.h"

/* May a user with (actor_role, actor_attr) create, see, update, reset or
 * delete a user with (target_role, target_attr)? An admin manages anyone;
 * a data_owner_manager of org O manages only data_owner users of O;
 * nobody else manages users. */
bool authn_may_manage(enum authn_role actor_role, const char *actor_attr,
		      enum authn_role target_role, const char *target_attr);

/* May this actor use the user-management calls at all (list, create)? */
bool authn_is_manager(enum authn_role actor_role);

#endif
