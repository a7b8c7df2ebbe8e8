/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching and allowlists, separate from the transport so they can be
 * tested (and reasoned about) on their own. Used by rpc_server.c. */
#ifndef KETTLE_SERVICES_COMMON_RPC_ROUTE_H
#define KETTLE_SERVICES_COMMON_RPC_ROUTE_H

#include "services/common/rpc.h"

/* Whether raw_path matches r->pattern (ignoring the method). On a match,
 * fills req->params with percent-decoded values and returns 1; returns 0 on
 * no match and -EINVAL for a path that cannot be decoded (bad escape, NUL,
 * '/' inside a parameter). Free the params with rpc_request_clear_params(). */
int rpc_route_match_path(const struct rpc_route *r, const char *raw_path,
			 struct rpc_request *req);
/* Whether method matches r->method ("*" matches all). */
int rpc_route_match_method(const struct rpc_route *r, const char *method);
/* Whether a request on a listener of this kind may reach r at all. */
int rpc_route_on_listener(const struct rpc_route *r, int is_public);
/* Whether peer_cn may call r (internal listener). */
int rpc_route_allows(const struct rpc_route *r, const char *peer_cn);

/* Find the route for a request. Returns the route, or NULL with *status set
 * to 404 (no path matches), 405 (path matches, method does not) or 400 (bad
 * path encoding). */
const struct rpc_route *rpc_routes_find(const struct rpc_route *routes,
					size_t n, const char *method,
					const char *raw_path, int is_public,
					struct rpc_request *req, int *status);

/* The methods of the routes whose pattern matches raw_path (NULL: of every
 * route on the listener), as an Allow header value ("GET, PUT") into out. */
void rpc_routes_allowed(const struct rpc_route *routes, size_t n,
			const char *raw_path, int is_public, char *out, size_t len);

void rpc_request_clear_params(struct rpc_request *req);

/* Percent-decode src (len bytes) into a new string; NULL if an escape is
 * malformed, decodes to NUL (or to '/' when forbid_slash), or the result is
 * not UTF-8. */
char *rpc_percent_decode(const char *src, size_t len, int forbid_slash);

/* Whether len bytes at s are valid UTF-8 (no NUL). */
int rpc_utf8_valid(const char *s, size_t len);

#endif
