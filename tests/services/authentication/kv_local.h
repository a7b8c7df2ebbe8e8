/* SPDX-License-Identifier: Apache-2.0 */
/* The authentication kv over a local libkettle_store database, so the
 * authentication logic is tested without a storage process. Test-only: a
 * test may link two services' libraries, production code may not. */
#ifndef KETTLE_TESTS_AUTHN_KV_LOCAL_H
#define KETTLE_TESTS_AUTHN_KV_LOCAL_H

#include "services/authentication/kv.h"

struct store;

/* A kv over an open local store (borrowed). */
void authn_kv_local(struct authn_kv *kv, struct store *s);

#endif
