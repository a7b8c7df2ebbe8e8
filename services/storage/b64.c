#include "services/storage/b64.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

char *b64_encode(const void *data, size_t len)
{
	size_t out_len;
	char *out;

	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return NULL;
	out_len = 4 * ((len + 2) / 3);
	out = malloc(out_len + 1);
	if (!out)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	out[out_len] = 0;
	return out;
}

static int b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int b64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len)
{
	size_t pad = 0;
	uint8_t *buf;
	int n;

	/* EVP_DecodeBlock skips whitespace and ignores padding, so the
	 * canonical form is checked here first. */
	if (len % 4 || len > INT_MAX)
		return -EINVAL;
	if (len && text[len - 1] == '=')
		pad = text[len - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < len - pad; i++)
		if (!b64_char(text[i]))
			return -EINVAL;
	buf = malloc(len / 4 * 3 + 1);
	if (!buf)
		return -ENOMEM;
	n = len ? EVP_DecodeBlock(buf, (const unsigned char *)text, (int)len)
		: 0;
	if (n < 0 || (size_t)n < pad) {
		free(buf);
		return -EINVAL;
	}
	*out_len = (size_t)n - pad;
	buf[*out_len] = 0;
	*out = buf;
	return 0;
}
