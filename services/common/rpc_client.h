/* SPDX-License-Identifier: Apache-2.0 */
/* Blocking HTTPS JSON client with mutual TLS, for services calling services,
 * for tests and for benchmarks. One client keeps one connection open and
 * reuses it (keep-alive); it reconnects when the server closed it.
 * Calls on one client are serialised by a lock whose wait counts against
 * the call's deadline; for concurrent calls use rpc_pool.h. The id of the request being
 * handled on this thread (request_id_current()) is forwarded as X-Request-Id. */
#ifndef KETTLE_SERVICES_COMMON_RPC_CLIENT_H
#define KETTLE_SERVICES_COMMON_RPC_CLIENT_H

#include <stddef.h>

#include <jansson.h>

struct rpc_client;

struct rpc_client_opts {
	const char *url;  /* "https://127.0.0.1:7001" (host must be an IP or localhost) */
	const char *ca;   /* PEM file of the CA to trust (required) */
	const char *cert; /* client certificate PEM; NULL for no client cert */
	const char *key;  /* its key PEM */
	const char *expect_cn; /* if set, the server certificate's CN must equal it */
	unsigned timeout_ms;   /* whole-call deadline; 0 = 10000 */
	size_t max_response;   /* 0 = 16 MiB */
};

struct rpc_result {
	int status;          /* HTTP status */
	json_t *json;        /* parsed body if it was JSON, else NULL */
	unsigned char *raw;  /* body bytes (NUL-terminated copy) */
	size_t raw_len;
	char *content_type;  /* NULL if none */
};

/* NULL and one line in err on failure (bad URL, unreadable cert). */
struct rpc_client *rpc_client_new(const struct rpc_client_opts *opts, char *err,
				  size_t errlen);
/* Make a client from a service configuration: its own cert/key/CA, to the
 * peer named in cfg->peers (expect_cn = peer), with the deadline
 * limits.call_timeout_ms (default 800 ms: shorter than any server's
 * timeouts, so a stalled peer becomes a 503 the caller still delivers). */
struct kettle_config;
struct rpc_client *rpc_client_for_peer(const struct kettle_config *cfg,
				       const char *peer, char *err,
				       size_t errlen);

/* Send method path with a JSON body (borrowed; NULL for none) and an optional
 * bearer token. Returns 0 when a response arrived (any status; see
 * out->status) or -errno (-ETIMEDOUT, -ECONNREFUSED, -EPROTO for TLS or
 * HTTP failures). Clear out with rpc_result_clear(). */
int rpc_client_call(struct rpc_client *c, const char *method, const char *path,
		    json_t *body, const char *bearer, struct rpc_result *out);
/* The same with a raw body. */
int rpc_client_call_raw(struct rpc_client *c, const char *method,
			const char *path, const char *content_type,
			const void *data, size_t len, const char *bearer,
			struct rpc_result *out);
/* Extra header for the next calls (e.g. "X-Request-Id"); NULL value removes. */
int rpc_client_set_header(struct rpc_client *c, const char *name,
			  const char *value);
/* Number of TCP connections opened so far (for keep-alive tests). */
unsigned rpc_client_connections(const struct rpc_client *c);
/* One line describing the last failure. */
const char *rpc_client_error(const struct rpc_client *c);

/* Whether a call on this thread failed to get an answer (timeout, refused,
 * TLS) or got 503 since the last reset. The server resets it before each
 * handler and turns the handler's 500 into 503 unavailable when it is set. */
int rpc_client_thread_failed(void);
void rpc_client_thread_reset(void);
/* Mark it by hand, e.g. when no client was free to call with (a pool). */
void rpc_client_thread_fail(void);

void rpc_result_clear(struct rpc_result *r);
void rpc_client_free(struct rpc_client *c);

#endif
