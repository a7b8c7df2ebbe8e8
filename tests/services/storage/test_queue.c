/* SPDX-License-Identifier: Apache-2.0 */
/* Durable queues: FIFO order, visibility timeout, ack, leases that go
 * stale, persistence across a reopen. The short lease is long against the
 * few store calls that must see it held (a loaded sanitizer build stalls
 * for hundreds of milliseconds), and its end is waited for, not slept on. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services/storage/keyring.h"
#include "services/storage/store.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/tap.h"
#include "tests/services/storage/test_util.h"

#define SHORT_LEASE_MS 2000

struct delivery {
	struct store *s;
	uint8_t *val;
	size_t len;
	char lease[STORE_LEASE_HEX_LEN + 1];
};

/* Polled until the short lease ends and "jobs" has an item again. */
static int delivered(void *arg)
{
	struct delivery *d = arg;

	return store_dequeue(d->s, "jobs", 60000, &d->val, &d->len,
			     d->lease) != -ENOENT;
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
	char dir[256];
	char l1[STORE_LEASE_HEX_LEN + 1], l2[STORE_LEASE_HEX_LEN + 1];
	char l3[STORE_LEASE_HEX_LEN + 1];
	struct keyring *kr;
	struct store *s = NULL;
	uint8_t key[32], *val = NULL;
	size_t len, n = 99;

	test_key(key, 3);
	keyring_new(&kr);
	keyring_add(kr, "q", key);
	CHECK(harness_temp_dir(dir, sizeof(dir), "queue") == 0 &&
		      store_open(&s, dir, 0, kr) == 0,
	      "store opens");
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

	CHECK(deq_is(s, "jobs", SHORT_LEASE_MS, "first", l1),
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

	struct delivery again = { .s = s };
	CHECK(harness_until(delivered, &again, 20, SHORT_LEASE_MS + 30000) == 0 &&
		      again.len == 5 && !memcmp(again.val, "first", 5),
	      "after the visibility timeout the unacked item comes back");
	free(again.val);
	memcpy(l2, again.lease, sizeof(l2));
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
	harness_remove_tree(dir);
	TAP_DONE();
}
