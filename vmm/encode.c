/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/encode.h"

#include "lib/codec.h"

#include <stdlib.h>
#include <string.h>

json_t *vmm_json_base64(const uint8_t *p, size_t n)
{
	char *text = base64_encode(p ? p : (const uint8_t *)"", n);
	if (!text)
		return NULL;
	json_t *s = json_string(text);
	free(text);
	return s;
}

json_t *vmm_json_hex(const uint8_t *p, size_t n)
{
	char *text = malloc(2 * n + 1);
	if (!text)
		return NULL;
	hex_encode(p, n, text);
	json_t *s = json_string(text);
	free(text);
	return s;
}
