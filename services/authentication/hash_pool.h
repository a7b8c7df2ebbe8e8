/* SPDX-License-Identifier: Apache-2.0 */
/* Argon2id off the request path (issue 7, F3): a few hashing threads behind
 * a bounded queue. A request thread hands its hash or verify over and waits
 * for it; when the queue already holds queue_max jobs the call fails at
 * once with -EBUSY, which the service answers 503 unavailable with
 * Retry-After, so a login storm costs a bounded amount of CPU and memory
 * (threads x 19 MiB) and never starves the calls that do not hash. */
#ifndef KETTLE_AUTHN_HASH_POOL_H
#define KETTLE_AUTHN_HASH_POOL_H

#include <stddef.h>

#include "services/authentication/password.h"

#define HASH_POOL_THREADS_DEFAULT 2
#define HASH_POOL_QUEUE_DEFAULT 16

struct hash_pool;

/* threads 0 and queue_max 0 mean the defaults. */
int hash_pool_new(struct hash_pool **out, unsigned threads, unsigned queue_max);
/* Finishes the queued jobs, then joins the threads. */
void hash_pool_free(struct hash_pool *p);

/* As password_verify() / password_hash(), run on a pool thread; -EBUSY
 * when the queue is full. pw and encoded stay owned by the caller. */
int hash_pool_verify(struct hash_pool *p, const char *encoded, const char *pw,
		     size_t pw_len);
int hash_pool_hash(struct hash_pool *p, const struct password_cost *cost,
		   const char *pw, size_t pw_len,
		   char encoded[PASSWORD_HASH_MAX]);

/* Jobs waiting right now, and (running, may be NULL) jobs being hashed. */
size_t hash_pool_queued(struct hash_pool *p, size_t *running);

#endif
