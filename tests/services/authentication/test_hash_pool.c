/* SPDX-License-Identifier: Apache-2.0 */
/* The Argon2id pool: results match password.h, and a full queue refuses
 * at once instead of queueing without bound (issue 7, F3). */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "services/authentication/hash_pool.h"
#include "tests/tap.h"

static struct hash_pool *pool;
/* Long enough that the queue is surely full while it runs. */
static const struct password_cost slow = { 60, 16 * 1024, 1 };
static const struct password_cost quick = { 1, 1024, 1 };

static void *slow_hash(void *arg)
{
	static char out[PASSWORD_HASH_MAX];

	*(int *)arg = hash_pool_hash(pool, &slow, "password", 8, out);
	return NULL;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Waits (bounded) until the pool holds n queued jobs and one running. */
static int wait_queued(size_t n)
{
	struct timespec pause = { 0, 1000000 };
	size_t running = 0;

	for (int i = 0; i < 20000; i++) {
		if (hash_pool_queued(pool, &running) == n && running == 1)
			return 1;
		nanosleep(&pause, NULL);
	}
	return 0;
}

int main(void)
{
	char hash[PASSWORD_HASH_MAX];
	pthread_t running, waiting;
	int rc_running = 1, rc_waiting = 1, rc;
	struct timespec t0;

	CHECK(hash_pool_new(&pool, 1, 1) == 0, "a pool of 1 thread, queue 1");
	CHECK(hash_pool_hash(pool, &quick, "secret-pw", 9, hash) == 0 &&
		      hash_pool_verify(pool, hash, "secret-pw", 9) == 0 &&
		      hash_pool_verify(pool, hash, "wrong-pw", 8) == -EACCES,
	      "hash and verify on the pool agree with password.h");
	pthread_create(&running, NULL, slow_hash, &rc_running);
	int started = wait_queued(0);
	pthread_create(&waiting, NULL, slow_hash, &rc_waiting);
	int queued = started && wait_queued(1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = hash_pool_verify(pool, hash, "secret-pw", 9);
	double ms = ms_since(&t0);
	CHECK(queued && rc == -EBUSY,
	      "with one hash running and one queued, the next is refused (-EBUSY)");
	CHECK(ms < 100, "the refusal is immediate (%.2f ms)", ms);
	pthread_join(running, NULL);
	pthread_join(waiting, NULL);
	CHECK(rc_running == 0 && rc_waiting == 0,
	      "the running and the queued hash both finish");
	CHECK(hash_pool_verify(pool, hash, "secret-pw", 9) == 0,
	      "once drained the pool takes work again");
	hash_pool_free(pool);
	TAP_DONE();
}
