/* SPDX-License-Identifier: Apache-2.0 */
/* Building a request from http-parser's callbacks, on the loop thread.
 * Everything that can be decided from the request line and the headers is
 * decided here, before a byte of the body is read: route, method (405 with
 * Allow), caller allowlist, Content-Length sanity and the body limit (413).
 * A callback that refuses the request records the reply in ex->fail_* and
 * returns -1, which stops the parser; rpc_conn.c then answers and closes. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/bufferevent.h>
#include <event2/http.h>

#include "services/common/rpc_internal.h"
#include "services/common/rpc_parse.h"
#include "services/common/rpc_route.h"

static int refuse(struct rpc_exchange *ex, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(struct rpc_exchange *ex, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ex->fail_msg, sizeof(ex->fail_msg), fmt, ap);
	va_end(ap);
	ex->fail_status = status;
	return -1;
}

struct rpc_exchange *rpc_exchange_new(struct conn *c)
{
	struct rpc_exchange *ex = calloc(1, sizeof(*ex));
	if (!ex)
		return NULL;
	ex->conn = c;
	TAILQ_INIT(&ex->headers);
	TAILQ_INIT(&ex->query);
	clock_gettime(CLOCK_MONOTONIC, &ex->t0);
	return ex;
}

void rpc_exchange_free(struct rpc_exchange *ex)
{
	if (!ex)
		return;
	rpc_response_clear(&ex->resp);
	rpc_request_clear_params(&ex->req);
	json_decref(ex->req.body);
	evhttp_clear_headers(&ex->headers);
	evhttp_clear_headers(&ex->query);
	free(ex->target);
	free(ex->path);
	free(ex->field);
	free(ex->value);
	free(ex->body);
	free(ex->out);
	free(ex);
}

/* Append len bytes to a NUL-terminated growing string, counted against the
 * header bound. */
static int append(struct rpc_exchange *ex, char **s, size_t *n, const char *at,
		  size_t len)
{
	if (ex->header_bytes + len > RPC_MAX_HEADER_BYTES)
		return refuse(ex, 431, "The request line and headers are larger than %u bytes.",
			      RPC_MAX_HEADER_BYTES);
	char *grown = realloc(*s, *n + len + 1);
	if (!grown)
		return refuse(ex, 500, "The server ran out of memory.");
	memcpy(grown + *n, at, len);
	*n += len;
	grown[*n] = '\0';
	*s = grown;
	ex->header_bytes += len;
	return 0;
}

static struct rpc_exchange *exchange_of(http_parser *p)
{
	return ((struct conn *)p->data)->ex;
}

static int on_begin(http_parser *p)
{
	struct conn *c = p->data;
	rpc_exchange_free(c->ex);
	c->ex = rpc_exchange_new(c);
	if (!c->ex)
		return -1;
	c->phase = PHASE_HEADERS;
	return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
	struct rpc_exchange *ex = exchange_of(p);
	return append(ex, &ex->target, &ex->target_len, at, len);
}

static int commit_header(struct rpc_exchange *ex)
{
	if (!ex->field)
		return 0;
	const char *value = ex->value ? ex->value : "";
	if (strcasecmp(ex->field, "Content-Length") == 0)
		ex->content_lengths++;
	if (evhttp_add_header(&ex->headers, ex->field, value) != 0)
		return refuse(ex, 400, "A request header is malformed.");
	free(ex->field);
	free(ex->value);
	ex->field = ex->value = NULL;
	ex->field_len = ex->value_len = 0;
	return 0;
}

static int on_field(http_parser *p, const char *at, size_t len)
{
	struct rpc_exchange *ex = exchange_of(p);
	if (ex->value && commit_header(ex))
		return -1;
	return append(ex, &ex->field, &ex->field_len, at, len);
}

static int on_value(http_parser *p, const char *at, size_t len)
{
	struct rpc_exchange *ex = exchange_of(p);
	if (!ex->value && !(ex->value = strdup("")))
		return refuse(ex, 500, "The server ran out of memory.");
	return append(ex, &ex->value, &ex->value_len, at, len);
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

/* Path and query from the request-target (origin form only). */
static int parse_target(struct rpc_exchange *ex)
{
	if (!ex->target || ex->target[0] != '/')
		return refuse(ex, 400, "The request path must start with '/'.");
	char *q = strchr(ex->target, '?');
	size_t path_len = q ? (size_t)(q - ex->target) : ex->target_len;
	if (memchr(ex->target, '#', ex->target_len))
		return refuse(ex, 400, "The request path must not contain '#'.");
	ex->path = rpc_percent_decode(ex->target, path_len, 0);
	if (!ex->path)
		return refuse(ex, 400, "The request path is not validly encoded.");
	if (q && evhttp_parse_query_str(q + 1, &ex->query) != 0)
		return refuse(ex, 400, "The query string is not validly encoded.");
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, &ex->query, next)
		if (!rpc_utf8_valid(kv->key, strlen(kv->key)) ||
		    !rpc_utf8_valid(kv->value, strlen(kv->value)))
			return refuse(ex, 400, "The query string is not valid UTF-8.");
	if (q)
		*q = '\0'; /* ex->target is now the raw path */
	return 0;
}

static void fill_request(struct conn *c, struct rpc_exchange *ex)
{
	const char *given = evhttp_find_header(&ex->headers, "X-Request-Id");
	if (given && request_id_valid(given))
		snprintf(ex->request_id, sizeof(ex->request_id), "%s", given);
	else
		request_id_generate(ex->request_id);
	ex->req.method = ex->method;
	ex->req.path = ex->path;
	ex->req.request_id = ex->request_id;
	ex->req.headers_ = &ex->headers;
	ex->req.query_ = &ex->query;
	ex->req.bearer = bearer_token(&ex->headers);
	ex->req.content_type = evhttp_find_header(&ex->headers, "Content-Type");
	ex->req.is_public = c->lis->is_public;
	ex->req.peer_cn = c->has_cn ? c->peer_cn : NULL;
	snprintf(ex->peer_addr, sizeof(ex->peer_addr), "%s",
		 c->peer ? c->peer->addr : "");
	ex->req.peer_addr = ex->peer_addr;
}

/* Route, caller and body limit, before the body. */
static int admit(struct conn *c, struct rpc_exchange *ex, http_parser *p)
{
	struct rpc_server *srv = c->lis->srv;
	const struct kettle_config *cfg = srv->cfg;
	if (!c->lis->is_public && !c->has_cn)
		return refuse(ex, 401, "A platform client certificate with one common name is required.");
	if (strcmp(ex->target, "/healthz") == 0 && strcmp(ex->method, "GET") == 0) {
		ex->healthz = 1;
		ex->body_limit = 0;
	} else {
		int status;
		ex->route = rpc_routes_find(srv->routes, srv->n_routes, ex->method,
					    ex->target, c->lis->is_public, &ex->req,
					    &status);
		if (!ex->route && status == 405) {
			rpc_routes_allowed(srv->routes, srv->n_routes, ex->target,
					   c->lis->is_public, ex->allow, sizeof(ex->allow));
			return refuse(ex, 405, "Method %s is not allowed on this path; use %s.",
				      ex->method, ex->allow);
		}
		if (!ex->route && status == 400)
			return refuse(ex, 400, "The request path is not validly encoded.");
		if (!ex->route)
			return refuse(ex, 404, "No such endpoint.");
		if (!c->lis->is_public && !rpc_route_allows(ex->route, ex->req.peer_cn))
			return refuse(ex, 403, "Service \"%s\" may not call this endpoint.",
				      ex->req.peer_cn);
		ex->body_limit = ex->route->flags & RPC_ROUTE_BLOB ? cfg->max_blob_body
								  : cfg->max_body;
	}
	/* Decided from the header, before the body is read. */
	if (p->content_length != ULLONG_MAX && p->content_length > ex->body_limit)
		return refuse(ex, 413, "The body is larger than the limit of %zu bytes.",
			      ex->body_limit);
	return 0;
}

static int on_headers(http_parser *p)
{
	struct conn *c = p->data;
	struct rpc_exchange *ex = c->ex;
	if (commit_header(ex))
		return -1;
	snprintf(ex->method, sizeof(ex->method), "%s",
		 http_method_str((enum http_method)p->method));
	ex->head = p->method == HTTP_HEAD;
	ex->keep_alive = http_should_keep_alive(p);
	if (ex->content_lengths > 1)
		return refuse(ex, 400, "The request has more than one Content-Length header.");
	if (parse_target(ex))
		return -1;
	fill_request(c, ex);
	if (admit(c, ex, p))
		return -1;
	const char *expect = evhttp_find_header(&ex->headers, "Expect");
	if (expect) {
		if (strcasecmp(expect, "100-continue") != 0)
			return refuse(ex, 417, "Only \"Expect: 100-continue\" is supported.");
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
		bufferevent_write(c->bev, cont, sizeof(cont) - 1);
	}
	c->received = 0;
	c->phase = PHASE_BODY;
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
	struct conn *c = p->data;
	struct rpc_exchange *ex = c->ex;
	if (len > ex->body_limit - ex->body_len)
		return refuse(ex, 413, "The body is larger than the limit of %zu bytes.",
			      ex->body_limit);
	if (ex->body_len + len > ex->body_cap) {
		size_t cap = ex->body_cap ? ex->body_cap : 4096;
		while (cap < ex->body_len + len)
			cap *= 2;
		if (cap > ex->body_limit)
			cap = ex->body_limit;
		unsigned char *grown = realloc(ex->body, cap);
		if (!grown)
			return refuse(ex, 500, "The server ran out of memory.");
		ex->body = grown;
		ex->body_cap = cap;
	}
	memcpy(ex->body + ex->body_len, at, len);
	ex->body_len += len;
	c->received = ex->body_len;
	return 0;
}

static int on_complete(http_parser *p)
{
	struct conn *c = p->data;
	struct rpc_exchange *ex = c->ex;
	ex->req.raw = ex->body ? ex->body : (const unsigned char *)"";
	ex->req.raw_len = ex->body_len;
	/* One request at a time: the rest waits in the input buffer. */
	http_parser_pause(p, 1);
	return 0;
}

const http_parser_settings rpc_parser_settings = {
	.on_message_begin = on_begin,
	.on_url = on_url,
	.on_header_field = on_field,
	.on_header_value = on_value,
	.on_headers_complete = on_headers,
	.on_body = on_body,
	.on_message_complete = on_complete,
};

void rpc_parse_failure(struct rpc_exchange *ex, enum http_errno e,
		       const char *data, size_t len, int *status, const char **msg)
{
	if (ex && ex->fail_status) {
		*status = ex->fail_status;
		*msg = ex->fail_msg;
		return;
	}
	*status = 400;
	switch (e) {
	case HPE_INVALID_METHOD: {
		/* A token followed by a space is a method we do not serve;
		 * anything else is not HTTP at all. */
		size_t n = 0;
		while (n < len && n < 20 && data[n] >= 'A' && data[n] <= 'Z')
			n++;
		if (n > 0 && n < len && data[n] == ' ') {
			*status = 405;
			*msg = "This HTTP method is not supported.";
		} else
			*msg = "The request is not valid HTTP/1.1.";
		return;
	}
	case HPE_INVALID_CONTENT_LENGTH:
	case HPE_UNEXPECTED_CONTENT_LENGTH:
		*msg = "The Content-Length header is malformed, repeated or conflicts with Transfer-Encoding.";
		return;
	case HPE_INVALID_CHUNK_SIZE:
		*msg = "A chunk size in the chunked body is malformed.";
		return;
	case HPE_HEADER_OVERFLOW:
		*status = 431;
		*msg = "The request headers are too large.";
		return;
	case HPE_INVALID_VERSION:
		*msg = "The HTTP version is not supported; use HTTP/1.1.";
		return;
	case HPE_INVALID_TRANSFER_ENCODING:
		*msg = "The Transfer-Encoding header is not supported; use chunked or Content-Length.";
		return;
	default:
		*msg = "The request is not valid HTTP/1.1.";
		return;
	}
}
