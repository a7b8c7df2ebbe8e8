/* SPDX-License-Identifier: Apache-2.0 */
#include "services/frontend/token_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

struct entry {
	unsigned char digest[SHA256_DIGEST_LENGTH];
	uint64_t expires_ns; /* 0 = empty */
	struct identity who;
};

struct token_cache {
	pthread_mutex_t lock;
	uint64_t ttl_ns;
	size_t n;
	struct entry *slots;
};

struct token_cache *token_cache_new(unsigned ttl_ms, size_t slots)
{
	struct token_cache *tc = calloc(1, sizeof(*tc));
	if (!tc || !(tc->slots = calloc(slots ? slots : 1, sizeof(*tc->slots)))) {
		free(tc);
		return NULL;
	}
	pthread_mutex_init(&tc->lock, NULL);
	tc->ttl_ns = (uint64_t)(ttl_ms > 1000 ? 1000 : ttl_ms) * 1000000ull;
	tc->n = slots ? slots : 1;
	return tc;
}

void token_cache_free(struct token_cache *tc)
{
	if (!tc)
		return;
	OPENSSL_cleanse(tc->slots, tc->n * sizeof(*tc->slots));
	pthread_mutex_destroy(&tc->lock);
	free(tc->slots);
	free(tc);
}

static struct entry *slot(struct token_cache *tc, const char *token,
			  unsigned char digest[SHA256_DIGEST_LENGTH])
{
	SHA256((const unsigned char *)token, strlen(token), digest);
	uint64_t h;
	memcpy(&h, digest, sizeof(h));
	return &tc->slots[h % tc->n];
}

int token_cache_get(struct token_cache *tc, const char *token, uint64_t now_ns,
		    struct identity *who)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	if (!tc->ttl_ns)
		return 0;
	struct entry *e = slot(tc, token, digest);
	pthread_mutex_lock(&tc->lock);
	int hit = e->expires_ns > now_ns &&
		  CRYPTO_memcmp(e->digest, digest, sizeof(digest)) == 0;
	if (hit)
		*who = e->who;
	pthread_mutex_unlock(&tc->lock);
	return hit;
}

void token_cache_put(struct token_cache *tc, const char *token,
		     uint64_t asked_ns, const struct identity *who)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	if (!tc->ttl_ns)
		return;
	struct entry *e = slot(tc, token, digest);
	pthread_mutex_lock(&tc->lock);
	memcpy(e->digest, digest, sizeof(digest));
	e->expires_ns = asked_ns + tc->ttl_ns;
	e->who = *who;
	pthread_mutex_unlock(&tc->lock);
}
