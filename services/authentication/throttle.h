/* Login throttling per user id: after THROTTLE_FAILURES failed attempts
 * within THROTTLE_WINDOW seconds, every attempt for that id is refused for
 * lock_seconds (rate_limited, 429), right password or not.
 *
 * In memory and bounded: at most `capacity` ids are tracked; when full, the
 * entry idle longest is dropped (a lock in force is dropped last). Time is
 * passed in (seconds) so the rules are testable without sleeping. Not
 * thread-safe: one throttle per event loop. */
#ifndef KETTLE_AUTHN_THROTTLE_H
#define KETTLE_AUTHN_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>

#define THROTTLE_FAILURES 5
#define THROTTLE_WINDOW 300

struct throttle;

int throttle_new(struct throttle **out, size_t capacity, long lock_seconds);
void throttle_free(struct throttle *t);

/* True if id is locked at now. */
bool throttle_locked(struct throttle *t, const char *id, long now);
/* Records a failed attempt; true if this one locked the id. */
bool throttle_fail(struct throttle *t, const char *id, long now);
/* Forgets the failures of id (after a successful login). */
void throttle_reset(struct throttle *t, const char *id);

#endif
