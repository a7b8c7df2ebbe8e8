/* SPDX-License-Identifier: Apache-2.0 */
/* The kettle-authentication RPC surface (API.md "Users"):
 *
 * public listener (and internal, for the frontend):
 *   POST   /v1/login                      {id, password} -> {token, expires_at}
 *   POST   /v1/users                      {id, password, role, attribute} -> {id}
 *   GET    /v1/users                      -> {users: [{id, role, attribute}]}
 *   PUT    /v1/users/{id}                 {password?, role?, attribute?} -> {}
 *   DELETE /v1/users/{id}                 -> {}
 *   POST   /v1/users/{id}/reset-password  -> {password}
 *   POST   /v1/users/me/password          {old_password, password} -> {}
 * internal listener only (frontend, and the platform's client certificate):
 *   POST   /internal/validate             {token} -> {id, role, attribute}
 */
#ifndef KETTLE_AUTHN_API_H
#define KETTLE_AUTHN_API_H

#include <stddef.h>

#include "services/authentication/authn.h"
#include "services/common/rpc.h"

/* Set by a trusted internal caller (the frontend) to the address of the
 * client a login comes from, for throttling. */
#define AUTHN_CLIENT_ADDRESS_HEADER "X-Kettle-Client-Address"

extern const struct rpc_route authn_routes[];
extern const size_t authn_routes_count;

#endif
