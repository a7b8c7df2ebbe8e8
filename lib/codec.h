/* SPDX-License-Identifier: Apache-2.0 */
/* Strict hex, base64 and base64url: each value has exactly one accepted
 * spelling, so a changed character in signed or measured data is never
 * silently absorbed. OpenSSL's decoders skip whitespace and ignore padding
 * bits; these check the canonical form first and then let OpenSSL decode.
 *
 * Decoders return 0, -EINVAL for anything that is not canonical, -EFBIG when
 * the result would exceed cap, or -ENOMEM. */
#ifndef KETTLE_LIB_CODEC_H
#define KETTLE_LIB_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit (either case), or -1. */
int hex_digit(char c);
/* Lowercase hex of len bytes into out (2 * len + 1 bytes, NUL-terminated). */
void hex_encode(const void *data, size_t len, char *out);
/* Exactly len bytes from exactly 2 * len hex digits (either case). */
int hex_decode(const char *hex, uint8_t *out, size_t len);
/* A non-empty hex string of even length, at most cap bytes. */
int hex_decode_max(const char *hex, uint8_t *out, size_t cap, size_t *len);

/* Standard base64 with padding (RFC 4648 section 4); malloc'd and
 * NUL-terminated, NULL without memory or for absurd lengths. */
char *base64_encode(const void *data, size_t len);
/* len bytes of canonical padded base64 (empty allowed) into at most cap. */
int base64_decode(const char *text, size_t len, uint8_t *out, size_t cap,
		  size_t *out_len);
/* The same into a malloc'd buffer with one spare NUL byte. */
int base64_decode_alloc(const char *text, size_t len, uint8_t **out,
			size_t *out_len);

/* base64url (RFC 4648 section 5): '-' and '_', padding optional, unused
 * trailing bits zero. */
int base64url_decode(const char *text, size_t len, uint8_t *out, size_t cap,
		     size_t *out_len);

#endif
