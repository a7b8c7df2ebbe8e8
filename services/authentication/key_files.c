/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/key_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "lib/codec.h"
#include "lib/io.h"
#include "services/authentication/token.h"

#define PEM_MAX (16 << 10)

/* Creates path with mode 0600 holding len bytes; -EEXIST if it exists. */
static int create_secret_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0)
		return -errno;
	rc = write_all(fd, data, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	close(fd);
	if (rc < 0)
		unlink(path);
	return rc;
}

/* The whole private file, refused if others may read or write it. */
static int read_private(const char *path, size_t max, uint8_t **buf,
			size_t *len)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (st.st_mode & 077)
		return -EPERM;
	return read_file_max(path, max, buf, len);
}

static int make_secret(const char *path)
{
	uint8_t key[32];
	char hex[65];
	int rc;

	if (RAND_bytes(key, sizeof(key)) != 1)
		return -EIO;
	hex_encode(key, sizeof(key), hex);
	hex[64] = '\n';
	rc = create_secret_file(path, hex, sizeof(hex));
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	return rc == -EEXIST ? 0 : rc;
}

int key_file_secret(const char *path, uint8_t key[32])
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = read_private(path, 128, &buf, &len);

	if (rc == -ENOENT) {
		rc = make_secret(path);
		if (rc == 0)
			rc = read_private(path, 128, &buf, &len);
	}
	if (rc < 0)
		return rc;
	if (len && buf[len - 1] == '\n')
		buf[--len] = 0;
	rc = len == 64 ? hex_decode((const char *)buf, key, 32) : -EINVAL;
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

static int make_token_key(const char *path)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem;
	long n;
	int rc = -ENOMEM;

	if (!key || !bio)
		goto out;
	rc = -EIO;
	if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) != 1)
		goto out;
	n = BIO_get_mem_data(bio, &pem);
	if (n > 0)
		rc = create_secret_file(path, pem, (size_t)n);
	if (rc == -EEXIST)
		rc = 0;
out:
	BIO_free_all(bio);
	EVP_PKEY_free(key);
	return rc;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return b && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int key_file_token_signer(const char *path, const char *tls_key,
			  struct token_signer **out)
{
	uint8_t *pem = NULL;
	size_t len = 0;
	int rc;

	if (same_file(path, tls_key))
		return -EEXIST;
	rc = read_private(path, PEM_MAX, &pem, &len);

	if (rc == -ENOENT) {
		rc = make_token_key(path);
		if (rc == 0)
			rc = read_private(path, PEM_MAX, &pem, &len);
	}
	if (rc < 0)
		return rc;
	rc = token_signer_from_pem(out, (const char *)pem, len);
	OPENSSL_cleanse(pem, len);
	free(pem);
	return rc;
}
