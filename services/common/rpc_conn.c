/* SPDX-License-Identifier: Apache-2.0 */
/* One connection on the event loop: TLS over bufferevent_openssl, one
 * deadline timer whose meaning follows the state (rpc_internal.h), the
 * parser fed from the input buffer, the hand-off to a worker, the reply
 * written back, and a lingering close after an error so that the client
 * reads the reply instead of a reset. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>

#include "services/common/rpc_internal.h"
#include "services/common/rpc_parse.h"
#include "services/common/rpc_route.h"
#include "services/common/tls.h"

/* How long a connection drains after an error reply at most. */
#define LINGER_MAX_MS 5000u

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void arm_at(struct conn *c, uint64_t deadline)
{
	uint64_t now = now_ms();
	uint64_t left = deadline > now ? deadline - now : 0;
	struct timeval tv = { (time_t)(left / 1000), (suseconds_t)(left % 1000) * 1000 };
	evtimer_add(c->timer, &tv);
}

/* Enter a state; its deadline runs from now (absolute: not moved by bytes). */
static void enter(struct conn *c, enum conn_state st, unsigned ms)
{
	c->state = st;
	c->since_ms = now_ms();
	if (ms)
		arm_at(c, c->since_ms + ms);
	else
		evtimer_del(c->timer);
}

static const struct kettle_config *cfg_of(struct conn *c)
{
	return c->lis->srv->cfg;
}

static void release_busy(struct conn *c, struct rpc_exchange *ex)
{
	if (ex && ex->counted) {
		struct rpc_server *srv = c->lis->srv;
		ex->counted = 0;
		srv->busy--;
		rpc_server_maybe_finish(srv);
	}
}

void rpc_conn_close(struct conn *c)
{
	rpc_listener_forget(c->lis, c);
	if (c->bev) {
		bufferevent_free(c->bev); /* closes the socket, frees the SSL */
		c->bev = NULL;
	}
	if (c->timer) {
		event_free(c->timer);
		c->timer = NULL;
	}
	if (c->state == CONN_BUSY) {
		/* A worker still holds the exchange: it frees both. */
		c->gone = 1;
		return;
	}
	release_busy(c, c->ex);
	rpc_exchange_free(c->ex);
	free(c);
}

static void start_write(struct conn *c, struct rpc_exchange *ex)
{
	c->ex = ex;
	if (bufferevent_write(c->bev, ex->out, ex->out_len) != 0) {
		rpc_conn_close(c);
		return;
	}
	free(ex->out);
	ex->out = NULL;
	/* After an error the rest of the request is drained, not parsed. */
	if (ex->close_after)
		bufferevent_enable(c->bev, EV_READ);
	else
		bufferevent_disable(c->bev, EV_READ);
	enter(c, CONN_WRITING, cfg_of(c)->timeout_ms);
}

/* Answer on the loop thread (errors found while reading, /healthz). */
static void reply_here(struct conn *c, struct rpc_exchange *ex)
{
	struct rpc_server *srv = c->lis->srv;
	if (rpc_exchange_serialise(ex, srv->stopping) != 0) {
		rpc_exchange_free(ex);
		c->ex = NULL;
		rpc_conn_close(c);
		return;
	}
	rpc_exchange_log(ex);
	start_write(c, ex);
}

static void reply_error(struct conn *c, int status, const char *msg)
{
	struct rpc_exchange *ex = c->ex;
	if (!ex && !(ex = c->ex = rpc_exchange_new(c))) {
		rpc_conn_close(c);
		return;
	}
	if (!ex->request_id[0])
		request_id_generate(ex->request_id);
	rpc_response_clear(&ex->resp);
	rpc_reply_error(&ex->resp, status, rpc_error_code_for_status(status), "%s", msg);
	if (status == 405) {
		/* An unknown method: what the server serves anywhere. */
		struct rpc_server *srv = c->lis->srv;
		if (!ex->allow[0])
			rpc_routes_allowed(srv->routes, srv->n_routes, NULL,
					   c->lis->is_public, ex->allow, sizeof(ex->allow));
		rpc_reply_header(&ex->resp, "Allow", ex->allow);
	}
	ex->close_after = 1;
	reply_here(c, ex);
}

static void message_done(struct conn *c)
{
	struct rpc_exchange *ex = c->ex;
	struct rpc_server *srv = c->lis->srv;
	if (ex->healthz) {
		/* Never a worker, never a dependency. */
		rpc_reply_json(&ex->resp, 200, json_pack("{s:s,s:s}", "status", "ok",
							 "service", srv->cfg->service));
		reply_here(c, ex);
		return;
	}
	bufferevent_disable(c->bev, EV_READ);
	enter(c, CONN_BUSY, 0);
	ex->counted = 1;
	srv->busy++;
	rpc_workers_submit(srv->workers, ex);
}

/* What the parser saw in its last run, as connection states: the header
 * deadline from the first byte of a request, then the body's rate. */
static void follow_parser(struct conn *c)
{
	if (c->phase >= PHASE_HEADERS && c->state == CONN_IDLE)
		enter(c, CONN_HEADERS, cfg_of(c)->header_ms);
	if (c->phase == PHASE_BODY && c->state == CONN_HEADERS) {
		enter(c, CONN_BODY, 0);
		/* Checked against min_body_rate when it fires. */
		arm_at(c, c->since_ms + cfg_of(c)->header_ms);
	}
}

static void process_input(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	while (c->state == CONN_IDLE || c->state == CONN_HEADERS ||
	       c->state == CONN_BODY) {
		struct evbuffer_iovec v;
		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0)
			return;
		size_t n = http_parser_execute(&c->parser, &rpc_parser_settings,
					       v.iov_base, v.iov_len);
		enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
		if (e == HPE_OK || e == HPE_PAUSED)
			follow_parser(c);
		if (e == HPE_PAUSED) {
			evbuffer_drain(in, n);
			http_parser_pause(&c->parser, 0);
			c->phase = PHASE_NONE;
			message_done(c);
			return;
		}
		if (e != HPE_OK) {
			int status;
			const char *msg;
			rpc_parse_failure(c->ex, e, v.iov_base, v.iov_len, &status, &msg);
			evbuffer_drain(in, evbuffer_get_length(in));
			reply_error(c, status, msg);
			return;
		}
		evbuffer_drain(in, n);
		if (n < v.iov_len) {
			/* Only an upgrade stops the parser without an error. */
			reply_error(c, 400, "Protocol upgrades are not supported.");
			return;
		}
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	if (c->state == CONN_LINGER ||
	    (c->state == CONN_WRITING && c->ex && c->ex->close_after)) {
		struct evbuffer *in = bufferevent_get_input(bev);
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	process_input(c);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	if (c->state != CONN_WRITING ||
	    evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return;
	struct rpc_exchange *ex = c->ex;
	int linger = ex->close_after;
	int close_now = !ex->keep_alive || c->lis->srv->stopping;
	release_busy(c, ex);
	rpc_exchange_free(ex);
	c->ex = NULL;
	if (linger) {
		unsigned ms = cfg_of(c)->timeout_ms;
		enter(c, CONN_LINGER, ms < LINGER_MAX_MS ? ms : LINGER_MAX_MS);
		return;
	}
	if (close_now) {
		rpc_conn_close(c);
		return;
	}
	http_parser_init(&c->parser, HTTP_REQUEST);
	c->parser.data = c;
	enter(c, CONN_IDLE, cfg_of(c)->timeout_ms);
	bufferevent_enable(bev, EV_READ);
	process_input(c); /* a pipelined request may already be here */
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	if (what & BEV_EVENT_CONNECTED) {
		/* Handshake done (and, internally, the certificate verified). */
		c->lis->handshaking--;
		c->has_cn = tls_peer_cn(bufferevent_openssl_get_ssl(bev), c->peer_cn,
					sizeof(c->peer_cn)) == 0;
		enter(c, CONN_IDLE, cfg_of(c)->timeout_ms);
		if (c->lis->srv->stopping) {
			rpc_conn_close(c);
			return;
		}
		process_input(c);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		rpc_conn_close(c);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	struct conn *c = arg;
	const struct kettle_config *cfg = cfg_of(c);
	switch (c->state) {
	case CONN_HEADERS:
		reply_error(c, 408, "The request headers did not arrive in time.");
		return;
	case CONN_BODY: {
		/* A minimum rate, not a fixed time: large bodies get longer. */
		uint64_t allowed = c->since_ms + cfg->header_ms +
				   c->received * 1000u / cfg->min_body_rate;
		if (now_ms() < allowed) {
			arm_at(c, allowed);
			return;
		}
		reply_error(c, 408, "The request body arrived too slowly.");
		return;
	}
	default: /* handshake, idle, writing, lingering: nothing more to say */
		rpc_conn_close(c);
		return;
	}
}

struct conn *rpc_conn_new(struct listener *lis, evutil_socket_t fd,
			  const char *addr)
{
	(void)addr;
	struct event_base *base = lis->srv->base;
	struct conn *c = calloc(1, sizeof(*c));
	SSL *ssl = c ? SSL_new(lis->ctx) : NULL;
	if (!ssl)
		goto fail;
	c->lis = lis;
	c->timer = evtimer_new(base, on_deadline, c);
	if (!c->timer)
		goto fail;
	c->bev = bufferevent_openssl_socket_new(base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
						BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!c->bev)
		goto fail;
	ssl = NULL; /* owned by the bufferevent */
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	http_parser_init(&c->parser, HTTP_REQUEST);
	c->parser.data = c;
	enter(c, CONN_HANDSHAKE, lis->srv->cfg->handshake_ms);
	return c;
fail:
	SSL_free(ssl);
	if (c && c->timer)
		event_free(c->timer);
	free(c);
	return NULL;
}

int rpc_conn_evictable(const struct conn *c, int handshaking_only)
{
	if (handshaking_only)
		return c->state == CONN_HANDSHAKE;
	return c->state == CONN_HANDSHAKE || c->state == CONN_IDLE ||
	       c->state == CONN_HEADERS || c->state == CONN_LINGER;
}

void rpc_conn_reply_ready(struct rpc_exchange *ex)
{
	struct conn *c = ex->conn;
	if (c->gone) {
		/* The client left while its handler ran. */
		release_busy(c, ex);
		rpc_exchange_free(ex);
		free(c);
		return;
	}
	c->ex = ex;
	c->state = CONN_WRITING;
	if (!ex->out) {
		rpc_conn_close(c);
		return;
	}
	start_write(c, ex);
}
