/* SPDX-License-Identifier: Apache-2.0 */
/* JSON strings of the lib/codec.h encodings, for results and evidence. */
#ifndef KETTLE_VMM_ENCODE_H
#define KETTLE_VMM_ENCODE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* JSON strings of base64 and hex encodings; NULL without memory. */
json_t *vmm_json_base64(const uint8_t *p, size_t n);
json_t *vmm_json_hex(const uint8_t *p, size_t n);

#endif
