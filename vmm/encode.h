/* Text encodings for results and evidence. */
#ifndef KETTLE_VMM_ENCODE_H
#define KETTLE_VMM_ENCODE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void vmm_hex(const uint8_t *p, size_t n, char *out);
/* JSON strings of base64 and hex encodings; NULL without memory. */
json_t *vmm_json_base64(const uint8_t *p, size_t n);
json_t *vmm_json_hex(const uint8_t *p, size_t n);
/* Parses hex into at most max bytes; the length or -EINVAL. */
int vmm_unhex(const char *s, uint8_t *out, size_t max);

#endif
