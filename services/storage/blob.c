/* SPDX-License-Identifier: Apache-2.0 */
#include "services/storage/blob.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "lib/codec.h"
#include "lib/io.h"
#include "services/storage/record.h"

#define TMP_PREFIX ".tmp-"
#define BLOB_CTX_LEN (5 + BLOB_DIGEST_HEX_LEN)

int blob_digest_valid(const char *digest)
{
	if (!digest || strnlen(digest, BLOB_DIGEST_HEX_LEN + 1) !=
			       BLOB_DIGEST_HEX_LEN)
		return 0;
	for (size_t i = 0; i < BLOB_DIGEST_HEX_LEN; i++)
		if (!((digest[i] >= '0' && digest[i] <= '9') ||
		      (digest[i] >= 'a' && digest[i] <= 'f')))
			return 0;
	return 1;
}

static int sha256_hex(const void *data, size_t len,
		      char out[BLOB_DIGEST_HEX_LEN + 1])
{
	unsigned char md[32];
	unsigned int md_len = 0;

	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 ||
	    md_len != sizeof(md))
		return -EIO;
	hex_encode(md, sizeof(md), out);
	return 0;
}

/* The AAD of a sealed blob: "blob" 0x00 and its name. */
static size_t blob_context(uint8_t ctx[BLOB_CTX_LEN], const char *digest)
{
	memcpy(ctx, "blob", 5);
	memcpy(ctx + 5, digest, BLOB_DIGEST_HEX_LEN);
	return BLOB_CTX_LEN;
}

/* Writes bytes to dir/name through a temporary file, fsync and rename. */
static int write_atomic(int dfd, const char *name, const void *bytes,
			size_t len)
{
	char tmp[32];
	unsigned char rnd[8];
	int fd, rc;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -EIO;
	memcpy(tmp, TMP_PREFIX, sizeof(TMP_PREFIX) - 1);
	hex_encode(rnd, sizeof(rnd), tmp + sizeof(TMP_PREFIX) - 1);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, bytes, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	/* Same name means same plaintext, so replacing an existing blob is
	 * harmless and keeps this path free of a check-then-act race. */
	if (rc == 0 && renameat(dfd, tmp, dfd, name) < 0)
		rc = -errno;
	if (rc < 0) {
		unlinkat(dfd, tmp, 0);
		return rc;
	}
	return fsync(dfd) < 0 ? -errno : 0;
}

int blob_put(const char *dir, const struct keyring *kr, const void *data,
	     size_t len, char digest[BLOB_DIGEST_HEX_LEN + 1])
{
	char hex[BLOB_DIGEST_HEX_LEN + 1];
	uint8_t ctx[BLOB_CTX_LEN], *rec = NULL;
	size_t rec_len;
	int dfd, rc;

	if (len > BLOB_SIZE_MAX)
		return -E2BIG;
	if (!data && len)
		return -EINVAL;
	rc = sha256_hex(data, len, hex);
	if (rc == 0)
		rc = record_seal(kr, ctx, blob_context(ctx, hex), data, len, &rec,
				 &rec_len);
	if (rc < 0)
		return rc;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = -errno;
		goto out_rec;
	}
	rc = write_atomic(dfd, hex, rec, rec_len);
	close(dfd);
	if (rc == 0)
		memcpy(digest, hex, sizeof(hex));
out_rec:
	free(rec);
	return rc;
}

/* The stored bytes of dir/digest (sealed or legacy plaintext). */
static int read_stored(int dfd, const char *digest, uint8_t **out,
		       size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd, rc;

	fd = openat(dfd, digest, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out_fd;
	}
	if (!S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > BLOB_SIZE_MAX + RECORD_OVERHEAD_MAX) {
		rc = -EINVAL;
		goto out_fd;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out_fd;
	}
	rc = read_all(fd, buf, (size_t)st.st_size);
	if (rc < 0) {
		free(buf);
		goto out_fd;
	}
	*out = buf;
	*len = (size_t)st.st_size;
out_fd:
	close(fd);
	return rc;
}

/* Opens stored bytes: a record sealed for this name, or (written before
 * blobs were sealed) plaintext hashing to it. *sealed_current says whether
 * it is already sealed under the current key. */
static int open_stored(const struct keyring *kr, const char *digest,
		       uint8_t *raw, size_t raw_len, uint8_t **pt,
		       size_t *pt_len, int *sealed_current)
{
	char hex[BLOB_DIGEST_HEX_LEN + 1];
	uint8_t ctx[BLOB_CTX_LEN];
	const char *cur = keyring_current_id(kr);
	int rc;

	rc = record_open(kr, ctx, blob_context(ctx, digest), raw, raw_len, pt,
			 pt_len);
	if (rc == 0) {
		size_t n = strlen(cur);
		*sealed_current = raw_len >= 2 + n && raw[1] == n &&
				  !memcmp(raw + 2, cur, n);
	} else if (raw_len <= BLOB_SIZE_MAX &&
		   sha256_hex(raw, raw_len, hex) == 0 &&
		   !CRYPTO_memcmp(hex, digest, BLOB_DIGEST_HEX_LEN)) {
		/* Legacy plaintext: its name proves its integrity. */
		*pt = malloc(raw_len + 1);
		if (!*pt)
			return -ENOMEM;
		memcpy(*pt, raw, raw_len);
		(*pt)[raw_len] = 0;
		*pt_len = raw_len;
		*sealed_current = 0;
		return 0;
	} else {
		return rc == -ENOKEY ? rc : -EBADMSG;
	}
	/* A sealed blob must still hash to its name. */
	rc = sha256_hex(*pt, *pt_len, hex);
	if (rc == 0 && CRYPTO_memcmp(hex, digest, BLOB_DIGEST_HEX_LEN))
		rc = -EBADMSG;
	if (rc < 0) {
		free(*pt);
		*pt = NULL;
	}
	return rc;
}

int blob_get(const char *dir, const struct keyring *kr, const char *digest,
	     uint8_t **data, size_t *len)
{
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	int dfd, rc, current;

	if (!blob_digest_valid(digest))
		return -EINVAL;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	rc = read_stored(dfd, digest, &raw, &raw_len);
	close(dfd);
	if (rc < 0)
		return rc;
	rc = open_stored(kr, digest, raw, raw_len, data, len, &current);
	free(raw);
	return rc;
}

/* Re-seals one blob if it is not under the current key. */
static int rewrap_one(int dfd, const struct keyring *kr, const char *digest,
		      size_t *count)
{
	uint8_t *raw = NULL, *pt = NULL, *rec = NULL, ctx[BLOB_CTX_LEN];
	size_t raw_len = 0, pt_len = 0, rec_len;
	int rc, current = 0;

	rc = read_stored(dfd, digest, &raw, &raw_len);
	if (rc == 0)
		rc = open_stored(kr, digest, raw, raw_len, &pt, &pt_len, &current);
	free(raw);
	if (rc < 0 || current)
		goto out;
	rc = record_seal(kr, ctx, blob_context(ctx, digest), pt, pt_len, &rec,
			 &rec_len);
	if (rc == 0)
		rc = write_atomic(dfd, digest, rec, rec_len);
	if (rc == 0)
		(*count)++;
out:
	if (pt)
		OPENSSL_cleanse(pt, pt_len);
	free(pt);
	free(rec);
	return rc;
}

/* Calls fn for every entry of dir; stops at the first error. */
static int each_entry(const char *dir, int (*fn)(int dfd, const char *name,
						 void *arg),
		      void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -errno;
	while (rc == 0 && (errno = 0, e = readdir(d)) != NULL)
		rc = fn(dirfd(d), e->d_name, arg);
	if (rc == 0 && errno)
		rc = -errno;
	closedir(d);
	return rc;
}

struct rewrap_arg {
	const struct keyring *kr;
	size_t count;
};

static int rewrap_entry(int dfd, const char *name, void *arg)
{
	struct rewrap_arg *r = arg;

	int rc;

	if (!blob_digest_valid(name))
		return 0;
	rc = rewrap_one(dfd, r->kr, name, &r->count);
	/* A blob that no longer opens stays unreadable either way; it must
	 * not keep every other blob under the old key. */
	return rc == -EBADMSG ? 0 : rc;
}

int blob_rewrap(const char *dir, const struct keyring *kr, size_t *count)
{
	struct rewrap_arg r = { kr, 0 };
	int rc = each_entry(dir, rewrap_entry, &r);

	if (count)
		*count = r.count;
	return rc;
}

static int clean_entry(int dfd, const char *name, void *arg)
{
	size_t *count = arg;

	if (strncmp(name, TMP_PREFIX, sizeof(TMP_PREFIX) - 1))
		return 0;
	if (unlinkat(dfd, name, 0) < 0)
		return errno == ENOENT ? 0 : -errno;
	(*count)++;
	return 0;
}

int blob_clean_tmp(const char *dir, size_t *count)
{
	size_t n = 0;
	int rc = each_entry(dir, clean_entry, &n);

	if (count)
		*count = n;
	return rc;
}
