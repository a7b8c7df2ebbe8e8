/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/codec.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

void hex_encode(const void *data, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *hex, uint8_t *out, size_t len)
{
	if (!hex || strlen(hex) != 2 * len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int hex_decode_max(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = hex ? strlen(hex) : 0;
	if (n == 0 || n % 2)
		return -EINVAL;
	if (n / 2 > cap)
		return -EFBIG;
	int rc = hex_decode(hex, out, n / 2);
	if (rc == 0)
		*len = n / 2;
	return rc;
}

char *base64_encode(const void *data, size_t len)
{
	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return NULL;
	size_t out_len = 4 * ((len + 2) / 3);
	char *out = malloc(out_len + 1);
	if (!out)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	out[out_len] = '\0';
	return out;
}

/* Value of a character in the given alphabet (62nd and 63rd symbols), or
 * -1. */
static int sextet(char c, char c62, char c63)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == c62)
		return 62;
	if (c == c63)
		return 63;
	return -1;
}

/* Decodes n characters without padding; a final group of 2 or 3 characters
 * must leave its unused low bits zero, so each value has one spelling. */
static int decode_sextets(const char *in, size_t n, char c62, char c63,
			  uint8_t *out, size_t cap, size_t *out_len)
{
	if (n % 4 == 1)
		return -EINVAL;
	size_t dec = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (dec > cap)
		return -EFBIG;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int v = sextet(in[i], c62, c63);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits && (acc & ((1u << bits) - 1)))
		return -EINVAL;
	*out_len = o;
	return 0;
}

int base64_decode(const char *text, size_t len, uint8_t *out, size_t cap,
		  size_t *out_len)
{
	if (len % 4)
		return -EINVAL;
	size_t pad = 0;
	if (len && text[len - 1] == '=')
		pad = text[len - 2] == '=' ? 2 : 1;
	return decode_sextets(text, len - pad, '+', '/', out, cap, out_len);
}

int base64_decode_alloc(const char *text, size_t len, uint8_t **out,
			size_t *out_len)
{
	if (len % 4)
		return -EINVAL;
	size_t cap = len / 4 * 3;
	uint8_t *buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	int rc = base64_decode(text, len, buf, cap, out_len);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[*out_len] = 0;
	*out = buf;
	return 0;
}

int base64url_decode(const char *text, size_t len, uint8_t *out, size_t cap,
		     size_t *out_len)
{
	size_t n = len;
	if (n % 4 == 0 && n && text[n - 1] == '=')
		n -= text[n - 2] == '=' ? 2 : 1;
	return decode_sextets(text, n, '-', '_', out, cap, out_len);
}
