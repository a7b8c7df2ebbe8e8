/* SPDX-License-Identifier: Apache-2.0 */
/* The frontend's token bucket and validation cache on their own, with the
 * clock passed in: bursts, refill, Retry-After, per-user buckets, a full
 * table, cache lifetime counted from the question, a cache turned off. */
#include <stdio.h>
#include <string.h>

#include "services/frontend/rate_limit.h"
#include "services/frontend/token_cache.h"
#include "tests/tap.h"

#define S 1000000000ull

static void test_rate_limit(void)
{
	struct rate_limit *rl = rate_limit_new(2, 5, 100);
	unsigned retry = 0;
	int ok = 1;
	for (int i = 0; i < 5; i++)
		ok &= rate_limit_take(rl, "alice", 10 * S, &retry);
	CHECK(ok, "a burst of 5 is allowed at once");
	CHECK(!rate_limit_take(rl, "alice", 10 * S, &retry) && retry == 1,
	      "the 6th is refused, retry after 1 s (%u)", retry);
	CHECK(rate_limit_take(rl, "bob", 10 * S, &retry), "another user has its own bucket");
	CHECK(rate_limit_take(rl, "alice", 10 * S + S / 2, &retry) &&
	      !rate_limit_take(rl, "alice", 10 * S + S / 2, &retry),
	      "half a second at 2/s refills one token");
	CHECK(rate_limit_take(rl, "alice", 100 * S, &retry) && rate_limit_take(rl, "alice", 100 * S, &retry),
	      "a long pause refills");
	ok = 1;
	for (int i = 0; i < 3; i++)
		ok &= rate_limit_take(rl, "alice", 100 * S, &retry);
	CHECK(ok && !rate_limit_take(rl, "alice", 100 * S, &retry),
	      "but never above the burst");
	CHECK(!rate_limit_take(rl, "alice", 99 * S, &retry), "a clock going back refills nothing");
	rate_limit_free(rl);

	rl = rate_limit_new(0.1, 1, 100);
	rate_limit_take(rl, "slow", S, &retry);
	CHECK(!rate_limit_take(rl, "slow", S, &retry) && retry == 10,
	      "at 0.1/s the retry is 10 s (%u)", retry);
	rate_limit_free(rl);

	rl = rate_limit_new(1, 1, 4);
	char id[16];
	ok = 1;
	for (int i = 0; i < 50; i++) {
		snprintf(id, sizeof(id), "user%d", i);
		ok &= rate_limit_take(rl, id, (uint64_t)i * S / 100, &retry);
	}
	CHECK(ok, "a table of 4 serves 50 users (the stalest are forgotten)");
	CHECK(!rate_limit_take(rl, "user49", S / 2, &retry), "the newest user keeps its empty bucket");
	rate_limit_free(rl);
}

static void test_token_cache(void)
{
	struct token_cache *tc = token_cache_new(500, 64);
	struct identity who = { "alice", "data_owner", "org1" }, got;
	CHECK(!token_cache_get(tc, "tok-a", S, &got), "an unknown token is not cached");
	token_cache_put(tc, "tok-a", S, &who);
	memset(&got, 0, sizeof(got));
	CHECK(token_cache_get(tc, "tok-a", S + S / 4, &got) && !strcmp(got.id, "alice") &&
	      !strcmp(got.role, "data_owner") && !strcmp(got.attribute, "org1"),
	      "within its lifetime the identity comes back");
	CHECK(!token_cache_get(tc, "tok-a", S + S / 2, &got), "500 ms after the question it is gone");
	CHECK(!token_cache_get(tc, "tok-b", S, &got), "another token is not confused with it");
	token_cache_free(tc);

	tc = token_cache_new(5000, 64);
	token_cache_put(tc, "tok-a", 0, &who);
	CHECK(!token_cache_get(tc, "tok-a", S, &got), "a lifetime above one second is cut to one second");
	token_cache_free(tc);

	tc = token_cache_new(0, 64);
	token_cache_put(tc, "tok-a", S, &who);
	CHECK(!token_cache_get(tc, "tok-a", S, &got), "ttl 0 turns the cache off");
	token_cache_free(tc);
}

int main(void)
{
	test_rate_limit();
	test_token_cache();
	TAP_DONE();
}
