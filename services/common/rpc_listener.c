/* SPDX-License-Identifier: Apache-2.0 */
/* A listener's books: the connections it holds and how many come from each
 * peer address. Kept apart from rpc_server.c (which admits connections)
 * and rpc_conn.c (which closes them) so that both can use them and neither
 * calls the other back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/common/rpc_internal.h"

struct peer_count *rpc_listener_peer_get(struct listener *lis, const char *addr)
{
	struct peer_count *p;
	LIST_FOREACH(p, &lis->peers, link)
		if (strcmp(p->addr, addr) == 0)
			return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	LIST_INSERT_HEAD(&lis->peers, p, link);
	return p;
}

void rpc_listener_peer_put(struct peer_count *p)
{
	if (p && --p->n == 0) {
		LIST_REMOVE(p, link);
		free(p);
	}
}

void rpc_listener_forget(struct listener *lis, struct conn *c)
{
	TAILQ_REMOVE(&lis->conns, c, link);
	lis->connections--;
	if (c->state == CONN_HANDSHAKE)
		lis->handshaking--;
	rpc_listener_peer_put(c->peer);
	c->peer = NULL;
}
