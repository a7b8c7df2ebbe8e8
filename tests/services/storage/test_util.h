/* SPDX-License-Identifier: Apache-2.0 */
/* Keys shared by the storage tests (scratch directories: tests/harness). */
#ifndef KETTLE_TESTS_STORAGE_UTIL_H
#define KETTLE_TESTS_STORAGE_UTIL_H

#include <stdint.h>

static inline void test_key(uint8_t key[32], uint8_t fill)
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(fill + i);
}

#endif
