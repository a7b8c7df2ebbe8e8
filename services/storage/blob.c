#include "services/storage/blob.h"

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

int blob_put(const char *dir, const void *data, size_t len,
	     char digest[BLOB_DIGEST_HEX_LEN + 1])
{
	char tmp[32], hex[BLOB_DIGEST_HEX_LEN + 1];
	unsigned char rnd[8];
	int dfd, fd, rc;

	if (len > BLOB_SIZE_MAX)
		return -E2BIG;
	if (!data && len)
		return -EINVAL;
	rc = sha256_hex(data, len, hex);
	if (rc < 0)
		return rc;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -EIO;
	snprintf(tmp, sizeof(tmp), ".tmp-%02x%02x%02x%02x%02x%02x%02x%02x",
		 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6],
		 rnd[7]);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		goto out_dir;
	}
	rc = write_all(fd, data, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	/* Same name means same bytes, so replacing an existing blob is
	 * harmless and keeps this path free of a check-then-act race. */
	if (rc == 0 && renameat(dfd, tmp, dfd, hex) < 0)
		rc = -errno;
	if (rc < 0) {
		unlinkat(dfd, tmp, 0);
		goto out_dir;
	}
	if (fsync(dfd) < 0) {
		rc = -errno;
		goto out_dir;
	}
	memcpy(digest, hex, sizeof(hex));
out_dir:
	close(dfd);
	return rc;
}

int blob_get(const char *dir, const char *digest, uint8_t **data,
	     size_t *len)
{
	char hex[BLOB_DIGEST_HEX_LEN + 1];
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int dfd, fd, rc;

	if (!blob_digest_valid(digest))
		return -EINVAL;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = openat(dfd, digest, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	rc = fd < 0 ? -errno : 0;
	close(dfd);
	if (rc < 0)
		return rc;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out_fd;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > BLOB_SIZE_MAX) {
		rc = -EINVAL;
		goto out_fd;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out_fd;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			goto out_buf;
		}
		got += (size_t)n;
	}
	rc = sha256_hex(buf, got, hex);
	if (rc == 0 && CRYPTO_memcmp(hex, digest, BLOB_DIGEST_HEX_LEN))
		rc = -EBADMSG;
	if (rc < 0)
		goto out_buf;
	buf[got] = 0;
	*data = buf;
	*len = got;
	close(fd);
	return 0;
out_buf:
	free(buf);
out_fd:
	close(fd);
	return rc;
}
