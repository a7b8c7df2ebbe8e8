/* SPDX-License-Identifier: Apache-2.0 */
/* The walls inside storage: which calling service (its certificate CN) may
 * touch which key prefixes, queues and the blob store. One table
 * (storage_acl.c) declares it; every handler asks it before touching the
 * store, and a caller outside its grant gets 403 permission_denied. */
#ifndef KETTLE_STORAGE_ACL_H
#define KETTLE_STORAGE_ACL_H

#include <stdbool.h>
#include <stddef.h>

struct storage_grant {
	const char *service;       /* certificate CN */
	const char *const *keys;   /* key prefixes, NULL-terminated */
	const char *const *queues; /* queue name prefixes, NULL-terminated */
	bool blobs;                /* PUT /blobs and GET /blobs/{digest} */
};

extern const struct storage_grant storage_grants[];
extern const size_t storage_grants_count;

/* The grant of the caller named cn, or NULL (no access at all). */
const struct storage_grant *storage_grant_for(const char *cn);

/* A key (get, put, cas, delete) inside one of the grant's prefixes. */
bool storage_may_key(const struct storage_grant *g, const char *key,
		     size_t len);
/* A scan prefix: every key it can return must be inside a granted prefix,
 * so the scan prefix itself must start with one. */
bool storage_may_scan(const struct storage_grant *g, const char *prefix,
		      size_t len);
/* A queue name (enqueue, dequeue, ack through the item's queue). */
bool storage_may_queue(const struct storage_grant *g, const char *name,
		       size_t len);

#endif
