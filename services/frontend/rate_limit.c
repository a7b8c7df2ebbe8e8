/* SPDX-License-Identifier: Apache-2.0 */
#include "services/frontend/rate_limit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define USER_MAX 128 /* longer ids share the bucket of their first 128 bytes */
#define PROBES 8

struct bucket {
	char user[USER_MAX + 1]; /* "" = free slot */
	double tokens;
	uint64_t last_ns;
};

struct rate_limit {
	pthread_mutex_t lock;
	double per_second, burst;
	size_t n;
	struct bucket *slots;
};

struct rate_limit *rate_limit_new(double per_second, double burst, size_t users)
{
	struct rate_limit *rl = calloc(1, sizeof(*rl));
	if (!rl || !(rl->slots = calloc(users, sizeof(*rl->slots)))) {
		free(rl);
		return NULL;
	}
	pthread_mutex_init(&rl->lock, NULL);
	rl->per_second = per_second;
	rl->burst = burst;
	rl->n = users;
	return rl;
}

void rate_limit_free(struct rate_limit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->slots);
	free(rl);
}

/* FNV-1a: spreading ids over slots, not security. */
static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; s[i] && i < USER_MAX; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (size_t)h;
}

/* The user's slot, or a free one, or the stalest of its probe window. */
static struct bucket *find(struct rate_limit *rl, const char *user, int *fresh)
{
	size_t start = hash(user) % rl->n;
	struct bucket *victim = NULL;
	for (size_t i = 0; i < PROBES && i < rl->n; i++) {
		struct bucket *b = &rl->slots[(start + i) % rl->n];
		if (strncmp(b->user, user, USER_MAX) == 0 && b->user[0]) {
			*fresh = 0;
			return b;
		}
		if (!b->user[0]) {
			victim = b;
			break;
		}
		if (!victim || b->last_ns < victim->last_ns)
			victim = b;
	}
	*fresh = 1;
	return victim;
}

int rate_limit_take(struct rate_limit *rl, const char *user, uint64_t now_ns,
		    unsigned *retry_after_s)
{
	int fresh, ok;
	pthread_mutex_lock(&rl->lock);
	struct bucket *b = find(rl, user, &fresh);
	if (fresh) {
		strncpy(b->user, user, USER_MAX);
		b->user[USER_MAX] = '\0';
		b->tokens = rl->burst;
	} else if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) / 1e9 * rl->per_second;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
	}
	if (fresh || now_ns > b->last_ns)
		b->last_ns = now_ns;
	ok = b->tokens >= 1.0;
	if (ok) {
		b->tokens -= 1.0;
	} else {
		double wait = ceil((1.0 - b->tokens) / rl->per_second);
		*retry_after_s = wait < 1 ? 1 : wait > 3600 ? 3600 : (unsigned)wait;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
