/* SPDX-License-Identifier: Apache-2.0 */
#include "services/common/rpc_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "services/common/config.h"

struct rpc_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	char *peer;
	size_t size;     /* clients, all made at creation */
	size_t n_idle;
	struct rpc_client **idle; /* size slots */
	unsigned wait_ms;
};

static _Thread_local char last_error[256];

const char *rpc_pool_error(void)
{
	return last_error;
}

struct rpc_pool *rpc_pool_for_peer(const struct kettle_config *cfg,
				   const char *peer, size_t size,
				   unsigned wait_ms, char *err, size_t errlen)
{
	struct rpc_pool *p = calloc(1, sizeof(*p));
	if (!p || !(p->peer = strdup(peer)) ||
	    !(p->idle = calloc(size ? size : 8, sizeof(*p->idle)))) {
		snprintf(err, errlen, "out of memory");
		rpc_pool_free(p);
		return NULL;
	}
	p->size = size ? size : 8;
	p->wait_ms = wait_ms ? wait_ms : cfg->timeout_ms ? cfg->timeout_ms : 1000;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	while (p->n_idle < p->size) {
		struct rpc_client *c = rpc_client_for_peer(cfg, peer, err, errlen);
		if (!c) {
			rpc_pool_free(p);
			return NULL;
		}
		p->idle[p->n_idle++] = c;
	}
	return p;
}

static struct rpc_client *borrow(struct rpc_pool *p)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += p->wait_ms / 1000;
	until.tv_nsec += (long)(p->wait_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&p->lock);
	while (p->n_idle == 0) {
		if (pthread_cond_timedwait(&p->freed, &p->lock, &until) ==
		    ETIMEDOUT) {
			pthread_mutex_unlock(&p->lock);
			snprintf(last_error, sizeof(last_error),
				 "all %zu connections to %s are busy", p->size,
				 p->peer);
			return NULL;
		}
	}
	struct rpc_client *c = p->idle[--p->n_idle];
	pthread_mutex_unlock(&p->lock);
	return c;
}

static void give_back(struct rpc_pool *p, struct rpc_client *c)
{
	pthread_mutex_lock(&p->lock);
	p->idle[p->n_idle++] = c;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

static int finish(struct rpc_pool *p, struct rpc_client *c, int rc)
{
	if (rc)
		snprintf(last_error, sizeof(last_error), "%s",
			 rpc_client_error(c));
	give_back(p, c);
	return rc;
}

int rpc_pool_call(struct rpc_pool *p, const char *method, const char *path,
		  json_t *body, const char *bearer, struct rpc_result *out)
{
	struct rpc_client *c = borrow(p);
	if (!c) {
		rpc_client_thread_fail(); /* the handler's 500 becomes 503 */
		return -EBUSY;
	}
	return finish(p, c, rpc_client_call(c, method, path, body, bearer, out));
}

int rpc_pool_call_raw(struct rpc_pool *p, const char *method, const char *path,
		      const char *content_type, const void *data, size_t len,
		      const char *bearer, struct rpc_result *out)
{
	struct rpc_client *c = borrow(p);
	if (!c) {
		rpc_client_thread_fail(); /* the handler's 500 becomes 503 */
		return -EBUSY;
	}
	return finish(p, c, rpc_client_call_raw(c, method, path, content_type,
						data, len, bearer, out));
}

size_t rpc_pool_busy(struct rpc_pool *p)
{
	pthread_mutex_lock(&p->lock);
	size_t n = p->size - p->n_idle;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void rpc_pool_free(struct rpc_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_idle; i++)
		rpc_client_free(p->idle[i]);
	if (p->idle) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->freed);
	}
	free(p->idle);
	free(p->peer);
	free(p);
}
