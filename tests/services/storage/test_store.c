/* SPDX-License-Identifier: Apache-2.0 */
/* The encrypted LMDB store: get/put/delete, versions and compare-and-swap,
 * paged scans, encryption at rest, key rotation and tamper detection. */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "services/storage/keyring.h"
#include "services/storage/store.h"
#include "tests/harness/tmp.h"
#include "tests/tap.h"
#include "tests/services/storage/test_util.h"

#define SECRET "a very recognisable plaintext: kettle-secret-7b1f"

static struct keyring *ring_with(const char *id, uint8_t fill)
{
	struct keyring *kr;
	uint8_t key[32];

	if (keyring_new(&kr) < 0)
		return NULL;
	test_key(key, fill);
	if (keyring_add(kr, id, key) < 0) {
		keyring_free(kr);
		return NULL;
	}
	return kr;
}

static void test_basic(struct store *s)
{
	uint8_t *val = NULL;
	size_t len = 0;
	uint64_t ver = 0, ver2 = 0;

	CHECK(store_get(s, "nokey", 5, &val, &len, &ver) == -ENOENT,
	      "get of a missing key is -ENOENT");
	CHECK(store_put(s, "a", 1, "one", 3, &ver) == 0 && ver == 1,
	      "first put gives version 1");
	CHECK(store_get(s, "a", 1, &val, &len, &ver2) == 0 && len == 3 &&
		      !memcmp(val, "one", 3) && ver2 == 1,
	      "get returns the value and version");
	free(val);
	CHECK(store_put(s, "a", 1, "two!", 4, &ver) == 0 && ver == 2,
	      "second put gives version 2");
	CHECK(store_put(s, "empty", 5, "", 0, NULL) == 0 &&
		      store_get(s, "empty", 5, &val, &len, NULL) == 0 &&
		      len == 0,
	      "an empty value round-trips");
	free(val);
	CHECK(store_delete(s, "a", 1, 0) == 0 &&
		      store_get(s, "a", 1, &val, &len, NULL) == -ENOENT,
	      "delete removes the key");
	CHECK(store_delete(s, "a", 1, 0) == -ENOENT,
	      "deleting a missing key is -ENOENT");
}

static void test_bounds(struct store *s)
{
	char big_key[STORE_KEY_MAX + 1];
	uint8_t *big = calloc(1, STORE_VALUE_MAX + 1);
	uint8_t *val;
	size_t len;

	memset(big_key, 'k', sizeof(big_key));
	CHECK(store_put(s, big_key, sizeof(big_key), "x", 1, NULL) == -EINVAL,
	      "a key over STORE_KEY_MAX is refused");
	CHECK(store_put(s, big_key, STORE_KEY_MAX, "x", 1, NULL) == 0,
	      "a key of exactly STORE_KEY_MAX is accepted");
	CHECK(store_put(s, "", 0, "x", 1, NULL) == -EINVAL,
	      "an empty key is refused");
	CHECK(big && store_put(s, "big", 3, big, STORE_VALUE_MAX + 1, NULL) ==
			     -E2BIG,
	      "a value over STORE_VALUE_MAX is refused");
	CHECK(big && store_put(s, "big", 3, big, STORE_VALUE_MAX, NULL) == 0 &&
		      store_get(s, "big", 3, &val, &len, NULL) == 0 &&
		      len == STORE_VALUE_MAX,
	      "a value of exactly STORE_VALUE_MAX round-trips");
	if (big && len == STORE_VALUE_MAX)
		free(val);
	free(big);
}

static void test_cas(struct store *s)
{
	uint64_t ver = 0;

	CHECK(store_cas(s, "c", 1, "v1", 2, 0, &ver) == 0 && ver == 1,
	      "cas with expected 0 creates a new key");
	CHECK(store_cas(s, "c", 1, "v1", 2, 0, NULL) == -ECANCELED,
	      "cas with expected 0 on an existing key conflicts");
	CHECK(store_cas(s, "c", 1, "v2", 2, 7, NULL) == -ECANCELED,
	      "cas with a wrong version conflicts");
	CHECK(store_cas(s, "c", 1, "v2", 2, 1, &ver) == 0 && ver == 2,
	      "cas with the current version succeeds");
	CHECK(store_cas(s, "c", 1, "v3", 2, 1, NULL) == -ECANCELED,
	      "a second writer holding the old version loses");
	CHECK(store_delete(s, "c", 1, 1) == -ECANCELED,
	      "delete with a stale version conflicts");
	CHECK(store_delete(s, "c", 1, 2) == 0,
	      "delete with the current version succeeds");
}

static void test_scan(struct store *s)
{
	struct store_page page;
	char key[32], after[32];
	size_t seen = 0, pages = 0, after_len = 0;
	int ordered = 1, all_prefixed = 1;

	for (int i = 0; i < 25; i++) {
		snprintf(key, sizeof(key), "scan/%03d", i);
		store_put(s, key, strlen(key), key, strlen(key), NULL);
	}
	store_put(s, "scam", 4, "x", 1, NULL);
	store_put(s, "scan0", 5, "x", 1, NULL);
	for (;;) {
		if (store_scan(s, "scan/", 5, after_len ? after : NULL,
			       after_len, 10, &page) < 0)
			break;
		pages++;
		for (size_t i = 0; i < page.count; i++) {
			snprintf(key, sizeof(key), "scan/%03zu", seen);
			if (page.items[i].key_len != strlen(key) ||
			    memcmp(page.items[i].key, key, strlen(key)) ||
			    page.items[i].val_len != strlen(key))
				ordered = 0;
			if (memcmp(page.items[i].key, "scan/", 5))
				all_prefixed = 0;
			seen++;
		}
		if (!page.more || page.count == 0) {
			store_page_free(&page);
			break;
		}
		after_len = page.items[page.count - 1].key_len;
		memcpy(after, page.items[page.count - 1].key, after_len);
		store_page_free(&page);
	}
	CHECK(seen == 25 && pages == 3, "25 keys come back in 3 pages of 10");
	CHECK(ordered, "pages are in key order with no gap or repeat");
	CHECK(all_prefixed, "keys outside the prefix are not returned");
	CHECK(store_scan(s, "scan/", 5, "scan/019", 8, 100, &page) == 0 &&
		      page.count == 5 && !page.more,
	      "scanning after a cursor key returns only the later keys");
	store_page_free(&page);
	CHECK(store_scan(s, "scan/", 5, NULL, 0, 0, &page) == -EINVAL,
	      "a zero limit is refused");
	CHECK(store_scan(s, "nothing/", 8, NULL, 0, 10, &page) == 0 &&
		      page.count == 0 && !page.more,
	      "an empty prefix range gives an empty last page");
	store_page_free(&page);
}

static int file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, len = 0;
	char *buf = NULL;
	int found = 0;

	if (!f)
		return -1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	found = memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/* Rewrites one byte of the stored record of key straight in LMDB. */
static int tamper(const char *dir, const char *key, size_t offset_from_end)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { strlen(key), (void *)key }, v;
	uint8_t *copy;
	int rc = -1;

	if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 4) ||
	    mdb_env_open(env, dir, 0, 0600))
		return -1;
	if (mdb_txn_begin(env, NULL, 0, &txn) == 0) {
		if (mdb_dbi_open(txn, "kv", 0, &dbi) == 0 &&
		    mdb_get(txn, dbi, &k, &v) == 0 &&
		    v.mv_size > offset_from_end) {
			copy = malloc(v.mv_size);
			memcpy(copy, v.mv_data, v.mv_size);
			copy[v.mv_size - 1 - offset_from_end] ^= 0x01;
			v.mv_data = copy;
			rc = mdb_put(txn, dbi, &k, &v, 0);
			free(copy);
		}
		if (rc == 0)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
	}
	mdb_env_close(env);
	return rc;
}

static void test_at_rest(const char *dir)
{
	struct keyring *k1 = ring_with("k1", 1), *k12 = ring_with("k1", 1);
	struct store *s = NULL;
	char path[600];
	uint8_t key2[32], *val = NULL;
	size_t len = 0;
	uint64_t ver = 0;

	test_key(key2, 99);
	keyring_add(k12, "k2", key2);
	keyring_set_current(k12, "k2");

	CHECK(store_open(&s, dir, 0, k1) == 0, "store opens under key k1");
	store_put(s, "secret", 6, SECRET, strlen(SECRET), NULL);
	store_put(s, "victim", 6, "other value", 11, NULL);
	store_close(s);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	CHECK(file_contains(path, SECRET) == 0,
	      "the raw LMDB file does not contain the plaintext");
	CHECK(file_contains(path, "secret") == 1,
	      "the raw LMDB file does contain the key (sanity of the search)");

	CHECK(store_open(&s, dir, 0, k12) == 0,
	      "store reopens after rotation to k2");
	CHECK(store_get(s, "secret", 6, &val, &len, &ver) == 0 &&
		      len == strlen(SECRET) && !memcmp(val, SECRET, len),
	      "a value written under the old key id is still readable");
	free(val);
	store_put(s, "new", 3, "under k2", 8, NULL);
	store_close(s);

	s = NULL;
	CHECK(store_open(&s, dir, 0, k1) == 0 &&
		      store_get(s, "new", 3, &val, &len, NULL) == -ENOKEY,
	      "a value under k2 needs k2: a ring without it gets -ENOKEY");
	store_close(s);

	CHECK(tamper(dir, "secret", 0) == 0, "flip a bit of the stored tag");
	CHECK(tamper(dir, "victim", 20) == 0,
	      "flip a bit of the stored ciphertext");
	s = NULL;
	CHECK(store_open(&s, dir, 0, k12) == 0, "store reopens");
	CHECK(store_get(s, "secret", 6, &val, &len, NULL) == -EBADMSG,
	      "a tampered tag is detected (-EBADMSG)");
	CHECK(store_get(s, "victim", 6, &val, &len, NULL) == -EBADMSG,
	      "tampered ciphertext is detected (-EBADMSG)");
	store_close(s);
	keyring_free(k1);
	keyring_free(k12);
}

/* Copying one key's stored bytes onto another must not verify. */
static void test_swap(const char *dir)
{
	struct keyring *kr = ring_with("k", 5);
	struct store *s = NULL;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val ka = { 5, "alice" }, kb = { 3, "bob" }, v;
	uint8_t *val = NULL;
	size_t len;
	int moved = 0;

	store_open(&s, dir, 0, kr);
	store_put(s, "alice", 5, "role=admin", 10, NULL);
	store_put(s, "bob", 3, "role=user", 9, NULL);
	store_close(s);
	if (!mdb_env_create(&env) && !mdb_env_set_maxdbs(env, 4) &&
	    !mdb_env_open(env, dir, 0, 0600)) {
		if (!mdb_txn_begin(env, NULL, 0, &txn)) {
			if (!mdb_dbi_open(txn, "kv", 0, &dbi) &&
			    !mdb_get(txn, dbi, &ka, &v)) {
				uint8_t *copy = malloc(v.mv_size);
				memcpy(copy, v.mv_data, v.mv_size);
				v.mv_data = copy;
				moved = !mdb_put(txn, dbi, &kb, &v, 0);
				free(copy);
			}
			moved = moved && !mdb_txn_commit(txn);
		}
		mdb_env_close(env);
	}
	CHECK(moved, "alice's record copied over bob's in raw LMDB");
	store_open(&s, dir, 0, kr);
	CHECK(store_get(s, "bob", 3, &val, &len, NULL) == -EBADMSG,
	      "a record moved to another key fails authentication");
	store_close(s);
	keyring_free(kr);
}

/* After rotation, store_rewrap moves every record to the new key, so the
 * old key can leave the ring. More keys than one rewrap batch. */
static void test_rewrap(const char *dir)
{
	struct keyring *k1 = ring_with("old", 21), *both = ring_with("old", 21);
	struct keyring *k2 = ring_with("new", 42);
	struct store *s = NULL;
	char key[32], lease[STORE_LEASE_HEX_LEN + 1];
	uint8_t newkey[32], *val = NULL;
	size_t len, n = 0;
	int all_ok = 1;

	test_key(newkey, 42);
	keyring_add(both, "new", newkey);
	keyring_set_current(both, "new");
	store_open(&s, dir, 0, k1);
	for (int i = 0; i < 600; i++) {
		snprintf(key, sizeof(key), "rot/%04d", i);
		store_put(s, key, strlen(key), key, strlen(key), NULL);
	}
	store_enqueue(s, "rotq", "queued", 6);
	store_close(s);

	s = NULL;
	store_open(&s, dir, 0, both);
	CHECK(store_rewrap(s, &n) == 0 && n == 601,
	      "rewrap re-seals all 600 keys and the queue item (%zu)", n);
	CHECK(store_rewrap(s, &n) == 0 && n == 0,
	      "a second rewrap finds nothing left under the old key");
	store_close(s);

	s = NULL;
	CHECK(store_open(&s, dir, 0, k2) == 0,
	      "the store opens with only the new key");
	for (int i = 0; i < 600; i++) {
		snprintf(key, sizeof(key), "rot/%04d", i);
		if (store_get(s, key, strlen(key), &val, &len, NULL) < 0 ||
		    len != strlen(key) || memcmp(val, key, len))
			all_ok = 0;
		if (all_ok)
			free(val);
	}
	CHECK(all_ok, "every key reads back under the new key alone");
	CHECK(store_dequeue(s, "rotq", 1000, &val, &len, lease) == 0 &&
		      len == 6 && !memcmp(val, "queued", 6),
	      "the queue item reads back under the new key alone");
	if (len == 6)
		free(val);
	store_close(s);
	keyring_free(k1);
	keyring_free(both);
	keyring_free(k2);
}

static void test_keyfile(const char *dir)
{
	struct keyring *kr;
	char path[512];
	FILE *f;

	keyring_new(&kr);
	snprintf(path, sizeof(path), "%s/hex.key", dir);
	f = fopen(path, "w");
	fprintf(f, "%s\n",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
	fclose(f);
	chmod(path, 0600);
	CHECK(keyring_load_file(kr, "hex", path) == 0,
	      "a hex key file loads");
	chmod(path, 0644);
	CHECK(keyring_load_file(kr, "hex2", path) == -EPERM,
	      "a world-readable key file is refused");
	snprintf(path, sizeof(path), "%s/short.key", dir);
	f = fopen(path, "w");
	fprintf(f, "abcd");
	fclose(f);
	chmod(path, 0600);
	CHECK(keyring_load_file(kr, "short", path) == -EINVAL,
	      "a key file of the wrong length is refused");
	CHECK(keyring_add(kr, "bad/id", (uint8_t[32]){ 0 }) == -EINVAL,
	      "a key id with '/' is refused");
	CHECK(keyring_add(kr, "hex", (uint8_t[32]){ 0 }) == -EEXIST,
	      "a duplicate key id is refused");
	keyring_free(kr);
}

int main(void)
{
	char dir[256], path[512];
	struct keyring *kr = ring_with("main", 7);
	struct store *s = NULL;

	if (harness_temp_dir(dir, sizeof(dir), "store") < 0 || !kr)
		return 1;
	snprintf(path, sizeof(path), "%s/db", dir);
	CHECK(store_open(&s, path, 0, kr) == 0, "store opens a new database");
	if (s) {
		test_basic(s);
		test_bounds(s);
		test_cas(s);
		test_scan(s);
		store_close(s);
	}
	snprintf(path, sizeof(path), "%s/rest", dir);
	test_at_rest(path);
	snprintf(path, sizeof(path), "%s/swap", dir);
	test_swap(path);
	snprintf(path, sizeof(path), "%s/rewrap", dir);
	test_rewrap(path);
	test_keyfile(dir);
	keyring_free(kr);
	harness_remove_tree(dir);
	TAP_DONE();
}
