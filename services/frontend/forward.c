/* SPDX-License-Identifier: Apache-2.0 */
/* Passing a call on: the path and query re-encoded from what the server
 * decoded (odd paths refused here, once, for every peer), the caller's
 * identity in headers management trusts only from our certificate, and
 * the answer relayed unchanged. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/keyvalq_struct.h>

#include "lib/log.h"
#include "services/frontend/frontend.h"

/* Append s percent-encoded (unreserved bytes, and '/' when keep_slash,
 * stay as they are). 0, or -ENAMETOOLONG. */
static int append_encoded(char *out, size_t cap, size_t *used, const char *s,
			  int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || strchr("-._~", c) ||
			    (keep_slash && c == '/');
		if (*used + (plain ? 1 : 3) >= cap)
			return -ENAMETOOLONG;
		if (plain) {
			out[(*used)++] = (char)c;
		} else {
			out[(*used)++] = '%';
			out[(*used)++] = hex[c >> 4];
			out[(*used)++] = hex[c & 15];
		}
	}
	out[*used] = '\0';
	return 0;
}

static int append(char *out, size_t cap, size_t *used, const char *s)
{
	size_t n = strlen(s);
	if (*used + n >= cap)
		return -ENAMETOOLONG;
	memcpy(out + *used, s, n + 1);
	*used += n;
	return 0;
}

/* A path whose meaning could differ between us and the peer is refused:
 * empty, "." or ".." segments and control characters. */
static const char *path_problem(const char *path)
{
	size_t n = strlen(path);
	if (n > FRONTEND_PATH_MAX)
		return "The request path is longer than 1024 bytes.";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
			return "The request path holds a control character.";
	for (const char *seg = path + 1;; ) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 0)
			return "The request path has an empty segment.";
		if ((len == 1 && seg[0] == '.') || (len == 2 && !strncmp(seg, "..", 2)))
			return "The request path may not hold \".\" or \"..\" segments.";
		if (!end)
			return NULL;
		seg = end + 1;
	}
}

int forward_target(const struct rpc_request *req, struct rpc_response *resp,
		   char *out, size_t cap)
{
	const char *problem = path_problem(req->path);
	if (problem) {
		rpc_bad_request(resp, "%s", problem);
		return 0;
	}
	size_t used = 0;
	int rc = append_encoded(out, cap, &used, req->path, 1);
	/* The server keeps the parsed query in an evkeyvalq (rpc.h); walk it
	 * to pass every parameter on, in order. */
	const struct evkeyvalq *q = req->query_;
	const struct evkeyval *kv;
	int first = 1;
	if (q) {
		TAILQ_FOREACH(kv, q, next) {
			if (!rc)
				rc = append(out, cap, &used, first ? "?" : "&");
			if (!rc)
				rc = append_encoded(out, cap, &used, kv->key, 0);
			if (!rc)
				rc = append(out, cap, &used, "=");
			if (!rc)
				rc = append_encoded(out, cap, &used, kv->value, 0);
			first = 0;
		}
	}
	if (rc) {
		rpc_bad_request(resp, "The request path and query are longer than %d bytes.",
				FRONTEND_TARGET_MAX);
		return 0;
	}
	return 1;
}

void forward_reply(struct rpc_response *resp, const struct rpc_result *r)
{
	if (r->json)
		rpc_reply_json(resp, r->status, json_incref(r->json));
	else
		rpc_reply_raw(resp, r->status,
			      r->content_type ? r->content_type : "application/octet-stream",
			      r->raw ? r->raw : (const unsigned char *)"", r->raw_len);
}

/* One client per handler thread (a client is not thread-safe, and the
 * identity headers are set on it for each call); all are kept so they can
 * be freed at exit. */
static _Thread_local struct rpc_client *thread_client;

static struct rpc_client *management_client(struct frontend *f)
{
	if (thread_client)
		return thread_client;
	char err[256];
	pthread_mutex_lock(&f->clients_lock);
	int room = f->n_clients < FRONTEND_MAX_CLIENTS;
	pthread_mutex_unlock(&f->clients_lock);
	if (!room) {
		log_error("more than %d threads forward to management", FRONTEND_MAX_CLIENTS);
		return NULL;
	}
	struct rpc_client *c = rpc_client_for_peer(&f->peer_cfg, "management", err, sizeof(err));
	if (!c) {
		log_error("management client: %s", err);
		return NULL;
	}
	pthread_mutex_lock(&f->clients_lock);
	if (f->n_clients < FRONTEND_MAX_CLIENTS) {
		f->clients[f->n_clients++] = c;
		thread_client = c;
	}
	pthread_mutex_unlock(&f->clients_lock);
	if (!thread_client)
		rpc_client_free(c);
	return thread_client;
}

void forward_clients_free(struct frontend *f)
{
	for (size_t i = 0; i < f->n_clients; i++)
		rpc_client_free(f->clients[i]);
	f->n_clients = 0;
	thread_client = NULL;
}

void forward_to_management(struct frontend *f, const struct rpc_request *req,
			   struct rpc_response *resp, const struct identity *who)
{
	char target[FRONTEND_TARGET_MAX];
	if (!forward_target(req, resp, target, sizeof(target)))
		return;
	if (!f->has_management) {
		rpc_unavailable(resp, "The management service is not part of this platform.");
		return;
	}
	struct rpc_client *c = management_client(f);
	if (!c || rpc_client_set_header(c, "X-Kettle-User", who->id) ||
	    rpc_client_set_header(c, "X-Kettle-Role", who->role) ||
	    rpc_client_set_header(c, "X-Kettle-Attribute", who->attribute)) {
		rpc_unavailable(resp, "The frontend cannot reach the management service right now.");
		return;
	}
	struct rpc_result r;
	const char *type = req->content_type ? req->content_type : "application/json";
	int rc = rpc_client_call_raw(c, req->method, target, type,
				     req->raw_len ? req->raw : NULL, req->raw_len,
				     NULL, &r);
	if (rc) {
		log_warn("forwarding to management failed: %s", rpc_client_error(c));
		rpc_unavailable(resp, "The management service is unavailable or did not answer in time; retry later.");
		return;
	}
	forward_reply(resp, &r);
	rpc_result_clear(&r);
}
