/* SPDX-License-Identifier: Apache-2.0 */
/* Pieces shared by the server's source files; not for services.
 *
 *   rpc_server.c   listeners, admission (limits per listener, per peer,
 *                  handshakes), signals, shutdown
 *   rpc_conn.c     one connection on the event loop: TLS, deadlines,
 *                  http-parser, replies, lingering close
 *   rpc_workers.c  the handler threads and the hand-back to the loop
 *   rpc_dispatch.c one request on a worker: allowlist, body, handler, reply
 */
#ifndef KETTLE_SERVICES_COMMON_RPC_INTERNAL_H
#define KETTLE_SERVICES_COMMON_RPC_INTERNAL_H

#include <stdint.h>
#include <sys/queue.h>

#include <event2/event.h>
#include <event2/keyvalq_struct.h>
#include <http_parser.h>
#include <openssl/ssl.h>

#include "lib/log.h"
#include "services/common/rpc.h"

/* Request line and headers together. */
#define RPC_MAX_HEADER_BYTES 16384u

struct rpc_response {
	int status; /* 0 until a handler sets it */
	json_t *json;
	unsigned char *raw;
	size_t raw_len;
	char *content_type;
	json_t *headers; /* object: name -> value */
};

void rpc_response_clear(struct rpc_response *resp);

struct conn;
struct rpc_workers;

/* One request, from its first byte to its reply. Read on the loop thread,
 * handled on a worker, written on the loop thread: only one thread owns it
 * at a time (the hand-offs go through the workers' locked queues). */
struct rpc_exchange {
	STAILQ_ENTRY(rpc_exchange) next;
	struct conn *conn;
	struct rpc_request req;
	struct rpc_response resp;
	const struct rpc_route *route;
	char method[16];
	char *target;             /* request-target as sent */
	size_t target_len;
	char *path;               /* decoded */
	struct evkeyvalq headers, query;
	char *field, *value;      /* the header being read */
	size_t field_len, value_len;
	size_t header_bytes;
	unsigned content_lengths; /* Content-Length headers seen */
	unsigned char *body;
	size_t body_len, body_cap, body_limit;
	char request_id[REQUEST_ID_MAX + 1];
	/* A copy: the connection (and its peer count) may go while a worker
	 * still handles the request. */
	char peer_addr[46];
	char *out;                /* serialised reply */
	size_t out_len;
	int keep_alive;
	int close_after;          /* Connection: close, then a lingering close */
	int head;
	int healthz;              /* answered on the loop thread */
	int counted;              /* in srv->busy */
	int fail_status;          /* decided while reading; 0 = none */
	char fail_msg[200];
	char allow[128];          /* Allow header of a 405 */
	struct timespec t0;
};

void rpc_exchange_free(struct rpc_exchange *ex);
/* Serialise ex->resp into ex->out (status line, headers, body). */
int rpc_exchange_serialise(struct rpc_exchange *ex, int stopping);
/* The access log line for a finished exchange. */
void rpc_exchange_log(struct rpc_exchange *ex);
/* Worker side: allowlist, body, handler, reply. */
void rpc_dispatch(struct rpc_server *srv, struct rpc_exchange *ex);

enum conn_state {
	CONN_HANDSHAKE, /* TLS handshake, absolute deadline handshake_ms */
	CONN_IDLE,      /* waiting for a request, timeout_ms */
	CONN_HEADERS,   /* reading headers, absolute deadline header_ms */
	CONN_BODY,      /* reading the body at min_body_rate */
	CONN_BUSY,      /* its request is on a worker */
	CONN_WRITING,   /* its reply is being written, timeout_ms */
	CONN_LINGER,    /* reply sent, draining what the client still sends */
};

struct peer_count;

struct conn {
	TAILQ_ENTRY(conn) link;
	struct listener *lis;
	struct bufferevent *bev;
	struct event *timer;
	struct peer_count *peer;
	enum conn_state state;
	uint64_t since_ms;       /* when the state began (monotonic) */
	uint64_t received;       /* body bytes in CONN_BODY */
	http_parser parser;
	struct rpc_exchange *ex; /* being read, handled or written */
	char peer_cn[128];
	int has_cn;
	enum { PHASE_NONE, PHASE_HEADERS, PHASE_BODY } phase; /* set by the parser */
	int gone;                /* closed while its exchange was on a worker */
};

struct peer_count {
	LIST_ENTRY(peer_count) link;
	char addr[46];
	unsigned n;
};

struct listener {
	struct rpc_server *srv;
	struct evconnlistener *evl;
	SSL_CTX *ctx;
	int is_public;
	int port;
	unsigned connections, handshaking;
	TAILQ_HEAD(, conn) conns; /* oldest first */
	LIST_HEAD(, peer_count) peers;
};

struct rpc_server {
	const struct kettle_config *cfg;
	void *ctx;
	struct event_base *base;
	struct listener lis[2]; /* [0] internal, [1] public */
	struct rpc_route *routes;
	size_t n_routes;
	struct event *sig_term, *sig_int, *drain_timer, *resume_timer;
	struct rpc_workers *workers;
	unsigned busy;          /* exchanges in a worker or being written */
	int stopping;
};

/* End the loop once stopping and nothing is busy. */
static inline void rpc_server_maybe_finish(struct rpc_server *srv)
{
	if (srv->stopping && srv->busy == 0)
		event_base_loopexit(srv->base, NULL);
}

/* rpc_listener.c: a listener's connections and its counts per peer. */
struct peer_count *rpc_listener_peer_get(struct listener *lis, const char *addr);
void rpc_listener_peer_put(struct peer_count *p);
/* Takes a closing connection off its listener's books. */
void rpc_listener_forget(struct listener *lis, struct conn *c);
/* Close connections that are waiting for a request (shutdown). */
void rpc_conns_close_idle(struct listener *lis);

/* rpc_conn.c */
struct conn *rpc_conn_new(struct listener *lis, evutil_socket_t fd,
			  const char *addr);
/* Whether c is waiting for a handshake, a request or its headers: what
 * admission may evict to make room. */
int rpc_conn_evictable(const struct conn *c, int handshaking_only);
void rpc_conn_close(struct conn *c);
/* Loop side: a worker finished ex (its reply is in ex->out). */
void rpc_conn_reply_ready(struct rpc_exchange *ex);

/* rpc_workers.c */
/* finished gets each exchange back on the loop thread (the server passes
 * rpc_conn_reply_ready: the pool itself knows nothing of connections). */
struct rpc_workers *rpc_workers_new(struct rpc_server *srv, unsigned n,
				    void (*finished)(struct rpc_exchange *ex));
int rpc_workers_start(struct rpc_workers *w);
void rpc_workers_submit(struct rpc_workers *w, struct rpc_exchange *ex);
void rpc_workers_free(struct rpc_workers *w);

#endif
