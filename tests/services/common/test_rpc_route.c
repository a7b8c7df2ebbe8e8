/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching, path parameters, prefixes, listener kinds, allowlists. */
#include <stdlib.h>
#include <string.h>

#include "services/common/rpc_route.h"
#include "tests/tap.h"

static void nop(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx; (void)req; (void)resp;
}

static const char *const fe_mgmt[] = { "frontend", "management", NULL };

static const struct rpc_route routes[] = {
	{ "GET", "/v1/users", nop, NULL, 0 },
	{ "GET", "/v1/users/{id}", nop, fe_mgmt, 0 },
	{ "PUT", "/v1/users/{id}", nop, fe_mgmt, 0 },
	{ "POST", "/v1/users/{id}/reset-password", nop, NULL, 0 },
	{ "GET", "/v1/a/{x}/b/{y}", nop, NULL, 0 },
	{ "GET", "/v1/blobs/", nop, NULL, RPC_ROUTE_PREFIX | RPC_ROUTE_PUBLIC },
	{ "POST", "/v1/login", nop, NULL, RPC_ROUTE_PUBLIC },
	{ "*", "/any", nop, NULL, RPC_ROUTE_INTERNAL | RPC_ROUTE_PUBLIC },
};
#define N (sizeof(routes) / sizeof(routes[0]))

static const struct rpc_route *find(const char *m, const char *p, int pub,
				    struct rpc_request *req, int *status)
{
	memset(req, 0, sizeof(*req));
	return rpc_routes_find(routes, N, m, p, pub, req, status);
}

int main(void)
{
	struct rpc_request req;
	int st;
	const struct rpc_route *r;

	r = find("GET", "/v1/users", 0, &req, &st);
	CHECK(r == &routes[0] && req.n_params == 0, "literal path");
	r = find("GET", "/v1/users/alice", 0, &req, &st);
	CHECK(r == &routes[1] && strcmp(rpc_param(&req, "id"), "alice") == 0, "{id} segment");
	CHECK(rpc_param(&req, "i") == NULL && rpc_param(&req, "idx") == NULL,
	      "parameter names match exactly");
	rpc_request_clear_params(&req);
	r = find("PUT", "/v1/users/bob", 0, &req, &st);
	CHECK(r == &routes[2], "same path, other method picks the other route");
	rpc_request_clear_params(&req);
	r = find("DELETE", "/v1/users/bob", 0, &req, &st);
	CHECK(!r && st == 405, "known path, unknown method: 405");
	r = find("GET", "/v1/users/bob/extra", 0, &req, &st);
	CHECK(!r && st == 404, "longer path: 404");
	r = find("GET", "/v1/users/", 0, &req, &st);
	CHECK(!r && st == 404, "empty segment does not match {id}");
	r = find("POST", "/v1/users/u%2D1/reset-password", 0, &req, &st);
	CHECK(r == &routes[3] && strcmp(rpc_param(&req, "id"), "u-1") == 0,
	      "parameter is percent-decoded");
	rpc_request_clear_params(&req);
	r = find("GET", "/v1/users/a%2Fb", 0, &req, &st);
	CHECK(!r && st == 400, "encoded '/' inside a parameter: 400");
	r = find("GET", "/v1/users/a%00b", 0, &req, &st);
	CHECK(!r && st == 400, "encoded NUL: 400");
	r = find("GET", "/v1/users/a%ff", 0, &req, &st);
	CHECK(!r && st == 400, "parameter that is not UTF-8: 400");
	r = find("GET", "/v1/users/caf%C3%A9", 0, &req, &st);
	CHECK(r && strcmp(rpc_param(&req, "id"), "caf\xc3\xa9") == 0, "UTF-8 parameter decoded");
	rpc_request_clear_params(&req);
	r = find("GET", "/v1/users/a%zz", 0, &req, &st);
	CHECK(!r && st == 400, "bad escape: 400");
	r = find("GET", "/v1/users/a%2", 0, &req, &st);
	CHECK(!r && st == 400, "truncated escape: 400");
	r = find("GET", "/v1/a/1/b/2", 0, &req, &st);
	CHECK(r == &routes[4] && strcmp(rpc_param(&req, "x"), "1") == 0 &&
	      strcmp(rpc_param(&req, "y"), "2") == 0, "two parameters");
	rpc_request_clear_params(&req);
	r = find("GET", "/v1/blobs/ab/cd", 1, &req, &st);
	CHECK(r == &routes[5] && strcmp(rpc_param(&req, "*"), "ab/cd") == 0,
	      "prefix route gives the rest as \"*\"");
	rpc_request_clear_params(&req);
	r = find("GET", "/v1/users", 1, &req, &st);
	CHECK(!r && st == 404, "internal-only route is not on the public listener");
	r = find("POST", "/v1/login", 0, &req, &st);
	CHECK(!r && st == 404, "public-only route is not on the internal listener");
	r = find("POST", "/v1/login", 1, &req, &st);
	CHECK(r == &routes[6], "public route on the public listener");
	r = find("PATCH", "/any", 1, &req, &st);
	CHECK(r == &routes[7], "\"*\" method matches any");

	CHECK(rpc_route_allows(&routes[1], "frontend"), "allowlisted peer allowed");
	CHECK(rpc_route_allows(&routes[1], "management"), "second allowlisted peer allowed");
	CHECK(!rpc_route_allows(&routes[1], "storage"), "other peer refused");
	CHECK(!rpc_route_allows(&routes[1], "frontendx"), "prefix of a name is not the name");
	CHECK(!rpc_route_allows(&routes[1], NULL), "no peer refused by an allowlist");
	CHECK(rpc_route_allows(&routes[0], "anyone"), "no allowlist: any platform peer");

	char allow[128];
	rpc_routes_allowed(routes, N, "/v1/users/x", 0, allow, sizeof(allow));
	CHECK(strcmp(allow, "GET, PUT") == 0, "Allow for /v1/users/{id}: %s", allow);
	rpc_routes_allowed(routes, N, NULL, 1, allow, sizeof(allow));
	CHECK(strcmp(allow, "GET, POST") == 0, "Allow of every public route, once each: %s", allow);
	rpc_routes_allowed(routes, N, NULL, 0, allow, 8);
	CHECK(strcmp(allow, "GET, ") != 0 && strlen(allow) < 8, "a short buffer holds whole methods: %s",
	      allow);

	char *d = rpc_percent_decode("a%20b%41", 8, 1);
	CHECK(d && strcmp(d, "a bA") == 0, "percent-decoding");
	free(d);
	TAP_DONE();
}
