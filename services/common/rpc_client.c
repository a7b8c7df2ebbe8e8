/* SPDX-License-Identifier: Apache-2.0 */
/* Blocking HTTPS client on a private libevent loop; see rpc_client.h. */
#include "services/common/rpc_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "services/common/config.h"
#include "lib/log.h"
#include "services/common/rpc_body.h"
#include "services/common/tls.h"

struct rpc_client {
	pthread_mutex_t lock; /* one call at a time */
	struct event_base *base;
	SSL_CTX *ctx;
	struct evhttp_connection *conn;
	char host[64];
	int port;
	char *prefix; /* path of the base URL without trailing '/' */
	char *expect_cn;
	unsigned timeout_ms;
	size_t max_response;
	unsigned connections;
	struct timespec deadline; /* of the call under way (CLOCK_REALTIME) */
	json_t *headers;
	char err[256];
};

struct call_state {
	struct rpc_client *c;
	struct rpc_result *out;
	int done;
	int rc;
	enum evhttp_request_error error;
	int error_set;
};

static _Thread_local int thread_failed;

int rpc_client_thread_failed(void)
{
	return thread_failed;
}

void rpc_client_thread_reset(void)
{
	thread_failed = 0;
}

void rpc_client_thread_fail(void)
{
	thread_failed = 1;
}

static int expect_cn_index = -1;
static pthread_once_t expect_cn_once = PTHREAD_ONCE_INIT;

/* Clients may be created on several threads (one per thread). */
static void make_expect_cn_index(void)
{
	expect_cn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static void set_err(struct rpc_client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_err(struct rpc_client *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

/* Checks the leaf certificate's CN during the handshake, so a request is
 * never sent to the wrong service. */
static int verify_cn(int ok, X509_STORE_CTX *store)
{
	if (!ok || X509_STORE_CTX_get_error_depth(store) != 0)
		return ok;
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
					      SSL_get_ex_data_X509_STORE_CTX_idx());
	const char *want = ssl ? SSL_get_ex_data(ssl, expect_cn_index) : NULL;
	if (!want)
		return ok;
	char cn[128];
	if (tls_cert_cn(X509_STORE_CTX_get_current_cert(store), cn, sizeof(cn)) ||
	    strcmp(cn, want) != 0) {
		X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
		return 0;
	}
	return ok;
}

static int parse_url(struct rpc_client *c, const char *url)
{
	struct evhttp_uri *u = evhttp_uri_parse(url);
	if (!u) {
		set_err(c, "cannot parse the URL %s", url);
		return -EINVAL;
	}
	int rc = -EINVAL;
	const char *scheme = evhttp_uri_get_scheme(u);
	const char *host = evhttp_uri_get_host(u);
	const char *path = evhttp_uri_get_path(u);
	if (!scheme || strcasecmp(scheme, "https") != 0 || !host) {
		set_err(c, "the URL %s must be https://HOST:PORT", url);
		goto out;
	}
	/* Resolving names needs files a jailed process no longer has. */
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	unsigned char addr[16];
	if (inet_pton(AF_INET, host, addr) != 1 && inet_pton(AF_INET6, host, addr) != 1) {
		set_err(c, "the URL %s must name an IP address or localhost", url);
		goto out;
	}
	snprintf(c->host, sizeof(c->host), "%s", host);
	c->port = evhttp_uri_get_port(u) > 0 ? evhttp_uri_get_port(u) : 443;
	size_t n = path ? strlen(path) : 0;
	while (n && path[n - 1] == '/')
		n--;
	c->prefix = strndup(path ? path : "", n);
	rc = c->prefix ? 0 : -ENOMEM;
out:
	evhttp_uri_free(u);
	return rc;
}

struct rpc_client *rpc_client_new(const struct rpc_client_opts *opts, char *err,
				  size_t errlen)
{
	struct rpc_client *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* Writing to a connection the server closed must be an error, not a
	 * fatal signal; only the default disposition is changed. */
	struct sigaction old;
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	pthread_once(&expect_cn_once, make_expect_cn_index);
	pthread_mutex_init(&c->lock, NULL);
	c->timeout_ms = opts->timeout_ms ? opts->timeout_ms : 10000;
	c->max_response = opts->max_response ? opts->max_response : 16u << 20;
	c->headers = json_object();
	c->base = event_base_new();
	if (!opts->url || !opts->ca) {
		set_err(c, "a client needs a URL and a CA file");
		goto fail;
	}
	if (!c->headers || !c->base || expect_cn_index < 0) {
		set_err(c, "cannot create the client's event loop");
		goto fail;
	}
	if (parse_url(c, opts->url))
		goto fail;
	if (opts->expect_cn && !(c->expect_cn = strdup(opts->expect_cn)))
		goto fail;
	c->ctx = tls_client_ctx(opts->cert, opts->key, opts->ca, c->err, sizeof(c->err));
	if (!c->ctx)
		goto fail;
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, verify_cn);
	return c;
fail:
	snprintf(err, errlen, "%s", c->err[0] ? c->err : "out of memory");
	rpc_client_free(c);
	return NULL;
}

struct rpc_client *rpc_client_for_peer(const struct kettle_config *cfg,
				       const char *peer, char *err,
				       size_t errlen)
{
	const char *url = config_peer(cfg, peer);
	if (!url) {
		snprintf(err, errlen, "the configuration names no URL for peer \"%s\" (peers.%s)",
			 peer, peer);
		return NULL;
	}
	struct rpc_client_opts opts = {
		.url = url, .ca = cfg->ca, .cert = cfg->cert, .key = cfg->key,
		.expect_cn = peer, .timeout_ms = cfg->call_timeout_ms,
	};
	return rpc_client_new(&opts, err, errlen);
}

/* A kept-alive connection the server has closed (or sent stray bytes on)
 * cannot be reused: evhttp would reconnect with the spent TLS session. */
static int connection_stale(struct rpc_client *c)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(c->conn);
	int fd = bev ? bufferevent_getfd(bev) : -1;
	if (fd < 0)
		return 1;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) != 0;
}

static void drop_connection(struct rpc_client *c)
{
	if (c->conn) {
		evhttp_connection_free(c->conn);
		c->conn = NULL;
	}
}

static int ensure_connection(struct rpc_client *c)
{
	if (c->conn && !connection_stale(c))
		return 0;
	drop_connection(c);
	SSL *ssl = SSL_new(c->ctx);
	if (!ssl)
		return -ENOMEM;
	X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), c->host);
	SSL_set_ex_data(ssl, expect_cn_index, c->expect_cn);
	struct bufferevent *bev = bufferevent_openssl_socket_new(
		c->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
		BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!bev) {
		SSL_free(ssl);
		return -ENOMEM;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	c->conn = evhttp_connection_base_bufferevent_new(c->base, NULL, bev,
							c->host, (unsigned short)c->port);
	if (!c->conn) {
		bufferevent_free(bev);
		return -ENOMEM;
	}
	evhttp_connection_set_retries(c->conn, 0);
	/* A server refusing a body (413) closes while we still write: read
	 * its answer instead of failing on the write error. */
	evhttp_connection_set_flags(c->conn, EVHTTP_CON_READ_ON_WRITE_ERROR);
	struct timeval tv = { c->timeout_ms / 1000, (c->timeout_ms % 1000) * 1000 };
	evhttp_connection_set_timeout_tv(c->conn, &tv);
	evhttp_connection_set_max_body_size(c->conn, (ev_ssize_t)c->max_response);
	c->connections++;
	return 0;
}

static void on_error(enum evhttp_request_error error, void *arg)
{
	struct call_state *st = arg;
	st->error = error;
	st->error_set = 1;
}

static int copy_response(struct call_state *st, struct evhttp_request *req)
{
	struct rpc_result *out = st->out;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	out->raw = malloc(len + 1);
	if (!out->raw)
		return -ENOMEM;
	evbuffer_remove(in, out->raw, len);
	out->raw[len] = '\0';
	out->raw_len = len;
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req),
					    "Content-Type");
	if (ct && !(out->content_type = strdup(ct)))
		return -ENOMEM;
	if (len && ct && strncasecmp(ct, "application/json", 16) == 0) {
		char err[160];
		if (rpc_body_parse(out->raw, len, 256, &out->json, err, sizeof(err)))
			set_err(st->c, "the response is not valid JSON: %s", err);
	}
	return 0;
}

static void on_done(struct evhttp_request *req, void *arg)
{
	struct call_state *st = arg;
	st->done = 1;
	event_base_loopbreak(st->c->base);
	if (!req || evhttp_request_get_response_code(req) == 0) {
		st->rc = st->error_set && st->error == EVREQ_HTTP_TIMEOUT ? -ETIMEDOUT
									  : -EPROTO;
		return;
	}
	st->out->status = evhttp_request_get_response_code(req);
	st->rc = copy_response(st, req);
	const char *conn_hdr = evhttp_find_header(
		evhttp_request_get_input_headers(req), "Connection");
	if (conn_hdr && strcasecmp(conn_hdr, "close") == 0)
		st->rc = st->rc ? st->rc : 1; /* 1: drop the connection after */
}

static enum evhttp_cmd_type method_cmd(const char *m)
{
	if (!strcmp(m, "POST")) return EVHTTP_REQ_POST;
	if (!strcmp(m, "PUT")) return EVHTTP_REQ_PUT;
	if (!strcmp(m, "DELETE")) return EVHTTP_REQ_DELETE;
	if (!strcmp(m, "PATCH")) return EVHTTP_REQ_PATCH;
	if (!strcmp(m, "HEAD")) return EVHTTP_REQ_HEAD;
	return EVHTTP_REQ_GET;
}

/* Whole-call deadline: evhttp's own timeout restarts on every byte. */
static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	struct call_state *st = arg;
	st->done = 1;
	st->rc = -ETIMEDOUT;
	event_base_loopbreak(st->c->base);
}

static long ms_left(const struct rpc_client *c)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (c->deadline.tv_sec - now.tv_sec) * 1000L +
	       (c->deadline.tv_nsec - now.tv_nsec) / 1000000L;
}

static int call_once(struct rpc_client *c, const char *method, const char *path,
		     const char *content_type, const void *data, size_t len,
		     const char *bearer, struct rpc_result *out, int *reused)
{
	long left = ms_left(c);
	if (left <= 0)
		return -ETIMEDOUT;
	unsigned opened = c->connections;
	int rc = ensure_connection(c);
	if (rc)
		return rc;
	*reused = c->connections == opened; /* no new connection was needed */
	struct call_state st = { .c = c, .out = out };
	struct evhttp_request *req = evhttp_request_new(on_done, &st);
	if (!req)
		return -ENOMEM;
	evhttp_request_set_error_cb(req, on_error);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	char hostport[80];
	snprintf(hostport, sizeof(hostport), "%s:%d", c->host, c->port);
	evhttp_add_header(h, "Host", hostport);
	evhttp_add_header(h, "Accept", "application/json");
	if (data) {
		evhttp_add_header(h, "Content-Type", content_type);
		evbuffer_add(evhttp_request_get_output_buffer(req), data, len);
	}
	char auth[4096];
	if (bearer && snprintf(auth, sizeof(auth), "Bearer %s", bearer) < (int)sizeof(auth))
		evhttp_add_header(h, "Authorization", auth);
	const char *rid = request_id_current();
	if (rid && !json_object_get(c->headers, "X-Request-Id"))
		evhttp_add_header(h, "X-Request-Id", rid);
	const char *key;
	json_t *value;
	json_object_foreach(c->headers, key, value)
		evhttp_add_header(h, key, json_string_value(value));
	char *full = malloc(strlen(c->prefix) + strlen(path) + 1);
	if (!full) {
		evhttp_request_free(req);
		return -ENOMEM;
	}
	strcpy(full, c->prefix);
	strcat(full, path);
	/* On failure evhttp_make_request frees req itself. */
	if (evhttp_make_request(c->conn, req, method_cmd(method), full) != 0) {
		free(full);
		drop_connection(c);
		return -EPROTO;
	}
	free(full);
	/* evhttp writes headers and body as separate TLS records; without
	 * TCP_NODELAY the second waits for the peer's delayed ACK. */
	int fd = bufferevent_getfd(evhttp_connection_get_bufferevent(c->conn));
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* bufferevent_socket_connect() makes the socket inheritable; close it
	 * on exec before this thread returns (launchers fork services). */
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	struct event *timer = evtimer_new(c->base, on_deadline, &st);
	struct timeval tv = { left / 1000, (left % 1000) * 1000 };
	if (!timer || evtimer_add(timer, &tv) != 0) {
		if (timer)
			event_free(timer);
		drop_connection(c); /* frees the request without calling back */
		return -ENOMEM;
	}
	while (!st.done)
		if (event_base_dispatch(c->base) < 0)
			break;
	event_free(timer);
	if (!st.done || st.rc == -ETIMEDOUT) {
		drop_connection(c);
		return st.done ? -ETIMEDOUT : -EIO;
	}
	if (st.rc == 1) {
		drop_connection(c);
		st.rc = 0;
	} else if (st.rc < 0)
		drop_connection(c);
	return st.rc;
}

int rpc_client_call_raw(struct rpc_client *c, const char *method,
			const char *path, const char *content_type,
			const void *data, size_t len, const char *bearer,
			struct rpc_result *out)
{
	memset(out, 0, sizeof(*out));
	/* Waiting for another thread's call is part of this call's deadline. */
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += c->timeout_ms / 1000;
	until.tv_nsec += (long)(c->timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (pthread_mutex_timedlock(&c->lock, &until) != 0) {
		thread_failed = 1;
		return -ETIMEDOUT;
	}
	c->deadline = until;
	c->err[0] = '\0';
	int reused;
	int rc = call_once(c, method, path, content_type, data, len, bearer, out,
			   &reused);
	/* A kept-alive connection may close just as a request goes out; repeat
	 * once, but never a POST, which is not idempotent. */
	if (rc == -EPROTO && reused && strcmp(method, "POST") != 0) {
		rpc_result_clear(out);
		rc = call_once(c, method, path, content_type, data, len, bearer,
			       out, &reused);
	}
	if (rc) {
		if (!c->err[0])
			set_err(c, "%s https://%s:%d%s failed: %s", method, c->host,
				c->port, path, rc == -ETIMEDOUT ? "timed out"
				: rc == -EPROTO ? "connection or TLS failure"
				: strerror(-rc));
		rpc_result_clear(out);
	}
	if (rc || out->status == 503)
		thread_failed = 1;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int rpc_client_call(struct rpc_client *c, const char *method, const char *path,
		    json_t *body, const char *bearer, struct rpc_result *out)
{
	if (!body)
		return rpc_client_call_raw(c, method, path, NULL, NULL, 0, bearer, out);
	char *text = json_dumps(body, JSON_COMPACT);
	if (!text) {
		memset(out, 0, sizeof(*out));
		set_err(c, "cannot serialise the request body");
		return -EINVAL;
	}
	int rc = rpc_client_call_raw(c, method, path, "application/json", text,
				     strlen(text), bearer, out);
	free(text);
	return rc;
}

int rpc_client_set_header(struct rpc_client *c, const char *name,
			  const char *value)
{
	if (!value)
		return json_object_del(c->headers, name) == 0 ? 0 : -ENOENT;
	json_t *v = json_string(value);
	if (!v)
		return -EINVAL;
	return json_object_set_new(c->headers, name, v) == 0 ? 0 : -ENOMEM;
}

unsigned rpc_client_connections(const struct rpc_client *c)
{
	return c->connections;
}

const char *rpc_client_error(const struct rpc_client *c)
{
	return c->err;
}

void rpc_result_clear(struct rpc_result *r)
{
	json_decref(r->json);
	free(r->raw);
	free(r->content_type);
	memset(r, 0, sizeof(*r));
}

void rpc_client_free(struct rpc_client *c)
{
	if (!c)
		return;
	drop_connection(c);
	SSL_CTX_free(c->ctx);
	if (c->base)
		event_base_free(c->base);
	json_decref(c->headers);
	free(c->prefix);
	free(c->expect_cn);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
