/* kettle-echo: a tiny service built on services/common, used by the tests of
 * the framework and of kettle-platform. Usage: kettle-echo --config FILE.
 * It enters the jail unless started with --no-jail. With "relay_peer": NAME
 * in its configuration, POST /relay forwards the body to that peer's /echo
 * (the stalled-dependency tests). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <seccomp.h>

#include "services/common/config.h"
#include "lib/jail.h"
#include "lib/log.h"
#include "services/common/rpc.h"
#include "services/common/rpc_client.h"

struct echo_app {
	struct rpc_client *relay;
};

/* POST /echo: the JSON body back. */
static void echo(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	rpc_reply_json(resp, 200, req->body ? json_incref(req->body) : json_object());
}

/* GET /whoami: what the framework knows about the caller. */
static void whoami(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	rpc_reply_json(resp, 200, json_pack("{s:s?,s:s?,s:s,s:b}", "peer", req->peer_cn,
					    "bearer", req->bearer, "request_id",
					    req->request_id, "public", req->is_public));
}

/* GET /items/{id}/parts/{part}?q=: path and query parameters. */
static void item(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	rpc_reply_json(resp, 200, json_pack("{s:s,s:s,s:s?}", "id", rpc_param(req, "id"),
					    "part", rpc_param(req, "part"), "q",
					    rpc_query(req, "q")));
}

/* GET /slow?ms=N: a request that takes a while (graceful shutdown tests). */
static void slow(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	const char *ms = rpc_query(req, "ms");
	long n = ms ? strtol(ms, NULL, 10) : 500;
	if (n < 0 || n > 10000) {
		rpc_bad_request(resp, "ms must be between 0 and 10000.");
		return;
	}
	struct timespec left = { n / 1000, (n % 1000) * 1000000L };
	/* A signal may cut the sleep short; finish it anyway. */
	while (nanosleep(&left, &left) != 0 && errno == EINTR)
		;
	rpc_reply_json(resp, 200, json_pack("{s:i}", "slept_ms", (int)n));
}

/* PUT /raw/...: raw bytes back, with the rest of the path. */
static void raw(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	rpc_reply_header(resp, "X-Rest", rpc_param(req, "*"));
	rpc_reply_raw(resp, 200, "application/octet-stream", req->raw, req->raw_len);
}

static void hello(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	(void)req;
	rpc_reply_json(resp, 200, json_pack("{s:s}", "hello", "world"));
}

/* POST /relay: the peer's answer to POST /echo. A peer that does not answer
 * is reported the way many handlers do, as a 500; the framework turns it
 * into 503 unavailable. */
static void relay(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	struct echo_app *app = ctx;
	struct rpc_result r;
	if (!app->relay) {
		rpc_not_found(resp, "This echo relays to no peer.");
		return;
	}
	if (rpc_client_call(app->relay, "POST", "/echo", req->body, NULL, &r) != 0) {
		rpc_internal(resp, "The peer did not answer.");
		return;
	}
	rpc_reply_json(resp, r.status, json_incref(r.json));
	rpc_result_clear(&r);
}

static const char *const storage_only[] = { "storage", NULL };

static const struct rpc_route routes[] = {
	{ "POST", "/echo", echo, NULL, RPC_ROUTE_INTERNAL | RPC_ROUTE_PUBLIC },
	{ "GET", "/whoami", whoami, NULL, RPC_ROUTE_INTERNAL | RPC_ROUTE_PUBLIC },
	{ "GET", "/items/{id}/parts/{part}", item, NULL, 0 },
	{ "GET", "/slow", slow, NULL, 0 },
	{ "PUT", "/raw/", raw, NULL, RPC_ROUTE_PREFIX | RPC_ROUTE_RAW },
	{ "POST", "/storage-only", echo, storage_only, 0 },
	{ "GET", "/hello", hello, NULL, RPC_ROUTE_PUBLIC },
	{ "POST", "/relay", relay, NULL, 0 },
	{ "PUT", "/blob/", raw, NULL, RPC_ROUTE_PREFIX | RPC_ROUTE_RAW | RPC_ROUTE_BLOB },
	{ "DELETE", "/raw/", raw, NULL, RPC_ROUTE_PREFIX | RPC_ROUTE_RAW },
};

int main(int argc, char **argv)
{
	const char *config = NULL;
	int jailed = 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--no-jail") == 0)
			jailed = 0;
		else {
			fprintf(stderr, "usage: kettle-echo --config FILE [--no-jail]\n");
			return 2;
		}
	}
	if (!config) {
		fprintf(stderr, "usage: kettle-echo --config FILE [--no-jail]\n");
		return 2;
	}
	struct kettle_config cfg;
	char err[512];
	log_init("echo");
	if (config_load(config, &cfg, err, sizeof(err))) {
		log_error("%s", err);
		return 1;
	}
	log_init(cfg.service);
	struct echo_app app = { 0 };
	const char *peer = config_string(&cfg, "relay_peer");
	if (peer && !(app.relay = rpc_client_for_peer(&cfg, peer, err, sizeof(err)))) {
		log_error("%s", err);
		config_free(&cfg);
		return 1;
	}
	static const int extra[] = { SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep) };
	struct jail_spec spec = {
		.syscalls = extra, .n_syscalls = sizeof(extra) / sizeof(extra[0]),
		.nofile = 4096, .empty_root = 1, .net_client = app.relay != NULL,
	};
	int rc = rpc_serve(&cfg, &app, routes, sizeof(routes) / sizeof(routes[0]),
			   jailed ? &spec : NULL, NULL, NULL);
	rpc_client_free(app.relay);
	config_free(&cfg);
	return rc ? 1 : 0;
}
