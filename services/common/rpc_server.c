/* SPDX-License-Identifier: Apache-2.0 */
/* The server behind rpc.h: listeners, admission of new connections (limits
 * per listener, per peer address and for handshakes under way), signals
 * and graceful shutdown. One connection: rpc_conn.c; one request:
 * rpc_parse.c (reading) and rpc_dispatch.c (handling). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "lib/log.h"
#include "services/common/rpc_internal.h"
#include "services/common/tls.h"

/* Make room by closing the oldest connection that has not yet sent a
 * request: a slow client loses its place to a new one, not the reverse. */
static int evict_one(struct listener *lis, int handshaking_only)
{
	struct conn *c;
	TAILQ_FOREACH(c, &lis->conns, link) {
		if (rpc_conn_evictable(c, handshaking_only)) {
			rpc_conn_close(c);
			return 0;
		}
	}
	return -EBUSY;
}

static void peer_address(const struct sockaddr *sa, char *out, size_t len)
{
	const void *a = NULL;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!a || !inet_ntop(sa->sa_family, a, out, (socklen_t)len))
		snprintf(out, len, "?");
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	(void)l; (void)salen;
	struct listener *lis = arg;
	const struct kettle_config *cfg = lis->srv->cfg;
	char addr[46];
	peer_address(sa, addr, sizeof(addr));
	struct peer_count *peer = lis->srv->stopping ? NULL : rpc_listener_peer_get(lis, addr);
	if (!peer || peer->n >= cfg->max_per_peer)
		goto refuse;
	peer->n++; /* held while evicting, so the entry stays */
	int room = 1;
	if (lis->handshaking >= cfg->max_handshakes)
		room = evict_one(lis, 1) == 0;
	if (room && lis->connections >= cfg->max_connections)
		room = evict_one(lis, 0) == 0;
	struct conn *c = room ? rpc_conn_new(lis, fd, addr) : NULL;
	if (!c) {
		rpc_listener_peer_put(peer); /* frees it if this was its only one */
		evutil_closesocket(fd);
		return;
	}
	c->peer = peer;
	TAILQ_INSERT_TAIL(&lis->conns, c, link);
	lis->connections++;
	lis->handshaking++;
	return;
refuse:
	if (peer && peer->n == 0) { /* created for this refused one */
		LIST_REMOVE(peer, link);
		free(peer);
	}
	evutil_closesocket(fd);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	struct rpc_server *srv = arg;
	for (int i = 0; i < 2; i++)
		if (srv->lis[i].evl && !srv->stopping)
			evconnlistener_enable(srv->lis[i].evl);
}

/* Out of descriptors: pause accepting briefly instead of spinning. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
	struct listener *lis = arg;
	int e = EVUTIL_SOCKET_ERROR();
	log_warn("accept failed on the %s listener: %s; pausing 100 ms",
		 lis->is_public ? "public" : "internal", strerror(e));
	evconnlistener_disable(l);
	struct timeval tv = { 0, 100000 };
	evtimer_add(lis->srv->resume_timer, &tv);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	log_info("signal %d: shutting down", (int)sig);
	rpc_server_stop(arg);
}

static void on_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	struct rpc_server *srv = arg;
	log_warn("shutdown: %u replies still unsent after the timeout", srv->busy);
	event_base_loopexit(srv->base, NULL);
}

void rpc_conns_close_idle(struct listener *lis)
{
	struct conn *c, *next;
	for (c = TAILQ_FIRST(&lis->conns); c; c = next) {
		next = TAILQ_NEXT(c, link);
		if (c->state == CONN_HANDSHAKE || c->state == CONN_IDLE ||
		    c->state == CONN_LINGER)
			rpc_conn_close(c);
	}
}

void rpc_server_stop(struct rpc_server *srv)
{
	if (srv->stopping)
		return;
	__atomic_store_n(&srv->stopping, 1, __ATOMIC_RELAXED);
	/* Stop accepting at once; requests under way finish and their
	 * connections close after the reply. */
	for (int i = 0; i < 2; i++) {
		struct listener *lis = &srv->lis[i];
		if (lis->evl) {
			evconnlistener_free(lis->evl);
			lis->evl = NULL;
		}
		rpc_conns_close_idle(lis);
	}
	struct timeval tv = { srv->cfg->timeout_ms / 1000,
			      (srv->cfg->timeout_ms % 1000) * 1000 };
	evtimer_add(srv->drain_timer, &tv);
	rpc_server_maybe_finish(srv);
}

struct rpc_server *rpc_server_new(const struct kettle_config *cfg, void *ctx)
{
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
	srv->resume_timer = evtimer_new(srv->base, on_resume, srv);
	if (!srv->sig_term || !srv->sig_int || !srv->drain_timer || !srv->resume_timer)
		goto fail;
	/* Created now (eventfd) so nothing but threads is needed later. */
	srv->workers = rpc_workers_new(srv, cfg->workers, rpc_conn_reply_ready);
	if (!srv->workers)
		goto fail;
	for (int i = 0; i < 2; i++) {
		struct listener *lis = &srv->lis[i];
		lis->srv = srv;
		lis->is_public = i;
		lis->port = -1;
		TAILQ_INIT(&lis->conns);
		LIST_INIT(&lis->peers);
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

static int bound_port(evutil_socket_t fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
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
	const char *kind = lis->is_public ? "public" : "internal";
	char err[256];
	lis->ctx = tls_server_ctx(cfg->cert, cfg->key, cfg->ca, !lis->is_public,
				  err, sizeof(err));
	if (!lis->ctx) {
		log_error("%s", err);
		return -EINVAL;
	}
	struct sockaddr_storage ss = { 0 };
	socklen_t sslen;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, where->address, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)where->port);
		sslen = sizeof(*v4);
	} else if (inet_pton(AF_INET6, where->address, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)where->port);
		sslen = sizeof(*v6);
	} else {
		log_error("cannot listen on %s (%s): not an IP address", where->address, kind);
		return -EINVAL;
	}
	/* CLOSE_ON_EXEC: the listener and every accepted socket. */
	lis->evl = evconnlistener_new_bind(srv->base, on_accept, lis,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE,
		511, (struct sockaddr *)&ss, (int)sslen);
	if (!lis->evl) {
		int e = errno ? errno : EADDRNOTAVAIL;
		log_error("cannot listen on %s:%d (%s): %s", where->address,
			  where->port, kind, strerror(e));
		return -e;
	}
	evconnlistener_set_error_cb(lis->evl, on_accept_error);
	evutil_socket_t fd = evconnlistener_get_fd(lis->evl);
	lis->port = bound_port(fd);
	/* Accepted sockets inherit it: a reply is never held back by Nagle
	 * waiting for the client's delayed ACK. */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
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
	int rc = rpc_workers_start(srv->workers);
	if (rc) {
		log_error("cannot start the worker threads: %s", strerror(-rc));
		return rc;
	}
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
	/* Workers first: after this no thread but ours touches a connection. */
	rpc_workers_free(srv->workers);
	for (int i = 0; i < 2; i++) {
		struct listener *lis = &srv->lis[i];
		if (lis->evl)
			evconnlistener_free(lis->evl);
		while (lis->srv && !TAILQ_EMPTY(&lis->conns))
			rpc_conn_close(TAILQ_FIRST(&lis->conns));
		SSL_CTX_free(lis->ctx);
	}
	if (srv->sig_term)
		event_free(srv->sig_term);
	if (srv->sig_int)
		event_free(srv->sig_int);
	if (srv->drain_timer)
		event_free(srv->drain_timer);
	if (srv->resume_timer)
		event_free(srv->resume_timer);
	if (srv->base)
		event_base_free(srv->base);
	free(srv->routes);
	free(srv);
}
