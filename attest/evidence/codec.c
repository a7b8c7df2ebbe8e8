/* base64 and hex for the bundle's byte strings, strict: one encoding per
 * value, so a changed character is never silently accepted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "attest/evidence/evidence_int.h"
#include "lib/codec.h"

static int b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int evidence_b64_decode(const char *in, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = in ? strlen(in) : 0;
	if (n == 0 || n % 4)
		return -EINVAL;
	size_t pad = in[n - 1] == '=' ? (in[n - 2] == '=' ? 2 : 1) : 0;
	for (size_t i = 0; i < n - pad; i++)
		if (!b64_char(in[i]))
			return -EINVAL;
	size_t dec = n / 4 * 3 - pad;
	if (dec > cap)
		return -EFBIG;
	/* EVP_DecodeBlock writes whole groups of three, padding included. */
	uint8_t *tmp = malloc(n / 4 * 3);
	char *again = malloc(n + 1);
	int rc = -ENOMEM;
	if (!tmp || !again)
		goto out;
	rc = -EINVAL;
	if (EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)n) != (int)(n / 4 * 3))
		goto out;
	/* Re-encoding must give the input back: this rejects non-zero
	 * padding bits, which decoders otherwise ignore. */
	if (EVP_EncodeBlock((unsigned char *)again, tmp, (int)dec) != (int)n ||
	    memcmp(again, in, n) != 0)
		goto out;
	memcpy(out, tmp, dec);
	*len = dec;
	rc = 0;
out:
	free(tmp);
	free(again);
	return rc;
}

int evidence_hex_decode(const char *in, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = in ? strlen(in) : 0;
	if (n == 0 || n % 2 || n / 2 > cap)
		return -EINVAL;
	if (hex_decode(in, out, n / 2))
		return -EINVAL;
	*len = n / 2;
	return 0;
}
