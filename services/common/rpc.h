/* SPDX-License-Identifier: Apache-2.0 */
/* HTTPS/1.1 JSON RPC server shared by every Kettle service.
 *
 * A service builds a route table, creates a server from its configuration,
 * binds its listeners (before entering the jail, since binding needs files
 * and sockets), then runs the event loop until SIGTERM/SIGINT.
 *
 * Two listener kinds exist:
 *   internal: mutual TLS; the peer must present a certificate issued by the
 *             platform CA; its subject CN names the calling service.
 *   public:   TLS with a server certificate only, for clients; peer_cn is NULL.
 *
 * The event-loop thread only does I/O: it accepts, handshakes, parses and
 * writes. Handlers run on a pool of worker threads (limits.workers), several
 * at once, so they must be thread-safe (their ctx included), and must fill
 * the response before returning (nothing is sent until they return). */
#ifndef KETTLE_SERVICES_COMMON_RPC_H
#define KETTLE_SERVICES_COMMON_RPC_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

#include "services/common/config.h"

struct rpc_server;
struct rpc_response;

/* At most this many {name} segments in one route pattern. */
#define RPC_MAX_PARAMS 8

struct rpc_param {
	const char *name; /* points into the route pattern; not NUL-terminated */
	size_t name_len;
	char *value;      /* percent-decoded */
};

struct rpc_request {
	const char *method;     /* "GET", "POST", "PUT", "DELETE", ... */
	const char *path;       /* decoded path without the query, e.g. "/v1/users/x" */
	const char *peer_cn;    /* subject CN of the client certificate; NULL on public */
	const char *peer_addr;  /* the connection's remote IP address, as text */
	const char *bearer;     /* token from "Authorization: Bearer ..."; NULL if none */
	const char *request_id; /* from X-Request-Id (validated) or generated */
	const char *content_type; /* NULL if none */
	json_t *body;           /* parsed JSON body (borrowed); NULL if empty or raw */
	const unsigned char *raw; /* the body bytes as received (always set) */
	size_t raw_len;
	int is_public;          /* arrived on the public listener */
	/* private to the server */
	struct rpc_param params[RPC_MAX_PARAMS];
	size_t n_params;
	void *query_;  /* struct evkeyvalq * */
	void *headers_; /* struct evkeyvalq * */
};

/* A path parameter ("{id}" in the pattern) or NULL. For a prefix route the
 * rest of the path after the prefix is the parameter named "*". */
const char *rpc_param(const struct rpc_request *req, const char *name);
/* A query parameter (decoded) or NULL. */
const char *rpc_query(const struct rpc_request *req, const char *name);
/* Any request header or NULL. */
const char *rpc_header(const struct rpc_request *req, const char *name);

/* Response setters. The last call wins. A handler that sets nothing answers
 * 500 internal. */
/* body is stolen (json_decref'ed by the server); NULL means {}. */
void rpc_reply_json(struct rpc_response *resp, int status, json_t *body);
/* data is copied. */
void rpc_reply_raw(struct rpc_response *resp, int status,
		   const char *content_type, const void *data, size_t len);
/* Extra response header (copied), e.g. "Location". */
void rpc_reply_header(struct rpc_response *resp, const char *name,
		      const char *value);
/* {"error":{"code":code,"message":...}} with the given status. */
void rpc_reply_error(struct rpc_response *resp, int status, const char *code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* One helper per API.md error code; the message is one clear sentence. */
#define RPC_ERROR_HELPER(fn)                                                  \
	void fn(struct rpc_response *resp, const char *fmt, ...)              \
		__attribute__((format(printf, 2, 3)))
RPC_ERROR_HELPER(rpc_bad_request);        /* 400 bad_request */
RPC_ERROR_HELPER(rpc_unauthenticated);    /* 401 unauthenticated */
RPC_ERROR_HELPER(rpc_permission_denied);  /* 403 permission_denied */
RPC_ERROR_HELPER(rpc_not_found);          /* 404 not_found */
RPC_ERROR_HELPER(rpc_method_not_allowed); /* 405 method_not_allowed (add Allow) */
RPC_ERROR_HELPER(rpc_conflict);           /* 409 conflict */
RPC_ERROR_HELPER(rpc_payload_too_large);  /* 413 payload_too_large */
RPC_ERROR_HELPER(rpc_rate_limited);       /* 429 rate_limited */
RPC_ERROR_HELPER(rpc_internal);           /* 500 internal */
RPC_ERROR_HELPER(rpc_unavailable);        /* 503 unavailable */
#undef RPC_ERROR_HELPER

/* The error body as a new JSON object (used by the server and tests). */
json_t *rpc_error_body(const char *code, const char *message);
/* The API.md code for an HTTP status ("internal" for unknown ones). */
const char *rpc_error_code_for_status(int status);

typedef void (*rpc_handler)(void *ctx, const struct rpc_request *req,
			    struct rpc_response *resp);

/* Route flags. */
enum {
	RPC_ROUTE_INTERNAL = 1u << 0, /* served on the internal (mTLS) listener */
	RPC_ROUTE_PUBLIC = 1u << 1,   /* served on the public listener */
	RPC_ROUTE_PREFIX = 1u << 2,   /* pattern is a prefix; rest is param "*" */
	RPC_ROUTE_RAW = 1u << 3,      /* do not parse the body as JSON */
	RPC_ROUTE_BLOB = 1u << 4,     /* body bound limits.max_blob_body, not max_body */
};

struct rpc_route {
	const char *method;  /* "GET", ...; "*" matches any method */
	const char *pattern; /* "/v1/users/{id}" or, with RPC_ROUTE_PREFIX, "/v1/blobs/" */
	rpc_handler handler;
	/* Peer services (certificate CN) allowed on the internal listener,
	 * NULL-terminated. NULL = any peer holding a platform certificate.
	 * Requests on the public listener are not checked against it (they
	 * have no peer); only routes flagged RPC_ROUTE_PUBLIC are served there. */
	const char *const *allow;
	unsigned flags; /* 0 means RPC_ROUTE_INTERNAL */
};

/* Create a server for cfg (which must outlive it). ctx is passed to every
 * handler. Returns NULL and logs one line on failure. */
struct rpc_server *rpc_server_new(const struct kettle_config *cfg, void *ctx);
/* Copy routes into the server's table (pattern strings must outlive it). */
int rpc_server_add_routes(struct rpc_server *srv, const struct rpc_route *routes,
			  size_t n);
/* Load certificates and bind the listeners named in the configuration.
 * Returns 0 or -errno; logs one clear line on failure. */
int rpc_server_listen(struct rpc_server *srv);
/* Port actually bound (useful with port 0), or -1. */
int rpc_server_port(const struct rpc_server *srv, int is_public);
/* Run until SIGTERM/SIGINT or rpc_server_stop(): then stop accepting, finish
 * the requests in flight (bounded by the write timeout; a reply whose client
 * has gone is not waited for) and return 0. Starts the worker threads, so
 * call it after jail_enter(), which needs a single thread. */
int rpc_server_run(struct rpc_server *srv);
/* Ask the loop to shut down gracefully (callable from a handler). */
void rpc_server_stop(struct rpc_server *srv);
void rpc_server_free(struct rpc_server *srv);

/* The start of every service's main(): `BINARY --config FILE`, the
 * configuration loaded into cfg, the logger named after service, and the
 * first step of its jail (service_jail_root(): its own root and uid, before
 * it opens anything). 0, or the exit status to return (2: usage, 1:
 * configuration or jail; one line said on stderr). */
int rpc_serve_config(int argc, char **argv, const char *service,
		     struct kettle_config *cfg);

struct jail_spec;
/* jail_enter(jail) plus what the server needs inside it (worker threads,
 * log rotation, serving). 0 or -errno (logged). */
int rpc_serve_jail(const struct jail_spec *jail);
/* A service's whole serving life: new server with ctx, routes, listeners
 * (from cfg), the log file (cfg "log"), rpc_serve_jail(jail) unless jail is
 * NULL, then ready(ready_arg) if not NULL (first-start
 * work that needs the jail on, e.g. creating the first admin), then
 * rpc_server_run() until SIGTERM. 0 after a graceful stop, or -errno
 * (logged). */
int rpc_serve(const struct kettle_config *cfg, void *ctx, const struct rpc_route *routes, size_t n_routes,
	      const struct jail_spec *jail, int (*ready)(void *arg), void *ready_arg);

#endif
