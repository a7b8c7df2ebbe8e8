/* SPDX-License-Identifier: Apache-2.0 */
/* Login throttling without lockout of the victim (issue 7, F3/F4).
 *
 * Failures are counted per (id, peer address) and per peer address alone;
 * the account itself is never locked. After `id_free` failures of an id
 * from one address (or `peer_free` failures of any ids from one address,
 * which catches guessing across random or unknown ids), each failure makes
 * that address wait before its next attempt is heard, doubling each time:
 * first_delay (5 s), 10 s, 20 s ... up to max_delay. A peer that is made to wait gets 429
 * rate_limited with the seconds to wait, before any password is hashed;
 * the right password from another address is unaffected. Counts are
 * forgotten after `forget` seconds without a failure, and a successful
 * login clears the (id, peer) count.
 *
 * The state lives in storage under authentication's own prefix
 * (THROTTLE_KEY_PREFIX), so a restart does not reset it, and every
 * instance sees the same counts. Functions are thread-safe (no state in
 * the process; concurrent updates go through compare-and-swap). Time is
 * passed in (seconds) so the rules are testable without sleeping. */
#ifndef KETTLE_AUTHN_THROTTLE_H
#define KETTLE_AUTHN_THROTTLE_H

#include <stddef.h>

#include "services/authentication/kv.h"

#define THROTTLE_KEY_PREFIX "throttle/"
#define THROTTLE_PEER_MAX 64 /* bytes of a peer address text */

struct throttle_rules {
	unsigned id_free;   /* failures of one id from one peer before waits */
	unsigned peer_free; /* failures of any ids from one peer before waits */
	long first_delay;   /* seconds, the first wait */
	long max_delay;     /* seconds, the longest wait */
	long forget;        /* seconds without a failure that clear a count */
};

/* 5 per (id, peer), 20 per peer, waits from 5 s to at most 300 s,
 * forgotten after 1 h. */
void throttle_rules_default(struct throttle_rules *r);

/* 0 when an attempt of id from peer may go ahead at now; THROTTLE_WAIT
 * with *retry_after (seconds) when it must wait; a negative errno when
 * storage fails (the caller answers 503: fail closed). */
#define THROTTLE_WAIT 1
int throttle_check(const struct authn_kv *kv, const struct throttle_rules *r,
		   const char *id, const char *peer, long now,
		   long *retry_after);
/* Records a failed attempt of id (NULL: an id that does not exist, counted
 * for the peer only) from peer. */
int throttle_fail(const struct authn_kv *kv, const struct throttle_rules *r,
		  const char *id, const char *peer, long now);
/* A successful login of id from peer: its (id, peer) count is cleared. */
int throttle_success(const struct authn_kv *kv, const char *id,
		     const char *peer);

#endif
