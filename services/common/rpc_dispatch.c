/* Handling one request: request id, peer, route, allowlist, body, handler,
 * reply, log line. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "lib/log.h"
#include "services/common/rpc_body.h"
#include "services/common/rpc_internal.h"
#include "services/common/rpc_route.h"
#include "services/common/tls.h"

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

static void reply_sent(struct evhttp_request *req, void *arg)
{
	(void)req;
	struct rpc_server *srv = arg;
	if (srv->unsent)
		srv->unsent--;
	rpc_server_maybe_finish(srv);
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

/* The remote address of the request's connection (for per-peer limits such
 * as login throttling); "" when it is not known. */
static const char *peer_addr_of(struct evhttp_request *ereq)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(ereq);
	const char *addr = NULL;
	ev_uint16_t port = 0;
	if (conn)
		evhttp_connection_get_peer(conn, (char **)&addr, &port);
	return addr ? addr : "";
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

void rpc_handle_request(struct evhttp_request *ereq, void *arg)
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
	req.peer_addr = peer_addr_of(ereq);
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
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, &query, next) {
		if (!rpc_utf8_valid(kv->key, strlen(kv->key)) ||
		    !rpc_utf8_valid(kv->value, strlen(kv->value))) {
			rpc_bad_request(&resp, "The query string is not valid UTF-8.");
			goto reply;
		}
	}
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
