/* SPDX-License-Identifier: Apache-2.0 */
/* The handler threads. The loop thread submits a fully read request; a
 * worker runs rpc_dispatch() on it and queues it back; an eventfd wakes
 * the loop, which writes the reply. The loop never waits for a handler. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <event2/event.h>

#include "services/common/rpc_internal.h"

STAILQ_HEAD(exchange_list, rpc_exchange);

struct rpc_workers {
	struct rpc_server *srv;
	void (*finished)(struct rpc_exchange *ex); /* on the loop thread */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct exchange_list todo, done;
	pthread_t *threads;
	unsigned n, started;
	int stop;
	int efd;
	struct event *wake;
};

static void *worker_main(void *arg)
{
	struct rpc_workers *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->stop && STAILQ_EMPTY(&w->todo))
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop)
			break;
		struct rpc_exchange *ex = STAILQ_FIRST(&w->todo);
		STAILQ_REMOVE_HEAD(&w->todo, next);
		pthread_mutex_unlock(&w->mu);
		rpc_dispatch(w->srv, ex);
		pthread_mutex_lock(&w->mu);
		STAILQ_INSERT_TAIL(&w->done, ex, next);
		uint64_t one = 1;
		ssize_t r = write(w->efd, &one, sizeof(one));
		(void)r; /* only fails when the counter is already non-zero */
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct rpc_workers *w = arg;
	uint64_t n;
	ssize_t r = read(fd, &n, sizeof(n));
	(void)r;
	struct exchange_list ready = STAILQ_HEAD_INITIALIZER(ready);
	pthread_mutex_lock(&w->mu);
	STAILQ_CONCAT(&ready, &w->done);
	pthread_mutex_unlock(&w->mu);
	while (!STAILQ_EMPTY(&ready)) {
		struct rpc_exchange *ex = STAILQ_FIRST(&ready);
		STAILQ_REMOVE_HEAD(&ready, next);
		w->finished(ex);
	}
}

struct rpc_workers *rpc_workers_new(struct rpc_server *srv, unsigned n,
				    void (*finished)(struct rpc_exchange *ex))
{
	struct rpc_workers *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->srv = srv;
	w->finished = finished;
	w->n = n ? n : 1;
	STAILQ_INIT(&w->todo);
	STAILQ_INIT(&w->done);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->threads = calloc(w->n, sizeof(*w->threads));
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->wake = w->efd >= 0 ? event_new(srv->base, w->efd, EV_READ | EV_PERSIST,
					  on_wake, w) : NULL;
	if (!w->threads || !w->wake || event_add(w->wake, NULL) != 0) {
		rpc_workers_free(w);
		return NULL;
	}
	return w;
}

int rpc_workers_start(struct rpc_workers *w)
{
	for (; w->started < w->n; w->started++) {
		int rc = pthread_create(&w->threads[w->started], NULL, worker_main, w);
		if (rc)
			return -rc;
	}
	return 0;
}

void rpc_workers_submit(struct rpc_workers *w, struct rpc_exchange *ex)
{
	pthread_mutex_lock(&w->mu);
	STAILQ_INSERT_TAIL(&w->todo, ex, next);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* A request that will not be answered (the server is going away). */
static void drop(struct rpc_workers *w, struct rpc_exchange *ex)
{
	free(ex->out);
	ex->out = NULL;
	w->finished(ex); /* without a reply: closes or frees */
}

void rpc_workers_free(struct rpc_workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (unsigned i = 0; i < w->started; i++)
		pthread_join(w->threads[i], NULL);
	STAILQ_CONCAT(&w->done, &w->todo);
	while (!STAILQ_EMPTY(&w->done)) {
		struct rpc_exchange *ex = STAILQ_FIRST(&w->done);
		STAILQ_REMOVE_HEAD(&w->done, next);
		drop(w, ex);
	}
	if (w->wake)
		event_free(w->wake);
	if (w->efd >= 0)
		close(w->efd);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->threads);
	free(w);
}
