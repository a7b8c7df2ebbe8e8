/* SPDX-License-Identifier: Apache-2.0 */
/* The Linux initial process stack: argc, argv, envp, auxv and the strings
 * they point to, as the kernel builds it for execve. */
#ifndef KETTLE_VMM_STACK_H
#define KETTLE_VMM_STACK_H

#include <stdint.h>

#include "vmm/elf.h"
#include "vmm/gmem.h"

/* Most bytes of argument and environment strings and pointers accepted. */
#define STACK_ARGS_MAX (256u << 10)

/* Builds the stack just below top (page aligned; the top page holds
 * AT_RANDOM and is marked unmeasured) with random[16] as the AT_RANDOM bytes.
 * Stores the initial rsp. Returns 0, -E2BIG if the strings are too large. */
int stack_build(struct gmem *m, uint64_t top, const struct elf_image *img, char *const argv[], char *const envp[],
		const uint8_t random[16], uint64_t *rsp);

#endif
