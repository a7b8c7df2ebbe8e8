/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/stack.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "vmm/layout.h"

/* Identity a static binary sees; the syscall layer reports the same ids. */
#define GUEST_UID 1000
#define GUEST_GID 1000

static size_t count(char *const v[])
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* Copies s below *sp and returns its guest address. */
static uint64_t push_string(struct gmem *m, uint64_t *sp, const char *s)
{
	size_t n = strlen(s) + 1;
	*sp -= n;
	gmem_write(m, *sp, s, n, GMEM_PAGE_DATA);
	return *sp;
}

int stack_build(struct gmem *m, uint64_t top, const struct elf_image *img, char *const argv[], char *const envp[],
		const uint8_t random[16], uint64_t *rsp)
{
	size_t argc = count(argv), envc = count(envp), bytes = 0;
	for (size_t i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1 + sizeof(uint64_t);
	for (size_t i = 0; i < envc; i++)
		bytes += strlen(envp[i]) + 1 + sizeof(uint64_t);
	if (bytes > STACK_ARGS_MAX)
		return -E2BIG;
	if (top % GUEST_PAGE || top < GPA_USER_LO + 2 * GUEST_PAGE + STACK_ARGS_MAX + 4096 || top > m->size)
		return -EINVAL;

	/* The top page carries only AT_RANDOM: random by design, so its
	 * contents cannot be part of a reproducible launch measurement. */
	uint64_t random_at = top - GUEST_PAGE;
	gmem_write(m, random_at, random, 16, GMEM_PAGE_UNMEASURED);
	gmem_mark(m, random_at, GUEST_PAGE, GMEM_PAGE_UNMEASURED);

	uint64_t sp = random_at;
	uint64_t platform = push_string(m, &sp, "x86_64");
	uint64_t execfn = push_string(m, &sp, argc ? argv[0] : "");
	uint64_t env_at[envc + 1], arg_at[argc + 1];
	for (size_t i = envc; i-- > 0;)
		env_at[i] = push_string(m, &sp, envp[i]);
	for (size_t i = argc; i-- > 0;)
		arg_at[i] = push_string(m, &sp, argv[i]);

	const uint64_t auxv[][2] = {
		{ AT_PHDR, img->phdr },   { AT_PHENT, img->phent },   { AT_PHNUM, img->phnum },
		{ AT_PAGESZ, GUEST_PAGE }, { AT_BASE, 0 },            { AT_FLAGS, 0 },
		{ AT_ENTRY, img->entry }, { AT_UID, GUEST_UID },     { AT_EUID, GUEST_UID },
		{ AT_GID, GUEST_GID },    { AT_EGID, GUEST_GID },    { AT_PLATFORM, platform },
		{ AT_HWCAP, 0 },          { AT_CLKTCK, 100 },        { AT_SECURE, 0 },
		{ AT_RANDOM, random_at }, { AT_HWCAP2, 0 },          { AT_EXECFN, execfn },
		{ AT_NULL, 0 },
	};
	size_t words = 1 + argc + 1 + envc + 1 + 2 * (sizeof auxv / sizeof auxv[0]);
	sp = (sp - words * sizeof(uint64_t)) & ~15ull; /* rsp is 16-byte aligned at argc */

	uint64_t at = sp, argc64 = argc, zero = 0;
	gmem_write(m, at, &argc64, 8, GMEM_PAGE_DATA), at += 8;
	for (size_t i = 0; i < argc; i++)
		gmem_write(m, at, &arg_at[i], 8, GMEM_PAGE_DATA), at += 8;
	gmem_write(m, at, &zero, 8, GMEM_PAGE_DATA), at += 8;
	for (size_t i = 0; i < envc; i++)
		gmem_write(m, at, &env_at[i], 8, GMEM_PAGE_DATA), at += 8;
	gmem_write(m, at, &zero, 8, GMEM_PAGE_DATA), at += 8;
	gmem_write(m, at, auxv, sizeof auxv, GMEM_PAGE_DATA);
	*rsp = sp;
	return 0;
}
