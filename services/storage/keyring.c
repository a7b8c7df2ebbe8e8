/* SPDX-License-Identifier: Apache-2.0 */
#include "services/storage/keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lib/codec.h"

struct keyring_entry {
	char id[KEYRING_ID_MAX + 1];
	uint8_t key[KEYRING_KEY_LEN];
};

struct keyring {
	struct keyring_entry entries[KEYRING_MAX_KEYS];
	size_t count;
	size_t current;
};

int keyring_new(struct keyring **out)
{
	struct keyring *kr = calloc(1, sizeof(*kr));

	if (!kr)
		return -ENOMEM;
	*out = kr;
	return 0;
}

void keyring_free(struct keyring *kr)
{
	if (!kr)
		return;
	OPENSSL_cleanse(kr, sizeof(*kr));
	free(kr);
}

int keyring_id_valid(const char *id, size_t len)
{
	if (len == 0 || len > KEYRING_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static long keyring_index(const struct keyring *kr, const char *id,
			  size_t id_len)
{
	for (size_t i = 0; i < kr->count; i++)
		if (strlen(kr->entries[i].id) == id_len &&
		    memcmp(kr->entries[i].id, id, id_len) == 0)
			return (long)i;
	return -1;
}

int keyring_add(struct keyring *kr, const char *id,
		const uint8_t key[KEYRING_KEY_LEN])
{
	size_t len = strlen(id);

	if (!keyring_id_valid(id, len))
		return -EINVAL;
	if (keyring_index(kr, id, len) >= 0)
		return -EEXIST;
	if (kr->count == KEYRING_MAX_KEYS)
		return -ENOSPC;
	memcpy(kr->entries[kr->count].id, id, len + 1);
	memcpy(kr->entries[kr->count].key, key, KEYRING_KEY_LEN);
	kr->count++;
	return 0;
}

/* Accepts the two encodings an operator is likely to produce with
 * `head -c32 /dev/urandom` or `openssl rand -hex 32`. */
static int keyring_parse(const uint8_t *buf, size_t len,
			 uint8_t key[KEYRING_KEY_LEN])
{
	if (len == KEYRING_KEY_LEN) {
		memcpy(key, buf, KEYRING_KEY_LEN);
		return 0;
	}
	if (len == 2 * KEYRING_KEY_LEN + 1 && buf[len - 1] == '\n')
		len--;
	if (len != 2 * KEYRING_KEY_LEN)
		return -EINVAL;
	char hex[2 * KEYRING_KEY_LEN + 1];
	memcpy(hex, buf, len);
	hex[len] = 0;
	int rc = hex_decode(hex, key, KEYRING_KEY_LEN);
	OPENSSL_cleanse(hex, sizeof(hex));
	return rc;
}

int keyring_load_file(struct keyring *kr, const char *id, const char *path)
{
	uint8_t buf[2 * KEYRING_KEY_LEN + 2];
	uint8_t key[KEYRING_KEY_LEN];
	struct stat st;
	size_t len = 0;
	int rc, fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out_close;
	}
	if (st.st_mode & 0007) {
		rc = -EPERM;
		goto out_close;
	}
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out_clean;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = keyring_parse(buf, len, key);
	if (rc == 0)
		rc = keyring_add(kr, id, key);
out_clean:
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(key, sizeof(key));
out_close:
	close(fd);
	return rc;
}

int keyring_set_current(struct keyring *kr, const char *id)
{
	long i = keyring_index(kr, id, strlen(id));

	if (i < 0)
		return -ENOENT;
	kr->current = (size_t)i;
	return 0;
}

const char *keyring_current_id(const struct keyring *kr)
{
	return kr->count ? kr->entries[kr->current].id : NULL;
}

const uint8_t *keyring_find(const struct keyring *kr, const char *id,
			    size_t id_len)
{
	long i = keyring_index(kr, id, id_len);

	return i < 0 ? NULL : kr->entries[i].key;
}
