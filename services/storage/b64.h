/* Standard base64 (RFC 4648, with padding) for values in JSON bodies. */
#ifndef KETTLE_STORAGE_B64_H
#define KETTLE_STORAGE_B64_H

#include <stddef.h>
#include <stdint.h>

/* A malloc'd NUL-terminated encoding of data, or NULL. */
char *b64_encode(const void *data, size_t len);

/* Decodes text (len chars) strictly: padding required, no whitespace, no
 * bytes after the padding. *out malloc'd (NUL-terminated beyond *out_len).
 * -EINVAL for anything that is not canonical base64. */
int b64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len);

#endif
