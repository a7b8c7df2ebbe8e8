/* The authentication kv over kettle-storage's RPC (storage_api.h), with a
 * blocking keep-alive client from services/common. One per thread. */
#ifndef KETTLE_AUTHN_KV_REMOTE_H
#define KETTLE_AUTHN_KV_REMOTE_H

#include "services/authentication/kv.h"
#include "services/common/rpc_client.h"

/* The client is borrowed and must outlive kv. */
void authn_kv_remote(struct authn_kv *kv, struct rpc_client *client);

#endif
