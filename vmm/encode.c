#include "encode.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

void vmm_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

json_t *vmm_json_base64(const uint8_t *p, size_t n)
{
	if (n > (size_t)INT32_MAX / 2)
		return NULL;
	char *text = malloc(4 * ((n + 2) / 3) + 1);
	if (!text)
		return NULL;
	EVP_EncodeBlock((unsigned char *)text, p ? p : (const uint8_t *)"", (int)n);
	json_t *s = json_string(text);
	free(text);
	return s;
}

json_t *vmm_json_hex(const uint8_t *p, size_t n)
{
	char *text = malloc(2 * n + 1);
	if (!text)
		return NULL;
	vmm_hex(p, n, text);
	json_t *s = json_string(text);
	free(text);
	return s;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vmm_unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n % 2 || n / 2 > max)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}
