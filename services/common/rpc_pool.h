/* SPDX-License-Identifier: Apache-2.0 */
/* A thread-safe set of clients to one peer service, for handlers that run
 * concurrently on the server's worker threads: each call borrows an idle
 * client (its kept-alive connection), or makes a new one up to the pool's
 * size, and returns it afterwards. A call that finds every client busy for
 * longer than the pool's wait fails with -EBUSY, which a handler answers as
 * 503 unavailable: a caller never queues without bound behind a stalled
 * peer. */
#ifndef KETTLE_SERVICES_COMMON_RPC_POOL_H
#define KETTLE_SERVICES_COMMON_RPC_POOL_H

#include <stddef.h>

#include "services/common/rpc_client.h"

struct rpc_pool;
struct kettle_config;

/* Clients to the peer named in cfg->peers, at most size (0 = 8) at once;
 * a call waits at most wait_ms (0 = the client timeout) for a free one.
 * Every client is made now (its connection opens on first use): a service
 * makes its pools before its jail, which then never has to let it read
 * certificate files or build event loops. NULL and one line in err when
 * the peer is unknown or the TLS files cannot be read. */
struct rpc_pool *rpc_pool_for_peer(const struct kettle_config *cfg,
				   const char *peer, size_t size,
				   unsigned wait_ms, char *err, size_t errlen);
/* Clients lent out right now. */
size_t rpc_pool_busy(struct rpc_pool *p);

/* As rpc_client_call() / rpc_client_call_raw(). */
int rpc_pool_call(struct rpc_pool *p, const char *method, const char *path,
		  json_t *body, const char *bearer, struct rpc_result *out);
int rpc_pool_call_raw(struct rpc_pool *p, const char *method, const char *path,
		      const char *content_type, const void *data, size_t len,
		      const char *bearer, struct rpc_result *out);

/* One line describing this thread's last failed call through any pool. */
const char *rpc_pool_error(void);

void rpc_pool_free(struct rpc_pool *p);

#endif
