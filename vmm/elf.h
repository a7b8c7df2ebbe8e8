/* SPDX-License-Identifier: Apache-2.0 */
/* Validating and loading a static x86-64 ELF executable into guest memory. */
#ifndef KETTLE_VMM_ELF_H
#define KETTLE_VMM_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/gmem.h"

struct elf_image {
	uint64_t entry;
	uint64_t phdr; /* guest address of the program headers (AT_PHDR) */
	uint64_t phnum, phent;
	uint64_t end; /* first page past the highest segment: brk starts here */
};

/* Checks that file[0..len) is a static x86-64 executable whose segments fit
 * in guest memory below limit, and copies them in. Returns 0, or -ENOEXEC
 * (not a program we can run) / -E2BIG (does not fit) with a one-line reason
 * in err. Static PIE (ET_DYN without an interpreter) is loaded at 4 MiB. */
int elf_load(struct gmem *m, uint64_t limit, const uint8_t *file, size_t len, struct elf_image *out, char *err,
	     size_t errlen);

#endif
