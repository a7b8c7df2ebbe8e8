/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-echo: a tiny service built on services/common, used by the tests of
 * the framework and of kettle-platform. Usage: kettle-echo --config FILE.
 * It enters the jail unless started with --no-jail: the same two steps as
 * the real services (service_jail_root, then jail_enter), with files and
 * peer connections allowed so that /probe/ can show, from inside, what the
 * jail holds back. With "relay_peer": NAME in its configuration, POST
 * /relay forwards the body to that peer's /echo (the stalled-dependency
 * tests). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "services/common/config.h"
#include "lib/jail.h"
#include "lib/log.h"
#include "services/common/rpc.h"
#include "services/common/rpc_client.h"
#include "services/common/service_jail.h"

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

static void probe_reply(struct rpc_response *resp, int err)
{
	rpc_reply_json(resp, 200, json_pack("{s:i,s:s}", "errno", err, "error",
					    err ? strerror(err) : "none"));
}

/* GET /probe/open?path=P[&create=1]: the errno of opening P from inside
 * the jail (0: it opened). */
static void probe_open(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	const char *path = rpc_query(req, "path");
	if (!path) {
		rpc_bad_request(resp, "path is required.");
		return;
	}
	int flags = rpc_query(req, "create") ? O_WRONLY | O_CREAT : O_RDONLY;
	int fd = open(path, flags | O_CLOEXEC, 0600);
	int err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	probe_reply(resp, err);
}

/* GET /probe/connect?port=N[&addr=A]: the errno of a TCP connect. */
static void probe_connect(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	(void)ctx;
	const char *port = rpc_query(req, "port"), *addr = rpc_query(req, "addr");
	struct sockaddr_in a = { .sin_family = AF_INET };
	long p = port ? strtol(port, NULL, 10) : 0;
	if (p < 1 || p > 65535 || inet_pton(AF_INET, addr ? addr : "127.0.0.1", &a.sin_addr) != 1) {
		rpc_bad_request(resp, "port must be 1 to 65535 and addr an IPv4 address.");
		return;
	}
	a.sin_port = htons((uint16_t)p);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int err = fd < 0 ? errno : connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
	probe_reply(resp, err);
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
	{ "GET", "/probe/open", probe_open, NULL, 0 },
	{ "GET", "/probe/connect", probe_connect, NULL, 0 },
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
	if (jailed && service_jail_root(&cfg)) {
		config_free(&cfg);
		return 1;
	}
	struct echo_app app = { 0 };
	const char *peer = config_string(&cfg, "relay_peer");
	if (peer && !(app.relay = rpc_client_for_peer(&cfg, peer, err, sizeof(err)))) {
		log_error("%s", err);
		config_free(&cfg);
		return 1;
	}
	static const int extra[] = {
		SCMP_SYS(nanosleep),       /* GET /slow */
		SCMP_SYS(clock_nanosleep), /* the same through glibc */
	};
	/* Files and connections: what /probe/ tries from inside the jail. */
	struct jail_spec spec = {
		.syscalls = extra, .n_syscalls = sizeof(extra) / sizeof(extra[0]),
		.nofile = 4096, .empty_root = 1, .files = 1, .net_client = 1,
	};
	int rc = rpc_serve(&cfg, &app, routes, sizeof(routes) / sizeof(routes[0]),
			   jailed ? &spec : NULL, NULL, NULL);
	rpc_client_free(app.relay);
	config_free(&cfg);
	return rc ? 1 : 0;
}
