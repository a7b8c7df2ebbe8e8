/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by authn.c and users.c; not public. */
#ifndef KETTLE_AUTHN_INTERNAL_H
#define KETTLE_AUTHN_INTERNAL_H

#include "services/authentication/authn.h"
#include "services/authentication/hash_pool.h"

struct authn {
	struct authn_config cfg;
	struct user_db users;
	const struct token_signer *signer;
	struct hash_pool *hashes;
	/* Verified against for unknown ids so timing does not reveal them. */
	char dummy_hash[PASSWORD_HASH_MAX];
};

#define AUTHN_RESULT(s, m) ((struct authn_result){ (s), (m), 0 })
#define AUTHN_OK_RESULT AUTHN_RESULT(AUTHN_OK, "ok")

/* A storage error as a result: unreachable or busy storage is
 * "unavailable", a record failing its integrity tag "internal". */
struct authn_result authn_storage_error(int rc);

/* Whether id may try a password from peer now (rate_limited with
 * retry_after if not, unavailable if storage fails). */
struct authn_result authn_throttled(struct authn *a, const char *id,
				    const char *peer, long now);
/* Counts a failed password of id (NULL: unknown id) from peer. */
void authn_count_failure(struct authn *a, const char *id, const char *peer,
			 long now);

/* password_hash() on the hashing pool; -EBUSY when its queue is full. */
int authn_hash(struct authn *a, const char *pw, size_t len,
	       char out[PASSWORD_HASH_MAX]);
/* The result for a failed authn_hash(): busy is "unavailable". */
struct authn_result authn_hash_error(int rc);

#endif
