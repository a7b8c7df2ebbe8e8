/* Lower-case hex for digests in the event log. */
#ifndef KETTLE_ATTEST_TPM_HEX_H
#define KETTLE_ATTEST_TPM_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*len chars and a NUL. */
void hex_encode(const void *data, size_t len, char *out);
/* Decodes exactly `len` bytes from a string of exactly 2*len hex digits;
 * 0 or -EINVAL. */
int hex_decode(const char *hex, uint8_t *out, size_t len);

#endif
