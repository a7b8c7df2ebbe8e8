/* Pieces shared by the server's source files; not for services. */
#ifndef KETTLE_SERVICES_COMMON_RPC_INTERNAL_H
#define KETTLE_SERVICES_COMMON_RPC_INTERNAL_H

#include <event2/event.h>
#include <event2/http.h>
#include <openssl/ssl.h>

#include "services/common/rpc.h"

struct rpc_response {
	int status; /* 0 until a handler sets it */
	json_t *json;
	unsigned char *raw;
	size_t raw_len;
	char *content_type;
	json_t *headers; /* object: name -> value */
};

void rpc_response_clear(struct rpc_response *resp);

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

/* evhttp's callback for every request on a listener (arg: the listener). */
void rpc_handle_request(struct evhttp_request *ereq, void *arg);
/* End the loop once stopping and every queued reply is written. */
void rpc_server_maybe_finish(struct rpc_server *srv);

#endif
