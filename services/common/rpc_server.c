/* The evhttp + bufferevent_openssl server behind rpc.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <openssl/ssl.h>

#include "log.h"
#include "rpc_body.h"
#include "rpc_internal.h"
#include "rpc_route.h"
#include "tls.h"

struct listener {
	struct rpc_server *srv;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	SSL_CTX *ctx;
	int is_public;
	int port;
};

struct rpc_server {
	const struct kettle_config *cfg;
	void *ctx;
	struct event_base *base;
	struct listener lis[2]; /* [0] internal, [1] public */
	struct rpc_route *routes;
	size_t n_routes;
	struct event *sig_term, *sig_int, *drain_timer;
	unsigned connections;   /* open TLS connections, both listeners */
	unsigned unsent;        /* replies queued but not yet fully written */
	int accepting_paused;
	int stopping;
	int freeing;
};

/* Index of the SSL ex_data slot that ties a connection to its listener; its
 * free callback is the one hook that runs for every closed connection, even
 * one that failed its handshake before evhttp saw a request. */
static int conn_ex_index = -1;

static void set_accepting(struct rpc_server *srv, int on)
{
	for (int i = 0; i < 2; i++) {
		if (!srv->lis[i].bound)
			continue;
		struct evconnlistener *l =
			evhttp_bound_socket_get_listener(srv->lis[i].bound);
		if (on)
			evconnlistener_enable(l);
		else
			evconnlistener_disable(l);
	}
	srv->accepting_paused = !on;
}

static void conn_freed(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
		       long argl, void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	struct listener *lis = ptr;
	if (!lis)
		return;
	struct rpc_server *srv = lis->srv;
	if (srv->connections)
		srv->connections--;
	if (srv->accepting_paused && !srv->stopping && !srv->freeing &&
	    srv->connections < srv->cfg->max_connections)
		set_accepting(srv, 1);
}

static struct bufferevent *make_tls_bev(struct event_base *base, void *arg)
{
	struct listener *lis = arg;
	struct rpc_server *srv = lis->srv;
	SSL *ssl = SSL_new(lis->ctx);
	if (!ssl)
		return NULL;
	SSL_set_ex_data(ssl, conn_ex_index, lis);
	srv->connections++;
	/* Past the bound, leave new connections in the kernel's backlog. */
	if (srv->connections >= srv->cfg->max_connections)
		set_accepting(srv, 0);
	struct bufferevent *bev = bufferevent_openssl_socket_new(
		base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		SSL_free(ssl); /* runs conn_freed */
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

static const char *method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_PATCH: return "PATCH";
	case EVHTTP_REQ_HEAD: return "HEAD";
	default: return NULL;
	}
}

static void maybe_finish_drain(struct rpc_server *srv)
{
	if (srv->stopping && srv->unsent == 0)
		event_base_loopexit(srv->base, NULL);
}

static void reply_sent(struct evhttp_request *req, void *arg)
{
	(void)req;
	struct rpc_server *srv = arg;
	if (srv->unsent)
		srv->unsent--;
	maybe_finish_drain(srv);
}

static void send_response(struct rpc_server *srv, struct evhttp_request *ereq,
			  struct rpc_response *resp, const char *request_id)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(ereq);
	struct evbuffer *buf = evbuffer_new();
	if (!buf) {
		evhttp_send_error(ereq, 500, NULL);
		return;
	}
	if (resp->raw) {
		evbuffer_add(buf, resp->raw, resp->raw_len);
		evhttp_add_header(out, "Content-Type", resp->content_type);
	} else {
		char *text = json_dumps(resp->json, JSON_COMPACT);
		if (text) {
			evbuffer_add(buf, text, strlen(text));
			free(text);
		}
		evhttp_add_header(out, "Content-Type", "application/json");
	}
	const char *key;
	json_t *value;
	json_object_foreach(resp->headers, key, value)
		evhttp_add_header(out, key, json_string_value(value));
	evhttp_add_header(out, "X-Request-Id", request_id);
	if (srv->stopping)
		evhttp_add_header(out, "Connection", "close");
	srv->unsent++;
	evhttp_request_set_on_complete_cb(ereq, reply_sent, srv);
	evhttp_send_reply(ereq, resp->status, NULL, buf);
	evbuffer_free(buf);
}

static const char *bearer_token(struct evkeyvalq *headers)
{
	const char *auth = evhttp_find_header(headers, "Authorization");
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
		return NULL;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return *auth ? auth : NULL;
}

static int peer_cn_of(struct evhttp_request *ereq, char *out, size_t len)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(ereq);
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
	SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
	return tls_peer_cn(ssl, out, len);
}

static void dispatch(struct listener *lis, struct evhttp_request *ereq,
		     struct rpc_request *req, struct rpc_response *resp,
		     const char *raw_path)
{
	struct rpc_server *srv = lis->srv;
	if (!req->method) {
		rpc_reply_error(resp, 405, "bad_request", "This HTTP method is not supported.");
		return;
	}
	if (strcmp(raw_path, "/healthz") == 0 && strcmp(req->method, "GET") == 0) {
		rpc_reply_json(resp, 200, json_pack("{s:s,s:s}", "status", "ok",
						    "service", srv->cfg->service));
		return;
	}
	int status;
	const struct rpc_route *route = rpc_routes_find(
		srv->routes, srv->n_routes, req->method, raw_path, lis->is_public,
		req, &status);
	if (!route) {
		if (status == 405)
			rpc_reply_error(resp, 405, "bad_request",
					"Method %s is not allowed on this path.", req->method);
		else if (status == 400)
			rpc_bad_request(resp, "The request path is not validly encoded.");
		else
			rpc_not_found(resp, "No such endpoint.");
		return;
	}
	if (!lis->is_public && !rpc_route_allows(route, req->peer_cn)) {
		rpc_permission_denied(resp, "Service \"%s\" may not call this endpoint.",
				      req->peer_cn);
		return;
	}
	struct evbuffer *in = evhttp_request_get_input_buffer(ereq);
	size_t len = evbuffer_get_length(in);
	if (len > srv->cfg->max_body) {
		rpc_payload_too_large(resp, "The body is larger than %zu bytes.",
				      srv->cfg->max_body);
		return;
	}
	req->raw = len ? evbuffer_pullup(in, -1) : (const unsigned char *)"";
	req->raw_len = len;
	if (len && !(route->flags & RPC_ROUTE_RAW)) {
		char err[256];
		if (rpc_body_parse(req->raw, len, srv->cfg->max_json_depth,
				   &req->body, err, sizeof(err))) {
			rpc_bad_request(resp, "%s", err);
			return;
		}
	}
	route->handler(srv->ctx, req, resp);
	if (resp->status == 0)
		rpc_internal(resp, "The handler produced no response.");
}

static void handle_request(struct evhttp_request *ereq, void *arg)
{
	struct listener *lis = arg;
	struct rpc_server *srv = lis->srv;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	struct rpc_request req = { 0 };
	struct rpc_response resp = { 0 };
	struct evkeyvalq query = { 0 };
	struct evkeyvalq *headers = evhttp_request_get_input_headers(ereq);
	char cn[128], request_id[REQUEST_ID_MAX + 1];

	const char *given = evhttp_find_header(headers, "X-Request-Id");
	if (given && request_id_valid(given))
		snprintf(request_id, sizeof(request_id), "%s", given);
	else
		request_id_generate(request_id);
	request_id_set_current(request_id);

	req.method = method_name(evhttp_request_get_command(ereq));
	req.request_id = request_id;
	req.headers_ = headers;
	req.bearer = bearer_token(headers);
	req.content_type = evhttp_find_header(headers, "Content-Type");
	req.is_public = lis->is_public;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ereq);
	const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *raw_query = uri ? evhttp_uri_get_query(uri) : NULL;
	char *path = NULL;
	if (!raw_path || raw_path[0] != '/' ||
	    !(path = rpc_percent_decode(raw_path, strlen(raw_path), 0))) {
		rpc_bad_request(&resp, "The request path is not validly encoded.");
		goto reply;
	}
	req.path = path;
	TAILQ_INIT(&query);
	if (raw_query && evhttp_parse_query_str(raw_query, &query) != 0) {
		rpc_bad_request(&resp, "The query string is not validly encoded.");
		goto reply;
	}
	req.query_ = &query;
	if (!lis->is_public) {
		if (peer_cn_of(ereq, cn, sizeof(cn)) != 0) {
			rpc_unauthenticated(&resp, "A platform client certificate is required.");
			goto reply;
		}
		req.peer_cn = cn;
	}
	dispatch(lis, ereq, &req, &resp, raw_path);
reply:
	send_response(srv, ereq, &resp, request_id);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	json_t *fields = json_pack("{s:s,s:s,s:i,s:s?,s:f}",
		"method", req.method ? req.method : "?",
		"path", req.path ? req.path : "?", "status", resp.status,
		"peer", req.peer_cn,
		"ms", (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	log_event(resp.status >= 500 ? LOG_ERROR : LOG_INFO, fields, "request");
	json_decref(fields);
	request_id_set_current(NULL);
	rpc_response_clear(&resp);
	rpc_request_clear_params(&req);
	json_decref(req.body);
	evhttp_clear_headers(&query);
	free(path);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct rpc_server *srv = arg;
	log_info("signal %d: shutting down", (int)sig);
	rpc_server_stop(srv);
}

static void on_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	struct rpc_server *srv = arg;
	log_warn("shutdown: %u replies still unsent after the timeout", srv->unsent);
	event_base_loopexit(srv->base, NULL);
}

void rpc_server_stop(struct rpc_server *srv)
{
	if (srv->stopping)
		return;
	srv->stopping = 1;
	/* Stop accepting at once; connections already open finish their
	 * current request and are closed after the reply. */
	for (int i = 0; i < 2; i++) {
		struct listener *lis = &srv->lis[i];
		if (lis->bound) {
			evhttp_del_accept_socket(lis->http, lis->bound);
			lis->bound = NULL;
		}
	}
	struct timeval tv = { srv->cfg->timeout_ms / 1000,
			      (srv->cfg->timeout_ms % 1000) * 1000 };
	evtimer_add(srv->drain_timer, &tv);
	maybe_finish_drain(srv);
}

struct rpc_server *rpc_server_new(const struct kettle_config *cfg, void *ctx)
{
	if (conn_ex_index < 0) {
		conn_ex_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, conn_freed);
		if (conn_ex_index < 0) {
			log_error("cannot allocate a TLS ex_data slot");
			return NULL;
		}
	}
	/* A peer closing mid-write must be an error return, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	struct rpc_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return NULL;
	srv->cfg = cfg;
	srv->ctx = ctx;
	srv->base = event_base_new();
	if (!srv->base)
		goto fail;
	srv->sig_term = evsignal_new(srv->base, SIGTERM, on_signal, srv);
	srv->sig_int = evsignal_new(srv->base, SIGINT, on_signal, srv);
	srv->drain_timer = evtimer_new(srv->base, on_drain_timeout, srv);
	if (!srv->sig_term || !srv->sig_int || !srv->drain_timer)
		goto fail;
	for (int i = 0; i < 2; i++) {
		srv->lis[i].srv = srv;
		srv->lis[i].is_public = i;
		srv->lis[i].port = -1;
	}
	return srv;
fail:
	log_error("cannot create the event loop");
	rpc_server_free(srv);
	return NULL;
}

int rpc_server_add_routes(struct rpc_server *srv, const struct rpc_route *routes,
			  size_t n)
{
	struct rpc_route *grown = realloc(srv->routes,
					  (srv->n_routes + n) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	memcpy(grown + srv->n_routes, routes, n * sizeof(*grown));
	srv->routes = grown;
	srv->n_routes += n;
	return 0;
}

static int bound_port(struct evhttp_bound_socket *bound)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss,
			&len) != 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

static int listen_one(struct rpc_server *srv, struct listener *lis,
		      const struct config_listen *where)
{
	const struct kettle_config *cfg = srv->cfg;
	char err[256];
	lis->ctx = tls_server_ctx(cfg->cert, cfg->key, cfg->ca, !lis->is_public,
				  err, sizeof(err));
	if (!lis->ctx) {
		log_error("%s", err);
		return -EINVAL;
	}
	lis->http = evhttp_new(srv->base);
	if (!lis->http)
		return -ENOMEM;
	evhttp_set_bevcb(lis->http, make_tls_bev, lis);
	evhttp_set_gencb(lis->http, handle_request, lis);
	evhttp_set_max_body_size(lis->http, (ev_ssize_t)cfg->max_body);
	evhttp_set_max_headers_size(lis->http, 16384);
	evhttp_set_allowed_methods(lis->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
				   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
				   EVHTTP_REQ_PATCH);
	struct timeval tv = { cfg->timeout_ms / 1000, (cfg->timeout_ms % 1000) * 1000 };
	evhttp_set_timeout_tv(lis->http, &tv);
	lis->bound = evhttp_bind_socket_with_handle(lis->http, where->address,
						    (ev_uint16_t)where->port);
	if (!lis->bound) {
		int e = errno ? errno : EADDRNOTAVAIL;
		log_error("cannot listen on %s:%d (%s): %s", where->address,
			  where->port, lis->is_public ? "public" : "internal",
			  strerror(e));
		return -e;
	}
	lis->port = bound_port(lis->bound);
	return 0;
}

int rpc_server_listen(struct rpc_server *srv)
{
	int rc = listen_one(srv, &srv->lis[0], &srv->cfg->listen);
	if (!rc && srv->cfg->public_.address)
		rc = listen_one(srv, &srv->lis[1], &srv->cfg->public_);
	if (rc)
		return rc;
	/* Installed here, not in run, so the sigaction calls happen before
	 * the caller enters its jail. */
	if (evsignal_add(srv->sig_term, NULL) || evsignal_add(srv->sig_int, NULL)) {
		log_error("cannot install the SIGTERM/SIGINT handlers");
		return -EINVAL;
	}
	log_info("listening: internal port %d, public port %d", srv->lis[0].port,
		 srv->lis[1].port);
	return 0;
}

int rpc_server_port(const struct rpc_server *srv, int is_public)
{
	return srv->lis[is_public ? 1 : 0].port;
}

int rpc_server_run(struct rpc_server *srv)
{
	if (event_base_dispatch(srv->base) < 0) {
		log_error("the event loop failed");
		return -EIO;
	}
	log_info("stopped");
	return 0;
}

void rpc_server_free(struct rpc_server *srv)
{
	if (!srv)
		return;
	srv->freeing = 1;
	for (int i = 0; i < 2; i++) {
		if (srv->lis[i].http)
			evhttp_free(srv->lis[i].http);
		SSL_CTX_free(srv->lis[i].ctx);
	}
	if (srv->sig_term)
		event_free(srv->sig_term);
	if (srv->sig_int)
		event_free(srv->sig_int);
	if (srv->drain_timer)
		event_free(srv->drain_timer);
	if (srv->base)
		event_base_free(srv->base);
	free(srv->routes);
	free(srv);
}
