/* The evhttp + bufferevent_openssl server behind rpc.h: listeners,
 * connection bound, signals and graceful shutdown. Requests: rpc_dispatch.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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

#include "lib/log.h"
#include "services/common/rpc_body.h"
#include "services/common/rpc_internal.h"
#include "services/common/rpc_route.h"
#include "services/common/tls.h"

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

void rpc_server_maybe_finish(struct rpc_server *srv)
{
	if (srv->stopping && srv->unsent == 0)
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
	rpc_server_maybe_finish(srv);
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
	evhttp_set_gencb(lis->http, rpc_handle_request, lis);
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
	/* A reply goes out as two TLS records (headers, body); Nagle would
	 * hold the second until the client's delayed ACK, ~40 ms. Accepted
	 * sockets inherit the option from the listener. */
	int one = 1;
	setsockopt(evhttp_bound_socket_get_fd(lis->bound), IPPROTO_TCP, TCP_NODELAY,
		   &one, sizeof(one));
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
