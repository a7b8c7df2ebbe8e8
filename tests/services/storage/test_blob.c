/* SPDX-License-Identifier: Apache-2.0 */
/* The content-addressed blob store: sealed at rest, rotation, leftovers. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#include "services/storage/blob.h"
#include "services/storage/keyring.h"
#include "tests/tap.h"
#include "tests/services/storage/test_util.h"
#include "tests/harness/file.h"
#include "tests/harness/tmp.h"

static const char abc_digest[] =
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static void spill(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

static int file_exists(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static void basics(const char *dir, struct keyring *kr)
{
	char digest[BLOB_DIGEST_HEX_LEN + 1];
	uint8_t *data = NULL;
	size_t len = 0;

	CHECK(blob_put(dir, kr, "abc", 3, digest) == 0 &&
		      !strcmp(digest, abc_digest),
	      "the blob is named by the SHA-256 of its bytes");
	CHECK(blob_get(dir, kr, digest, &data, &len) == 0 && len == 3 &&
		      !memcmp(data, "abc", 3),
	      "reading by digest returns the bytes");
	free(data);
	data = NULL;
	CHECK(blob_put(dir, kr, "abc", 3, digest) == 0,
	      "storing the same bytes again succeeds");
	CHECK(blob_put(dir, kr, "", 0, digest) == 0 &&
		      blob_get(dir, kr, digest, &data, &len) == 0 && len == 0,
	      "an empty blob round-trips");
	free(data);
	data = NULL;
	CHECK(blob_get(dir, kr, "../etc/passwd", &data, &len) == -EINVAL,
	      "a path in place of a digest is refused");
	CHECK(blob_get(dir, kr, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		       &data, &len) == -EINVAL,
	      "an upper-case digest is refused");
	CHECK(blob_get(dir, kr, "ba7816bf", &data, &len) == -EINVAL,
	      "a short digest is refused");
	CHECK(blob_get(dir, kr,
		       "0000000000000000000000000000000000000000000000000000000000000000",
		       &data, &len) == -ENOENT,
	      "an unknown digest is -ENOENT");
	CHECK(blob_put(dir, kr, "x", BLOB_SIZE_MAX + 1, digest) == -E2BIG,
	      "a blob over BLOB_SIZE_MAX is refused");
}

/* Found in review (issue 7): blobs lay on disk in plaintext. */
static void sealed_at_rest(const char *dir, struct keyring *kr)
{
	static const char secret[] = "the secret input of a function";
	char digest[BLOB_DIGEST_HEX_LEN + 1], other[BLOB_DIGEST_HEX_LEN + 1];
	uint8_t *data = NULL;
	size_t len = 0, olen = 0;
	char *raw, *moved;

	blob_put(dir, kr, secret, sizeof(secret) - 1, digest);
	raw = harness_read_file_in(dir, digest, &len);
	CHECK(raw && len > sizeof(secret) && !memmem(raw, len, "secret", 6),
	      "a stored blob does not hold its plaintext");
	/* Flip one byte of the ciphertext. */
	if (raw) {
		raw[len - 20] ^= 1;
		spill(dir, digest, raw, len);
		raw[len - 20] ^= 1;
	}
	CHECK(blob_get(dir, kr, digest, &data, &len) == -EBADMSG,
	      "a sealed blob changed on disk is detected");
	spill(dir, digest, raw, len);
	/* A sealed blob copied under another name does not open there. */
	blob_put(dir, kr, "other", 5, other);
	moved = harness_read_file_in(dir, digest, &olen);
	if (moved)
		spill(dir, other, moved, olen);
	CHECK(blob_get(dir, kr, other, &data, &len) == -EBADMSG,
	      "a sealed blob moved to another name does not open");
	free(moved);
	free(raw);
	/* Plaintext written before sealing, with the wrong bytes. */
	spill(dir, abc_digest, "abd", 3);
	CHECK(blob_get(dir, kr, abc_digest, &data, &len) == -EBADMSG,
	      "a plaintext blob whose bytes changed on disk is detected");
}

static void rotation(const char *dir, struct keyring *kr)
{
	char digest[BLOB_DIGEST_HEX_LEN + 1];
	uint8_t k2[32], *data = NULL;
	size_t len = 0, n = 0;
	struct keyring *only_k2 = NULL;
	char *raw;

	spill(dir, abc_digest, "abc", 3); /* a blob from before sealing */
	CHECK(blob_get(dir, kr, abc_digest, &data, &len) == 0 && len == 3,
	      "a legacy plaintext blob that hashes to its name still reads");
	free(data);
	data = NULL;
	blob_put(dir, kr, "under k1", 8, digest);
	test_key(k2, 0x40);
	keyring_add(kr, "k2", k2);
	keyring_set_current(kr, "k2");
	CHECK(blob_rewrap(dir, kr, &n) == 0 && n >= 2,
	      "rewrap re-seals the k1 and plaintext blobs under k2 (%zu)", n);
	raw = harness_read_file_in(dir, abc_digest, &len);
	CHECK(raw && len > 3, "the legacy blob is sealed after rewrap");
	free(raw);
	keyring_new(&only_k2);
	keyring_add(only_k2, "k2", k2);
	CHECK(blob_get(dir, only_k2, digest, &data, &len) == 0 && len == 8 &&
		      !memcmp(data, "under k1", 8),
	      "after rewrap the blob reads with k2 alone");
	free(data);
	data = NULL;
	CHECK(blob_rewrap(dir, kr, &n) == 0 && n == 0,
	      "a second rewrap has nothing left to do");
	keyring_free(only_k2);
}

/* Found in review (issue 7, F15): a kill -9 during an upload left
 * .tmp-* files forever. */
static void leftovers(const char *dir, struct keyring *kr)
{
	char digest[BLOB_DIGEST_HEX_LEN + 1];
	size_t n = 0;

	spill(dir, ".tmp-0011223344556677", "half a blob", 11);
	spill(dir, ".tmp-deadbeefdeadbeef", "", 0);
	blob_put(dir, kr, "kept", 4, digest);
	CHECK(blob_clean_tmp(dir, &n) == 0 && n == 2 &&
		      !file_exists(dir, ".tmp-0011223344556677") &&
		      !file_exists(dir, ".tmp-deadbeefdeadbeef") &&
		      file_exists(dir, digest),
	      "cleaning removes the temporary files and keeps the blobs");
}

int main(void)
{
	char dirbuf[128];
	char *dir = harness_temp_dir(dirbuf, sizeof(dirbuf), "test") == 0 ? dirbuf : NULL;
	struct keyring *kr = NULL;
	uint8_t k1[32];

	if (!dir || keyring_new(&kr) < 0)
		return 1;
	test_key(k1, 1);
	keyring_add(kr, "k1", k1);
	basics(dir, kr);
	sealed_at_rest(dir, kr);
	rotation(dir, kr);
	leftovers(dir, kr);
	keyring_free(kr);
	harness_remove_tree(dir);
	TAP_DONE();
}
