/* SPDX-License-Identifier: Apache-2.0 */
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

/* The callbacks only record how far a request has come in c->phase
 * (PHASE_*); rpc_conn.c moves the connection's state and deadlines after
 * each run of the parser, so calls go one way: conn -> parse. */

#endif
