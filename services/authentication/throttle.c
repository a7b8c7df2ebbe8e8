#include "services/authentication/throttle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "services/authentication/ids.h"

struct throttle_entry {
	char id[AUTHN_ID_MAX + 1]; /* "" = free slot */
	long fails[THROTTLE_FAILURES]; /* ring of failure times */
	size_t next;
	size_t count;
	long locked_until;
	long last_seen;
};

struct throttle {
	struct throttle_entry *entries;
	size_t capacity;
	size_t used;
	long lock_seconds;
};

int throttle_new(struct throttle **out, size_t capacity, long lock_seconds)
{
	struct throttle *t;

	if (capacity == 0 || lock_seconds < 0)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->entries = calloc(capacity, sizeof(*t->entries));
	if (!t->entries) {
		free(t);
		return -ENOMEM;
	}
	t->capacity = capacity;
	t->lock_seconds = lock_seconds;
	*out = t;
	return 0;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	free(t->entries);
	free(t);
}

/* A linear probe over a hash of the id keeps lookups short; the table is
 * small (thousands) and only touched on logins. */
static size_t slot_of(const struct throttle *t, const char *id)
{
	size_t h = 1469598103934665603ull;

	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h % t->capacity;
}

static struct throttle_entry *find(struct throttle *t, const char *id)
{
	size_t start = slot_of(t, id);

	for (size_t i = 0; i < t->capacity; i++) {
		struct throttle_entry *e = &t->entries[(start + i) % t->capacity];
		if (!e->id[0])
			return NULL;
		if (!strcmp(e->id, id))
			return e;
	}
	return NULL;
}

/* Removes entry at index i and re-seats the probe chain after it. */
static void drop(struct throttle *t, size_t i)
{
	memset(&t->entries[i], 0, sizeof(t->entries[i]));
	t->used--;
	for (size_t j = (i + 1) % t->capacity; t->entries[j].id[0];
	     j = (j + 1) % t->capacity) {
		struct throttle_entry moved = t->entries[j];
		memset(&t->entries[j], 0, sizeof(moved));
		size_t k = slot_of(t, moved.id);
		while (t->entries[k].id[0])
			k = (k + 1) % t->capacity;
		t->entries[k] = moved;
	}
}

static void evict_one(struct throttle *t, long now)
{
	size_t victim = 0;
	long best = 0;
	int have = 0;

	for (size_t i = 0; i < t->capacity; i++) {
		const struct throttle_entry *e = &t->entries[i];
		/* Score: locked entries come last, then the oldest idle. */
		long score = e->locked_until > now ? e->locked_until + now
						   : e->last_seen;
		if (!have || score < best) {
			best = score;
			victim = i;
			have = 1;
		}
	}
	drop(t, victim);
}

static struct throttle_entry *find_or_add(struct throttle *t, const char *id,
					  long now)
{
	struct throttle_entry *e = find(t, id);
	size_t i;

	if (e)
		return e;
	if (t->used == t->capacity)
		evict_one(t, now);
	for (i = slot_of(t, id); t->entries[i].id[0]; i = (i + 1) % t->capacity)
		;
	e = &t->entries[i];
	memcpy(e->id, id, strlen(id) + 1);
	t->used++;
	return e;
}

bool throttle_locked(struct throttle *t, const char *id, long now)
{
	struct throttle_entry *e = find(t, id);

	return e && e->locked_until > now;
}

bool throttle_fail(struct throttle *t, const char *id, long now)
{
	struct throttle_entry *e;
	long oldest;

	if (strlen(id) > AUTHN_ID_MAX || !id[0])
		return false;
	e = find_or_add(t, id, now);
	e->last_seen = now;
	e->fails[e->next] = now;
	e->next = (e->next + 1) % THROTTLE_FAILURES;
	if (e->count < THROTTLE_FAILURES)
		e->count++;
	if (e->count < THROTTLE_FAILURES)
		return false;
	/* The ring is full: `next` now indexes the oldest of the last five. */
	oldest = e->fails[e->next];
	if (now - oldest >= THROTTLE_WINDOW)
		return false;
	e->locked_until = now + t->lock_seconds;
	e->count = 0;
	return true;
}

void throttle_reset(struct throttle *t, const char *id)
{
	struct throttle_entry *e = find(t, id);

	if (e)
		drop(t, (size_t)(e - t->entries));
}
