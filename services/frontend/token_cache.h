/* SPDX-License-Identifier: Apache-2.0 */
/* A short-lived cache of token validations (by the token's SHA-256; the
 * token itself is not kept). An entry lives ttl from the moment its
 * validation was *asked*, so a user deleted or a password changed at time
 * T is refused by every request that starts after T + ttl. ttl is at most
 * one second; 0 turns the cache off. Thread-safe, bounded (a slot per hash
 * prefix; a newer entry replaces an older one). */
#ifndef KETTLE_FRONTEND_TOKEN_CACHE_H
#define KETTLE_FRONTEND_TOKEN_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define IDENTITY_FIELD_MAX 256

struct identity {
	char id[IDENTITY_FIELD_MAX];
	char role[IDENTITY_FIELD_MAX];
	char attribute[IDENTITY_FIELD_MAX];
};

struct token_cache;

struct token_cache *token_cache_new(unsigned ttl_ms, size_t slots);
void token_cache_free(struct token_cache *tc);

/* 1 and *who filled when token has an entry still valid at now_ns. */
int token_cache_get(struct token_cache *tc, const char *token, uint64_t now_ns,
		    struct identity *who);
/* Remember that token named who, as asked at asked_ns. */
void token_cache_put(struct token_cache *tc, const char *token,
		     uint64_t asked_ns, const struct identity *who);

#endif
