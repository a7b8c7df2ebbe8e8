/* Pieces shared by the server's source files; not for services. */
#ifndef KETTLE_SERVICES_COMMON_RPC_INTERNAL_H
#define KETTLE_SERVICES_COMMON_RPC_INTERNAL_H

#include "rpc.h"

struct rpc_response {
	int status; /* 0 until a handler sets it */
	json_t *json;
	unsigned char *raw;
	size_t raw_len;
	char *content_type;
	json_t *headers; /* object: name -> value */
};

void rpc_response_clear(struct rpc_response *resp);

#endif
