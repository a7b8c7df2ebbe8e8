/* Login throttling: 5 failures within 5 minutes lock an id. */
#include <stdio.h>

#include "tests/tap.h"
#include "services/authentication/throttle.h"

int main(void)
{
	struct throttle *t;
	char id[32];
	int locked_early = 0;

	CHECK(throttle_new(&t, 8, 600) == 0, "a throttle is created");
	for (int i = 0; i < 4; i++)
		locked_early |= throttle_fail(t, "alice", 1000 + i);
	CHECK(!locked_early && !throttle_locked(t, "alice", 1004),
	      "four failures do not lock");
	CHECK(throttle_fail(t, "alice", 1004), "the fifth failure locks");
	CHECK(throttle_locked(t, "alice", 1005), "the id is locked right after");
	CHECK(throttle_locked(t, "alice", 1004 + 599),
	      "still locked just before the lock time ends");
	CHECK(!throttle_locked(t, "alice", 1004 + 600),
	      "unlocked when the lock time ends");
	CHECK(!throttle_locked(t, "bob", 1005), "other ids are not affected");

	for (int i = 0; i < 4; i++)
		throttle_fail(t, "carol", 2000 + i * 100);
	CHECK(!throttle_fail(t, "carol", 2000 + 400 + 1) &&
		      !throttle_locked(t, "carol", 2402),
	      "five failures spread over more than 5 minutes do not lock");
	CHECK(!throttle_fail(t, "carol", 2402) && throttle_fail(t, "carol", 2403),
	      "the first failure with four others in the last 5 minutes locks");

	for (int i = 0; i < 4; i++)
		throttle_fail(t, "dave", 3000 + i);
	throttle_reset(t, "dave");
	CHECK(!throttle_fail(t, "dave", 3005),
	      "a successful login (reset) clears earlier failures");

	/* Flooding with many ids stays within capacity and keeps a lock. */
	for (int i = 0; i < 5; i++)
		throttle_fail(t, "eve", 4000);
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "flood%d", i);
		throttle_fail(t, id, 4001 + i);
	}
	CHECK(throttle_locked(t, "eve", 4200),
	      "a lock in force survives a flood of other ids");
	throttle_free(t);
	TAP_DONE();
}
