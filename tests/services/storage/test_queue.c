/* Durable queues: FIFO order, visibility timeout, ack, leases that go
 * stale, persistence across a reopen. */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "services/storage/keyring.h"
#include "services/storage/store.h"
#include "tests/tap.h"
#include "tests/services/storage/test_util.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static int deq_is(struct store *s, const char *q, uint32_t vis,
		  const char *want, char lease[STORE_LEASE_HEX_LEN + 1])
{
	uint8_t *val = NULL;
	size_t len = 0;
	int ok;

	if (store_dequeue(s, q, vis, &val, &len, lease) < 0)
		return 0;
	ok = len == strlen(want) && !memcmp(val, want, len);
	free(val);
	return ok;
}

int main(void)
{
	char *dir = test_tmpdir();
	char l1[STORE_LEASE_HEX_LEN + 1], l2[STORE_LEASE_HEX_LEN + 1];
	char l3[STORE_LEASE_HEX_LEN + 1];
	struct keyring *kr;
	struct store *s = NULL;
	uint8_t key[32], *val = NULL;
	size_t len, n = 99;

	test_key(key, 3);
	keyring_new(&kr);
	keyring_add(kr, "q", key);
	CHECK(store_open(&s, dir, 0, kr) == 0, "store opens");
	if (!s)
		TAP_DONE();

	CHECK(store_dequeue(s, "jobs", 1000, &val, &len, l1) == -ENOENT,
	      "dequeue from an empty queue is -ENOENT");
	CHECK(store_enqueue(s, "jobs", "first", 5) == 0 &&
		      store_enqueue(s, "jobs", "second", 6) == 0 &&
		      store_enqueue(s, "jobs", "third", 5) == 0,
	      "three items enqueue");
	CHECK(store_enqueue(s, "other", "elsewhere", 9) == 0,
	      "an item on another queue");
	CHECK(store_queue_length(s, "jobs", &n) == 0 && n == 3,
	      "queue length counts 3");

	CHECK(deq_is(s, "jobs", 300, "first", l1),
	      "dequeue gives the oldest item first");
	CHECK(deq_is(s, "jobs", 60000, "second", l2),
	      "the leased item is skipped: next is the second");
	CHECK(strlen(l1) == STORE_LEASE_HEX_LEN && strcmp(l1, l2),
	      "each delivery has its own lease id");
	CHECK(store_ack(s, l2) == 0, "ack of the second item succeeds");
	CHECK(store_ack(s, l2) == -ENOENT, "a second ack of a lease is -ENOENT");
	CHECK(deq_is(s, "jobs", 60000, "third", l3),
	      "the third item comes next while the first is leased");
	CHECK(store_dequeue(s, "jobs", 1000, &val, &len, l2) == -ENOENT,
	      "nothing is visible while every item is leased");

	sleep_ms(450);
	CHECK(deq_is(s, "jobs", 60000, "first", l2),
	      "after the visibility timeout the unacked item comes back");
	CHECK(store_ack(s, l1) == -ENOENT,
	      "the lease of the earlier delivery no longer acks");
	CHECK(store_ack(s, l2) == 0, "the new lease acks it");

	/* Leases and items survive a restart. */
	store_close(s);
	s = NULL;
	CHECK(store_open(&s, dir, 0, kr) == 0, "store reopens");
	CHECK(store_queue_length(s, "jobs", &n) == 0 && n == 1,
	      "one leased item remains after the reopen");
	CHECK(store_ack(s, l3) == 0, "a lease taken before the reopen acks");
	CHECK(store_queue_length(s, "jobs", &n) == 0 && n == 0,
	      "the queue is empty");
	CHECK(deq_is(s, "other", 1000, "elsewhere", l1),
	      "the other queue kept its item");

	CHECK(store_enqueue(s, "jobs", "after-empty", 11) == 0 &&
		      deq_is(s, "jobs", 1000, "after-empty", l1),
	      "an emptied queue takes new items");
	CHECK(store_ack(s, "not-a-lease") == -EINVAL,
	      "a malformed lease id is -EINVAL");
	CHECK(store_ack(s, "0123456789abcdef0123456789abcdef") == -ENOENT,
	      "an unknown lease id is -ENOENT");
	CHECK(store_dequeue(s, "jobs", 0, &val, &len, l1) == -EINVAL,
	      "a zero visibility timeout is refused");
	CHECK(store_enqueue(s, "", "x", 1) == -EINVAL,
	      "an empty queue name is refused");

	store_close(s);
	keyring_free(kr);
	test_rm_tree(dir);
	free(dir);
	TAP_DONE();
}
