/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-fake-management --config FILE: a stand-in for management in the
 * frontend's tests. Every /v1/... call answers what arrived: method, path,
 * the audit query parameters, the identity headers, the caller's CN and the
 * body (as text, and its length); GET /v1/blobs/... answers raw bytes. Not
 * jailed: it only ever runs inside a test. */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "services/common/config.h"
#include "services/common/rpc.h"

static void echo(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	if (!strcmp(req->method, "GET") && !strncmp(req->path, "/v1/blobs/", 10)) {
		static const unsigned char bytes[] = { 0, 1, 2, 0xff, 'k', 'e', 't' };
		rpc_reply_raw(resp, 200, "application/octet-stream", bytes, sizeof(bytes));
		return;
	}
	json_t *body = json_stringn((const char *)req->raw, req->raw_len);
	rpc_reply_json(resp, 200, json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:o?,s:i,s:s?}",
		"method", req->method, "path", req->path,
		"peer", req->peer_cn,
		"user", rpc_header(req, "X-Kettle-User"),
		"role", rpc_header(req, "X-Kettle-Role"),
		"attribute", rpc_header(req, "X-Kettle-Attribute"),
		"limit", rpc_query(req, "limit"),
		"task_id", rpc_query(req, "task_id"),
		"authorization", rpc_header(req, "Authorization"),
		"body", body, "body_len", (int)req->raw_len,
		"content_type", req->content_type));
}

static const char *const frontend_only[] = { "frontend", NULL };
static const struct rpc_route routes[] = {
	{ "*", "/v1/", echo, frontend_only, RPC_ROUTE_PREFIX | RPC_ROUTE_RAW },
};

int main(int argc, char **argv)
{
	struct kettle_config cfg;
	char err[512];
	if (argc != 3 || strcmp(argv[1], "--config")) {
		fprintf(stderr, "usage: kettle-fake-management --config FILE\n");
		return 2;
	}
	if (config_load(argv[2], &cfg, err, sizeof(err))) {
		fprintf(stderr, "kettle-fake-management: %s\n", err);
		return 1;
	}
	log_init("fake-management");
	struct rpc_server *srv = rpc_server_new(&cfg, NULL);
	int rc = !srv || rpc_server_add_routes(srv, routes, 1) || rpc_server_listen(srv) ||
		 rpc_server_run(srv);
	rpc_server_free(srv);
	config_free(&cfg);
	return rc ? 1 : 0;
}
