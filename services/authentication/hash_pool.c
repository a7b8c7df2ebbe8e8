/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/hash_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

/* A job lives on the waiting caller's stack until done is set. */
struct hash_job {
	bool verify;
	const struct password_cost *cost;
	const char *encoded_in;
	char *encoded_out;
	const char *pw;
	size_t pw_len;
	int rc;
	bool done;
	struct hash_job *next;
};

struct hash_pool {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job was queued, or stopping */
	pthread_cond_t done; /* some job finished */
	struct hash_job *head, *tail;
	size_t queued, queue_max, running;
	bool stopping;
	pthread_t *threads;
	unsigned n_threads;
};

static void run_job(struct hash_job *j)
{
	j->rc = j->verify ? password_verify(j->encoded_in, j->pw, j->pw_len)
			  : password_hash(j->cost, j->pw, j->pw_len,
					  j->encoded_out);
}

static void *worker(void *arg)
{
	struct hash_pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->work, &p->lock);
		if (!p->head)
			break;
		struct hash_job *j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		p->running++;
		pthread_mutex_unlock(&p->lock);
		run_job(j);
		pthread_mutex_lock(&p->lock);
		p->running--;
		j->done = true;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int hash_pool_new(struct hash_pool **out, unsigned threads, unsigned queue_max)
{
	struct hash_pool *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->queue_max = queue_max ? queue_max : HASH_POOL_QUEUE_DEFAULT;
	threads = threads ? threads : HASH_POOL_THREADS_DEFAULT;
	p->threads = calloc(threads, sizeof(*p->threads));
	if (!p->threads) {
		free(p);
		return -ENOMEM;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (; p->n_threads < threads; p->n_threads++) {
		rc = -pthread_create(&p->threads[p->n_threads], NULL, worker, p);
		if (rc < 0) {
			hash_pool_free(p);
			return rc;
		}
	}
	*out = p;
	return 0;
}

void hash_pool_free(struct hash_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}

static int submit(struct hash_pool *p, struct hash_job *j)
{
	pthread_mutex_lock(&p->lock);
	if (p->stopping || p->queued >= p->queue_max) {
		pthread_mutex_unlock(&p->lock);
		return -EBUSY;
	}
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued++;
	pthread_cond_signal(&p->work);
	while (!j->done)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return j->rc;
}

int hash_pool_verify(struct hash_pool *p, const char *encoded, const char *pw,
		     size_t pw_len)
{
	struct hash_job j = { .verify = true, .encoded_in = encoded, .pw = pw,
			      .pw_len = pw_len };

	return submit(p, &j);
}

int hash_pool_hash(struct hash_pool *p, const struct password_cost *cost,
		   const char *pw, size_t pw_len,
		   char encoded[PASSWORD_HASH_MAX])
{
	struct hash_job j = { .cost = cost, .encoded_out = encoded, .pw = pw,
			      .pw_len = pw_len };

	return submit(p, &j);
}

size_t hash_pool_queued(struct hash_pool *p, size_t *running)
{
	size_t n;

	pthread_mutex_lock(&p->lock);
	n = p->queued;
	if (running)
		*running = p->running;
	pthread_mutex_unlock(&p->lock);
	return n;
}
