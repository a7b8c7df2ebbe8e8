/* SPDX-License-Identifier: Apache-2.0 */
/* One request on a worker thread: JSON body, handler, the 503 a failed
 * dependency deserves, the reply serialised, the access log line. The
 * route, the caller and the body limit were settled while reading
 * (rpc_parse.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <http_parser.h>

#include "lib/log.h"
#include "services/common/rpc_body.h"
#include "services/common/rpc_client.h"
#include "services/common/rpc_internal.h"
#include "services/common/rpc_route.h"

void rpc_dispatch(struct rpc_server *srv, struct rpc_exchange *ex)
{
	struct rpc_request *req = &ex->req;
	struct rpc_response *resp = &ex->resp;
	request_id_set_current(ex->request_id);
	rpc_client_thread_reset();
	char err[256];
	if (req->raw_len && !(ex->route->flags & RPC_ROUTE_RAW) &&
	    rpc_body_parse(req->raw, req->raw_len, srv->cfg->max_json_depth,
			   &req->body, err, sizeof(err)))
		rpc_bad_request(resp, "%s", err);
	else
		ex->route->handler(srv->ctx, req, resp);
	if (resp->status == 0)
		rpc_internal(resp, "The handler produced no response.");
	/* A handler that gives up because a service it called did not
	 * answer reports a 500; the caller should hear "retry later". */
	if (resp->status == 500 && rpc_client_thread_failed())
		rpc_unavailable(resp, "A service this call needs did not answer; retry later.");
	int stopping = __atomic_load_n(&srv->stopping, __ATOMIC_RELAXED);
	if (rpc_exchange_serialise(ex, stopping) != 0) {
		free(ex->out);
		ex->out = NULL;
	}
	rpc_exchange_log(ex);
	request_id_set_current(NULL);
}

/* Header names and values go out only if they cannot split the reply. */
static int header_safe(const char *s)
{
	return s && !strpbrk(s, "\r\n");
}

int rpc_exchange_serialise(struct rpc_exchange *ex, int stopping)
{
	struct rpc_response *resp = &ex->resp;
	char *json = NULL;
	const void *body = resp->raw;
	size_t body_len = resp->raw_len;
	const char *ctype = resp->content_type;
	if (!resp->raw) {
		json = resp->json ? json_dumps(resp->json, JSON_COMPACT) : strdup("{}");
		if (!json)
			return -1;
		body = json;
		body_len = strlen(json);
		ctype = "application/json";
	}
	int close = stopping || ex->close_after || !ex->keep_alive;
	ex->keep_alive = !close;
	size_t cap = 0;
	FILE *f = open_memstream(&ex->out, &cap);
	if (!f) {
		free(json);
		return -1;
	}
	const char *reason = http_status_str((enum http_status)resp->status);
	fprintf(f, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"X-Request-Id: %s\r\n", resp->status, reason, ctype, body_len,
		ex->request_id);
	const char *key;
	json_t *value;
	json_object_foreach(resp->headers, key, value)
		if (header_safe(key) && header_safe(json_string_value(value)))
			fprintf(f, "%s: %s\r\n", key, json_string_value(value));
	fputs(close ? "Connection: close\r\n\r\n" : "\r\n", f);
	if (!ex->head && body_len)
		fwrite(body, 1, body_len, f);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(json);
		free(ex->out);
		ex->out = NULL;
		return -1;
	}
	ex->out_len = cap;
	free(json);
	return 0;
}

void rpc_exchange_log(struct rpc_exchange *ex)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	const char *path = ex->path ? ex->path : ex->target;
	if (path && !rpc_utf8_valid(path, strlen(path)))
		path = NULL; /* never lose the line to bytes that are not UTF-8 */
	json_t *fields = json_pack("{s:s,s:s,s:i,s:s?,s:f}",
		"method", ex->method[0] ? ex->method : "?",
		"path", path ? path : "?", "status", ex->resp.status,
		"peer", ex->req.peer_cn,
		"ms", (double)(t1.tv_sec - ex->t0.tv_sec) * 1e3 +
		      (double)(t1.tv_nsec - ex->t0.tv_nsec) / 1e6);
	const char *prev = request_id_current();
	char saved[REQUEST_ID_MAX + 1] = "";
	if (prev)
		snprintf(saved, sizeof(saved), "%s", prev);
	request_id_set_current(ex->request_id);
	log_event(ex->resp.status >= 500 ? LOG_ERROR : LOG_INFO, fields, "request");
	request_id_set_current(saved[0] ? saved : NULL);
	json_decref(fields);
}
