/* http-parser callbacks that build a struct rpc_exchange; see rpc_parse.c. */
#ifndef KETTLE_SERVICES_COMMON_RPC_PARSE_H
#define KETTLE_SERVICES_COMMON_RPC_PARSE_H

#include <http_parser.h>

#include "services/common/rpc_internal.h"

extern const http_parser_settings rpc_parser_settings;

struct rpc_exchange *rpc_exchange_new(struct conn *c);
/* Status and user-facing message for a request the parser stopped on
 * (data/len: the bytes it stopped in, to tell a method from noise). */
void rpc_parse_failure(struct rpc_exchange *ex, enum http_errno e,
		       const char *data, size_t len, int *status, const char **msg);

/* rpc_conn.c, called from the callbacks. */
void rpc_conn_request_started(struct conn *c);
void rpc_conn_body_started(struct conn *c);

#endif
