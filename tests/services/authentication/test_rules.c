/* SPDX-License-Identifier: Apache-2.0 */
/* Who may manage whom (API.md "Users"). */
#include "services/authentication/rules.h"
#include "tests/tap.h"

int main(void)
{
	CHECK(authn_may_manage(ROLE_PLATFORM_ADMIN, "", ROLE_PLATFORM_ADMIN, ""),
	      "admin manages admins");
	CHECK(authn_may_manage(ROLE_PLATFORM_ADMIN, "", ROLE_FUNCTION_OWNER, ""),
	      "admin manages function owners");
	CHECK(authn_may_manage(ROLE_PLATFORM_ADMIN, "", ROLE_DATA_OWNER_MANAGER,
			       "org1"),
	      "admin manages data owner managers");
	CHECK(authn_may_manage(ROLE_PLATFORM_ADMIN, "", ROLE_DATA_OWNER, "org2"),
	      "admin manages data owners of any org");
	CHECK(authn_may_manage(ROLE_DATA_OWNER_MANAGER, "org1", ROLE_DATA_OWNER,
			       "org1"),
	      "a manager of org1 manages data owners of org1");
	CHECK(!authn_may_manage(ROLE_DATA_OWNER_MANAGER, "org1",
				ROLE_DATA_OWNER, "org2"),
	      "a manager of org1 does not manage data owners of org2");
	CHECK(!authn_may_manage(ROLE_DATA_OWNER_MANAGER, "org1",
				ROLE_DATA_OWNER_MANAGER, "org1"),
	      "a manager does not manage another manager of its org");
	CHECK(!authn_may_manage(ROLE_DATA_OWNER_MANAGER, "org1",
				ROLE_FUNCTION_OWNER, "org1"),
	      "a manager does not manage function owners");
	CHECK(!authn_may_manage(ROLE_DATA_OWNER_MANAGER, "org1",
				ROLE_PLATFORM_ADMIN, ""),
	      "a manager does not manage admins");
	CHECK(!authn_may_manage(ROLE_DATA_OWNER_MANAGER, "", ROLE_DATA_OWNER,
				""),
	      "a manager without an org manages nobody");
	CHECK(!authn_may_manage(ROLE_DATA_OWNER_MANAGER, "org1",
				ROLE_DATA_OWNER, "org10"),
	      "org names match exactly, not by prefix");
	CHECK(!authn_may_manage(ROLE_FUNCTION_OWNER, "", ROLE_DATA_OWNER, ""),
	      "a function owner manages nobody");
	CHECK(!authn_may_manage(ROLE_DATA_OWNER, "org1", ROLE_DATA_OWNER,
				"org1"),
	      "a data owner manages nobody, not even its org");
	CHECK(!authn_may_manage(ROLE_NONE, "", ROLE_DATA_OWNER, ""),
	      "no role manages nobody");
	CHECK(authn_is_manager(ROLE_PLATFORM_ADMIN) &&
		      authn_is_manager(ROLE_DATA_OWNER_MANAGER) &&
		      !authn_is_manager(ROLE_FUNCTION_OWNER) &&
		      !authn_is_manager(ROLE_DATA_OWNER),
	      "only admins and data owner managers use the user calls");
	TAP_DONE();
}
