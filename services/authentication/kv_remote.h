/* SPDX-License-Identifier: Apache-2.0 */
/* The authentication kv over kettle-storage's RPC (storage_api.h), through
 * a thread-safe bounded pool of keep-alive clients (services/common
 * rpc_pool.h), so concurrent handlers share it. Any failure to get an
 * answer from storage (unreachable, stalled past the client timeout, pool
 * busy, 5xx) is -EAGAIN, which the service answers 503 unavailable. */
#ifndef KETTLE_AUTHN_KV_REMOTE_H
#define KETTLE_AUTHN_KV_REMOTE_H

#include "services/authentication/kv.h"
#include "services/common/rpc_pool.h"

/* The pool is borrowed and must outlive kv. */
void authn_kv_remote(struct authn_kv *kv, struct rpc_pool *pool);

#endif
