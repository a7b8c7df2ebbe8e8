/* SPDX-License-Identifier: Apache-2.0 */
/* Per-user request rate limit: one token bucket per user id, refilled at
 * per_second up to burst. The table is bounded: when it is full, the user
 * seen longest ago is forgotten (it comes back with a full bucket).
 * Thread-safe. */
#ifndef KETTLE_FRONTEND_RATE_LIMIT_H
#define KETTLE_FRONTEND_RATE_LIMIT_H

#include <stddef.h>
#include <stdint.h>

struct rate_limit;

/* NULL without memory. per_second > 0, burst >= 1, users >= 1. */
struct rate_limit *rate_limit_new(double per_second, double burst, size_t users);
void rate_limit_free(struct rate_limit *rl);

/* Take one token for user at now_ns (a monotonic clock): 1 if allowed;
 * 0 if not, with *retry_after_s set to the whole seconds (>= 1) until the
 * next token. */
int rate_limit_take(struct rate_limit *rl, const char *user, uint64_t now_ns,
		    unsigned *retry_after_s);

#endif
