/* Shared by authn.c and users.c; not public. */
#ifndef KETTLE_AUTHN_INTERNAL_H
#define KETTLE_AUTHN_INTERNAL_H

#include "services/authentication/authn.h"
#include "services/authentication/throttle.h"
#include "services/authentication/user.h"

struct authn {
	struct authn_config cfg;
	struct authn_kv kv;
	const struct token_signer *signer;
	struct throttle *throttle;
	/* Verified against for unknown ids so timing does not reveal them. */
	char dummy_hash[PASSWORD_HASH_MAX];
};

#define AUTHN_RESULT(s, m) ((struct authn_result){ (s), (m) })
#define AUTHN_OK_RESULT AUTHN_RESULT(AUTHN_OK, "ok")

/* A storage error as a result: unreachable storage is "unavailable". */
struct authn_result authn_storage_error(int rc);

#endif
