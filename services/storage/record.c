/* SPDX-License-Identifier: Apache-2.0 */
#include "services/storage/record.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

/* One GCM pass in either direction; the AAD is header then context. */
static int record_gcm(int encrypt, const uint8_t *key, const uint8_t *nonce,
		      const uint8_t *hdr, size_t hdr_len, const uint8_t *ctx,
		      size_t ctx_len, const uint8_t *in, size_t in_len,
		      uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len, rc = -EIO;

	if (!c)
		return -ENOMEM;
	if (in_len > INT_MAX || ctx_len > INT_MAX)
		goto out;
	if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL,
			      encrypt) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, RECORD_NONCE_LEN,
				NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, nonce, encrypt) != 1)
		goto out;
	if (EVP_CipherUpdate(c, NULL, &len, hdr, (int)hdr_len) != 1)
		goto out;
	if (ctx_len &&
	    EVP_CipherUpdate(c, NULL, &len, ctx, (int)ctx_len) != 1)
		goto out;
	if (in_len && EVP_CipherUpdate(c, out, &len, in, (int)in_len) != 1)
		goto out;
	if (!encrypt && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG,
					    RECORD_TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(c, out + in_len, &len) != 1) {
		rc = encrypt ? -EIO : -EBADMSG;
		goto out;
	}
	if (encrypt && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG,
					   RECORD_TAG_LEN, tag) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int record_seal(const struct keyring *kr, const uint8_t *ctx, size_t ctx_len,
		const uint8_t *pt, size_t pt_len, uint8_t **out,
		size_t *out_len)
{
	const char *id = keyring_current_id(kr);
	size_t id_len, hdr_len, total;
	const uint8_t *key;
	uint8_t *rec;
	int rc;

	if (!id)
		return -ENOKEY;
	id_len = strlen(id);
	key = keyring_find(kr, id, id_len);
	hdr_len = 2 + id_len;
	if (pt_len > SIZE_MAX - RECORD_OVERHEAD_MAX)
		return -EOVERFLOW;
	total = hdr_len + RECORD_NONCE_LEN + pt_len + RECORD_TAG_LEN;
	rec = malloc(total);
	if (!rec)
		return -ENOMEM;
	rec[0] = RECORD_VERSION;
	rec[1] = (uint8_t)id_len;
	memcpy(rec + 2, id, id_len);
	if (RAND_bytes(rec + hdr_len, RECORD_NONCE_LEN) != 1) {
		free(rec);
		return -EIO;
	}
	rc = record_gcm(1, key, rec + hdr_len, rec, hdr_len, ctx, ctx_len, pt,
			pt_len, rec + hdr_len + RECORD_NONCE_LEN,
			rec + total - RECORD_TAG_LEN);
	if (rc < 0) {
		free(rec);
		return rc;
	}
	*out = rec;
	*out_len = total;
	return 0;
}

int record_open(const struct keyring *kr, const uint8_t *ctx, size_t ctx_len,
		const uint8_t *rec, size_t rec_len, uint8_t **pt,
		size_t *pt_len)
{
	size_t id_len, hdr_len, body_len;
	const uint8_t *key;
	uint8_t tag[RECORD_TAG_LEN];
	uint8_t *buf;
	int rc;

	if (rec_len < 2 || rec[0] != RECORD_VERSION)
		return -EINVAL;
	id_len = rec[1];
	hdr_len = 2 + id_len;
	if (id_len == 0 || id_len > KEYRING_ID_MAX ||
	    rec_len < hdr_len + RECORD_NONCE_LEN + RECORD_TAG_LEN)
		return -EINVAL;
	key = keyring_find(kr, (const char *)rec + 2, id_len);
	if (!key)
		return -ENOKEY;
	body_len = rec_len - hdr_len - RECORD_NONCE_LEN - RECORD_TAG_LEN;
	/* +1 so an empty value still yields a distinct, freeable buffer. */
	buf = malloc(body_len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(tag, rec + rec_len - RECORD_TAG_LEN, RECORD_TAG_LEN);
	rc = record_gcm(0, key, rec + hdr_len, rec, hdr_len, ctx, ctx_len,
			rec + hdr_len + RECORD_NONCE_LEN, body_len, buf, tag);
	if (rc < 0) {
		OPENSSL_cleanse(buf, body_len);
		free(buf);
		return rc;
	}
	buf[body_len] = 0;
	*pt = buf;
	*pt_len = body_len;
	return 0;
}
