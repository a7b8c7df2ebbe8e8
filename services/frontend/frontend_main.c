/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-frontend --config FILE
 *
 * The platform's one public base URL (public listener):
 *   POST /v1/login, /v1/users...  -> authentication (its internal listener)
 *   every other /v1/...           -> management, as the caller
 * Every call but login needs a valid token (authentication's
 * /internal/validate) and pays one token of the caller's rate bucket.
 * Service keys (all optional):
 *   "rate_limit": {"per_second": 1000, "burst": 2000, "users": 10000}
 *   "token_cache_ms": 500     validations reused for at most this (<= 1000)
 *   "peer_timeout_ms": 3000   a peer answering later is "unavailable" (503)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "services/frontend/frontend.h"

/* Pass a call on to authentication's internal listener and relay its
 * answer. */
static void to_authentication(struct frontend *f, const struct rpc_request *req,
			      struct rpc_response *resp, const char *target,
			      const char *bearer)
{
	struct rpc_result r;
	const char *type = req->content_type ? req->content_type : "application/json";
	if (rpc_pool_call_raw(f->auth, req->method, target, type,
			      req->raw_len ? req->raw : NULL, req->raw_len, bearer, &r)) {
		log_warn("forwarding to authentication failed: %s", rpc_pool_error());
		rpc_unavailable(resp, "The authentication service is unavailable; retry later.");
		return;
	}
	forward_reply(resp, &r);
	rpc_result_clear(&r);
}

static void login(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	to_authentication(ctx, req, resp, "/v1/login", NULL);
}

/* /v1/users...: authentication checks the token again and applies who may
 * manage whom; we check it first for the rate limit. */
static void users(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	struct identity who;
	char target[FRONTEND_TARGET_MAX];
	if (frontend_authenticate(ctx, req, resp, &who) &&
	    forward_target(req, resp, target, sizeof(target)))
		to_authentication(ctx, req, resp, target, req->bearer);
}

static void management(void *ctx, const struct rpc_request *req, struct rpc_response *resp)
{
	struct frontend *f = ctx;
	struct identity who;
	if (frontend_authenticate(f, req, resp, &who))
		forward_to_management(f, req, resp, &who);
}

#define PUB RPC_ROUTE_PUBLIC
static const struct rpc_route routes[] = {
	{ "POST", "/v1/login", login, NULL, PUB },
	{ "*", "/v1/users", users, NULL, PUB },
	{ "*", "/v1/users/", users, NULL, PUB | RPC_ROUTE_PREFIX },
	/* Blobs are raw bytes; every other body must be JSON. */
	{ "PUT", "/v1/blobs", management, NULL, PUB | RPC_ROUTE_RAW | RPC_ROUTE_BLOB },
	{ "*", "/v1/", management, NULL, PUB | RPC_ROUTE_PREFIX },
};

/* A number at key (or key.sub) within [min, max], or fallback when absent.
 * -1 and one line in err when present but wrong. */
static int config_number(const struct kettle_config *cfg, const char *key,
			 const char *sub, double min, double max, double fallback,
			 double *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(cfg->root, key);
	if (sub && v)
		v = json_is_object(v) ? json_object_get(v, sub) : NULL;
	*out = fallback;
	if (!v && (!sub || !json_object_get(cfg->root, key) ||
		   json_is_object(json_object_get(cfg->root, key))))
		return 0;
	if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max) {
		snprintf(err, errlen, "\"%s%s%s\" must be a number from %g to %g", key,
			 sub ? "." : "", sub ? sub : "", min, max);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

static int setup(struct frontend *f, const struct kettle_config *cfg, char *err,
		 size_t errlen)
{
	double rate, burst, users_n, cache_ms, timeout_ms;
	if (config_number(cfg, "rate_limit", "per_second", 0.001, 1e6, 1000, &rate, err, errlen) ||
	    config_number(cfg, "rate_limit", "burst", 1, 1e7, rate * 2 < 1 ? 1 : rate * 2, &burst, err, errlen) ||
	    config_number(cfg, "rate_limit", "users", 1, 1e6, 10000, &users_n, err, errlen) ||
	    config_number(cfg, "token_cache_ms", NULL, 0, 1000, 500, &cache_ms, err, errlen) ||
	    config_number(cfg, "peer_timeout_ms", NULL, 100, 600000, 3000, &timeout_ms, err, errlen))
		return -EINVAL;
	f->peer_cfg = *cfg; /* shares the strings; only read */
	f->peer_cfg.timeout_ms = (unsigned)timeout_ms;
	f->has_management = config_peer(cfg, "management") != NULL;
	if (!f->has_management)
		log_warn("no \"management\" peer configured: calls other than login and users answer 503");
	f->tokens = token_cache_new((unsigned)cache_ms, 4096);
	f->limit = rate_limit_new(rate, burst, (size_t)users_n);
	if (!f->tokens || !f->limit) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	f->auth = rpc_pool_for_peer(&f->peer_cfg, "authentication", 32,
				    (unsigned)timeout_ms, err, errlen);
	return f->auth ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	struct kettle_config cfg;
	struct frontend f = { 0 };
	char err[512];
	int rc = rpc_serve_config(argc, argv, "frontend", &cfg);
	if (rc)
		return rc;
	pthread_mutex_init(&f.clients_lock, NULL);
	rc = setup(&f, &cfg, err, sizeof(err));
	if (rc)
		fprintf(stderr, "kettle-frontend: %s\n", err);
	/* Clients to management are made as handler threads need them, and
	 * each reads the certificate files and makes its own event loop: the
	 * jail keeps file access, epoll and eventfd creation, and the id calls
	 * libevent and OpenSSL make before trusting the environment. */
	static const int extra[] = { SCMP_SYS(getuid), SCMP_SYS(geteuid),
				     SCMP_SYS(getgid), SCMP_SYS(getegid),
				     SCMP_SYS(epoll_create1), SCMP_SYS(eventfd2),
				     SCMP_SYS(pipe2) };
	struct jail_spec jail = { .net_client = 1, .files = 1, .nofile = 1024,
				  .syscalls = extra,
				  .n_syscalls = sizeof(extra) / sizeof(extra[0]) };
	if (!rc)
		rc = rpc_serve(&cfg, &f, routes, sizeof(routes) / sizeof(routes[0]),
			       &jail, NULL, NULL);
	forward_clients_free(&f);
	rpc_pool_free(f.auth);
	rate_limit_free(f.limit);
	token_cache_free(f.tokens);
	pthread_mutex_destroy(&f.clients_lock);
	config_free(&cfg);
	return rc ? 1 : 0;
}
