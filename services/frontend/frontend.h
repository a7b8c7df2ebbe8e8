/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-frontend's state and the steps of one forwarded call, shared by
 * its files (README.md). Everything here is safe to use from several
 * handler threads at once. */
#ifndef KETTLE_FRONTEND_FRONTEND_H
#define KETTLE_FRONTEND_FRONTEND_H

#include <pthread.h>
#include <stdint.h>

#include "services/common/config.h"
#include "services/common/rpc.h"
#include "services/common/rpc_pool.h"
#include "services/frontend/rate_limit.h"
#include "services/frontend/token_cache.h"

#define FRONTEND_PATH_MAX 1024   /* decoded path bytes */
#define FRONTEND_TARGET_MAX 8192 /* re-encoded path and query */
#define FRONTEND_TOKEN_MAX 4096
#define FRONTEND_MAX_CLIENTS 256 /* per-thread management clients */

struct frontend {
	/* The service's configuration with timeout_ms set to the peer
	 * timeout: every client to a peer is made from it. */
	struct kettle_config peer_cfg;
	struct rpc_pool *auth;
	int has_management;
	struct token_cache *tokens;
	struct rate_limit *limit;
	pthread_mutex_t clients_lock;
	struct rpc_client *clients[FRONTEND_MAX_CLIENTS];
	size_t n_clients;
};

/* frontend_auth.c: the caller's identity from its bearer token (cache,
 * then authentication's /internal/validate) and its rate limit. 1 with
 * *who filled, or 0 with the error reply set (401, 429, 503). */
int frontend_authenticate(struct frontend *f, const struct rpc_request *req,
			  struct rpc_response *resp, struct identity *who);
uint64_t frontend_now_ns(void);

/* forward.c: the request's path and query, re-encoded for a peer. 1, or 0
 * with a 400 reply set. */
int forward_target(const struct rpc_request *req, struct rpc_response *resp,
		   char *out, size_t cap);
/* Relay a peer's answer (status, body, content type) as ours. */
void forward_reply(struct rpc_response *resp, const struct rpc_result *r);
/* Send req on to management as who (identity headers, same method, path,
 * query and body) and relay the answer; 503 when management is down,
 * stalled or not part of the platform. */
void forward_to_management(struct frontend *f, const struct rpc_request *req,
			   struct rpc_response *resp, const struct identity *who);
void forward_clients_free(struct frontend *f);

#endif
