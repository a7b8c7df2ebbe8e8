/* The evidence JSON mixes base64url (hcl_report, vcek) and hex (quote). */
#include "cli/azure/azure.h"
#include "lib/codec.h"

#include <errno.h>
#include <string.h>

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

int azure_b64url_decode(const char *in, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(in);
	while (n > 0 && in[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return -EINVAL;
	if (n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > cap)
		return -EFBIG;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(in[i]);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*len = o;
	return 0;
}

int azure_hex_decode(const char *in, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(in);
	if (n % 2)
		return -EINVAL;
	if (n / 2 > cap)
		return -EFBIG;
	if (hex_decode(in, out, n / 2))
		return -EINVAL;
	*len = n / 2;
	return 0;
}
