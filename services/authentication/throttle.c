/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/throttle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "services/authentication/ids.h"

#define KEY_MAX (sizeof(THROTTLE_KEY_PREFIX) + 2 + THROTTLE_PEER_MAX + 1 + \
		 AUTHN_ID_MAX + 1)
#define CAS_TRIES 4

struct count {
	long fails;
	long last;  /* time of the last failure */
	long until; /* no attempt heard before this time */
	uint64_t version; /* 0: not stored */
};

void throttle_rules_default(struct throttle_rules *r)
{
	r->id_free = 5;
	r->peer_free = 20;
	r->first_delay = 5;
	r->max_delay = 300;
	r->forget = 3600;
}

/* "throttle/i/<peer>/<id>" or, without id, "throttle/p/<peer>". */
static int count_key(char out[KEY_MAX], const char *id, const char *peer)
{
	int n;

	if (!peer || strlen(peer) > THROTTLE_PEER_MAX ||
	    (id && !authn_id_valid(id, strlen(id))))
		return -EINVAL;
	n = id ? snprintf(out, KEY_MAX, THROTTLE_KEY_PREFIX "i/%s/%s", peer, id)
	       : snprintf(out, KEY_MAX, THROTTLE_KEY_PREFIX "p/%s", peer);
	return n > 0 && (size_t)n < KEY_MAX ? 0 : -EINVAL;
}

static long field(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_integer(v) && json_integer_value(v) >= 0
		       ? (long)json_integer_value(v)
		       : 0;
}

/* The stored count (zero if absent); a record that does not parse counts
 * as empty but keeps its version so it is overwritten. */
static int count_load(const struct authn_kv *kv, const char *key,
		      struct count *c)
{
	char *val = NULL;
	size_t len = 0;
	json_t *o;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = kv->get(kv->ctx, key, &val, &len, &c->version);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	o = json_loadb(val, len, 0, NULL);
	free(val);
	c->fails = field(o, "fails");
	c->last = field(o, "last");
	c->until = field(o, "until");
	json_decref(o);
	return 0;
}

static void forget_old(struct count *c, const struct throttle_rules *r,
		       long now)
{
	if (c->fails && now - c->last >= r->forget && now >= c->until) {
		c->fails = 0;
		c->until = 0;
	}
}

/* The wait after the n-th failure when the first free_ - 1 cost none. */
static long delay_after(long n, unsigned free_, const struct throttle_rules *r)
{
	long d = r->first_delay;

	if (n < (long)free_)
		return 0;
	for (long i = free_; i < n && d < r->max_delay; i++)
		d *= 2;
	return d < r->max_delay ? d : r->max_delay;
}

static int check_one(const struct authn_kv *kv, const struct throttle_rules *r,
		     const char *id, const char *peer, long now, long *wait)
{
	char key[KEY_MAX];
	struct count c;
	int rc = count_key(key, id, peer);

	if (rc == 0)
		rc = count_load(kv, key, &c);
	if (rc < 0)
		return rc;
	forget_old(&c, r, now);
	if (c.until > now && c.until - now > *wait)
		*wait = c.until - now;
	return 0;
}

int throttle_check(const struct authn_kv *kv, const struct throttle_rules *r,
		   const char *id, const char *peer, long now,
		   long *retry_after)
{
	long wait = 0;
	int rc = check_one(kv, r, NULL, peer, now, &wait);

	if (rc == 0 && id)
		rc = check_one(kv, r, id, peer, now, &wait);
	if (rc < 0)
		return rc;
	*retry_after = wait;
	return wait ? THROTTLE_WAIT : 0;
}

static int count_store(const struct authn_kv *kv, const char *key,
		       const struct count *c)
{
	char text[96];
	uint64_t version;

	snprintf(text, sizeof(text), "{\"fails\":%ld,\"last\":%ld,\"until\":%ld}",
		 c->fails, c->last, c->until);
	return kv->cas(kv->ctx, key, text, strlen(text), c->version, &version);
}

static int fail_one(const struct authn_kv *kv, const struct throttle_rules *r,
		    const char *id, const char *peer, long now)
{
	unsigned free_ = id ? r->id_free : r->peer_free;
	char key[KEY_MAX];
	struct count c;
	int rc = count_key(key, id, peer);

	/* Concurrent failures race on the same record: retry the CAS. */
	for (int i = 0; rc == 0 && i < CAS_TRIES; i++) {
		rc = count_load(kv, key, &c);
		if (rc < 0)
			return rc;
		forget_old(&c, r, now);
		c.fails++;
		c.last = now;
		long d = delay_after(c.fails, free_, r);
		if (d && now + d > c.until)
			c.until = now + d;
		rc = count_store(kv, key, &c);
		if (rc != -ECANCELED)
			return rc;
		rc = 0;
	}
	return rc == 0 ? -ECANCELED : rc;
}

int throttle_fail(const struct authn_kv *kv, const struct throttle_rules *r,
		  const char *id, const char *peer, long now)
{
	int rc = fail_one(kv, r, NULL, peer, now);

	if (rc == 0 && id)
		rc = fail_one(kv, r, id, peer, now);
	return rc;
}

int throttle_success(const struct authn_kv *kv, const char *id,
		     const char *peer)
{
	char key[KEY_MAX];
	int rc = count_key(key, id, peer);

	if (rc == 0)
		rc = kv->del(kv->ctx, key, 0);
	return rc == -ENOENT ? 0 : rc;
}
