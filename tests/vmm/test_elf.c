/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the VMM's loader pieces that need no KVM: guest memory
 * bounds, ELF validation and loading, and the initial stack. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "vmm/elf.h"
#include "vmm/gmem.h"
#include "vmm/layout.h"
#include "vmm/stack.h"
#include "tests/tap.h"
#include "vmm/x86.h"

#define MEM (16ull << 20)

struct tiny {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t code[256];
};

static void make_tiny(struct tiny *t)
{
	memset(t, 0, sizeof *t);
	memcpy(t->eh.e_ident, ELFMAG, SELFMAG);
	t->eh.e_ident[EI_CLASS] = ELFCLASS64;
	t->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	t->eh.e_ident[EI_VERSION] = EV_CURRENT;
	t->eh.e_type = ET_EXEC;
	t->eh.e_machine = EM_X86_64;
	t->eh.e_version = EV_CURRENT;
	t->eh.e_entry = 0x400000 + offsetof(struct tiny, code);
	t->eh.e_phoff = offsetof(struct tiny, ph);
	t->eh.e_ehsize = sizeof(Elf64_Ehdr);
	t->eh.e_phentsize = sizeof(Elf64_Phdr);
	t->eh.e_phnum = 1;
	t->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0, .p_vaddr = 0x400000,
				 .p_paddr = 0x400000, .p_filesz = sizeof *t, .p_memsz = 0x3000, .p_align = 0x1000 };
	memset(t->code, 0x90, sizeof t->code);
}

static int load(struct tiny *t, size_t len, struct elf_image *img, char *err)
{
	struct gmem m;
	if (gmem_init(&m, MEM))
		return -99;
	int rc = elf_load(&m, MEM - (1 << 20), (const uint8_t *)t, len, img, err, 256);
	gmem_free(&m);
	return rc;
}

static void check_gmem(void)
{
	struct gmem m;
	CHECK(gmem_init(&m, 3 << 20) == -EINVAL, "guest memory must be a multiple of 2 MiB");
	CHECK(gmem_init(&m, 2 << 20) == -EINVAL, "guest memory below the minimum is refused");
	CHECK(gmem_init(&m, MEM) == 0, "16 MiB of guest memory");
	CHECK(gmem_ptr(&m, 0, MEM) != NULL, "the whole range is addressable");
	CHECK(gmem_ptr(&m, MEM, 0) != NULL && gmem_ptr(&m, MEM, 1) == NULL, "one past the end is empty only");
	CHECK(gmem_ptr(&m, 1, UINT64_MAX) == NULL, "a length that wraps is refused");
	CHECK(gmem_ptr(&m, UINT64_MAX, 2) == NULL, "an address that wraps is refused");
	CHECK(gmem_write(&m, MEM - 4, "12345678", 8, GMEM_PAGE_DATA) == -EFAULT, "writes past the end fail");
	CHECK(x86_write_boot(&m) == 0, "boot structures fit");
	CHECK(m.loaded[GPA_PML4 / GUEST_PAGE] == GMEM_PAGE_DATA && m.loaded[0] == GMEM_PAGE_UNTOUCHED,
	      "boot pages are marked for measurement, page 0 is not");
	uint64_t pml4;
	gmem_read(&m, GPA_PML4, &pml4, 8);
	CHECK((pml4 & ~0xfffull) == GPA_PDPT, "PML4 points at the PDPT");
	gmem_free(&m);
}

static void check_elf(void)
{
	struct tiny t;
	struct elf_image img;
	char err[256];

	make_tiny(&t);
	CHECK(load(&t, sizeof t, &img, err) == 0, "a minimal static ELF loads");
	CHECK(img.entry == t.eh.e_entry && img.end == 0x403000 && img.phdr == 0x400000 + t.eh.e_phoff &&
		      img.phnum == 1,
	      "entry, end of image and program headers are found");

	make_tiny(&t);
	t.eh.e_ident[0] = 'X';
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "no ELF magic"), "bad magic");
	make_tiny(&t);
	t.eh.e_ident[EI_CLASS] = ELFCLASS32;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "32-bit"), "32-bit ELF");
	make_tiny(&t);
	t.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC, "big-endian ELF");
	make_tiny(&t);
	t.eh.e_machine = EM_AARCH64;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "not x86-64"), "wrong machine");
	make_tiny(&t);
	t.eh.e_type = ET_REL;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC, "object file");
	make_tiny(&t);
	t.eh.e_phentsize = 10;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC, "wrong program header size");
	make_tiny(&t);
	t.eh.e_phnum = 0;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC, "no program headers");
	make_tiny(&t);
	t.eh.e_phoff = UINT64_MAX - 8;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC, "program headers past the file (wrapping)");
	make_tiny(&t);
	CHECK(load(&t, 40, &img, err) == -ENOEXEC && strstr(err, "truncated"), "truncated header");
	make_tiny(&t);
	t.ph[0].p_filesz = sizeof t + 1;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "outside the file"),
	      "segment past the end of file");
	make_tiny(&t);
	t.ph[0].p_offset = UINT64_MAX;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC, "segment offset that wraps");
	make_tiny(&t);
	t.ph[0].p_memsz = 10;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC, "filesz larger than memsz");
	make_tiny(&t);
	t.ph[0].p_vaddr = 0x1000;
	t.eh.e_entry = 0x1000 + offsetof(struct tiny, code);
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "below the lowest"),
	      "segment over the VMM's boot region");
	make_tiny(&t);
	t.ph[0].p_memsz = 64ull << 20;
	CHECK(load(&t, sizeof t, &img, err) == -E2BIG && strstr(err, "raise --mem"), "segment larger than memory");
	make_tiny(&t);
	t.ph[0].p_memsz = UINT64_MAX - 0x1000;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "wraps"), "segment that wraps");
	make_tiny(&t);
	t.eh.e_entry = 0x900000;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "entry point"), "entry outside segments");
	make_tiny(&t);
	t.eh.e_phnum = 2;
	t.ph[1] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0, .p_filesz = 4 };
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "-static"), "dynamic program");
	make_tiny(&t);
	t.ph[0].p_type = PT_NOTE;
	CHECK(load(&t, sizeof t, &img, err) == -ENOEXEC && strstr(err, "no loadable"), "no PT_LOAD");
	make_tiny(&t);
	t.eh.e_type = ET_DYN;
	t.ph[0].p_vaddr = 0;
	t.eh.e_entry = offsetof(struct tiny, code);
	CHECK(load(&t, sizeof t, &img, err) == 0 && img.entry == 0x400000 + offsetof(struct tiny, code),
	      "static PIE is loaded at 4 MiB");
}

static void check_stack(void)
{
	struct gmem m;
	struct tiny t;
	struct elf_image img;
	char err[256];
	uint8_t rnd[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	char *argv[] = { "prog", "arg one", NULL }, *envp[] = { "A=1", NULL };
	uint64_t rsp, v[8];

	make_tiny(&t);
	if (gmem_init(&m, MEM) || elf_load(&m, MEM / 2, (uint8_t *)&t, sizeof t, &img, err, sizeof err)) {
		CHECK(0, "set-up for the stack test");
		return;
	}
	CHECK(stack_build(&m, MEM, &img, argv, envp, rnd, &rsp) == 0, "stack builds");
	CHECK(rsp % 16 == 0 && rsp < MEM - GUEST_PAGE, "rsp is 16-byte aligned below the AT_RANDOM page");
	gmem_read(&m, rsp, v, sizeof v);
	CHECK(v[0] == 2, "argc");
	CHECK(!strcmp((char *)gmem_ptr(&m, v[1], 5), "prog") && !strcmp((char *)gmem_ptr(&m, v[2], 8), "arg one") &&
		      v[3] == 0,
	      "argv strings and terminator");
	CHECK(!strcmp((char *)gmem_ptr(&m, v[4], 4), "A=1") && v[5] == 0, "envp strings and terminator");
	int found_random = 0, found_entry = 0;
	for (uint64_t at = rsp + 6 * 8;; at += 16) {
		uint64_t kv[2];
		gmem_read(&m, at, kv, 16);
		if (kv[0] == AT_NULL)
			break;
		if (kv[0] == AT_RANDOM)
			found_random = !memcmp(gmem_ptr(&m, kv[1], 16), rnd, 16);
		if (kv[0] == AT_ENTRY)
			found_entry = kv[1] == img.entry;
	}
	CHECK(found_random && found_entry, "auxv carries AT_RANDOM bytes and AT_ENTRY");
	CHECK(m.loaded[(MEM - GUEST_PAGE) / GUEST_PAGE] == GMEM_PAGE_UNMEASURED,
	      "the AT_RANDOM page is excluded from measurement by contents");
	char big[4096];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	char *many[100];
	for (int i = 0; i < 99; i++)
		many[i] = big;
	many[99] = NULL;
	CHECK(stack_build(&m, MEM, &img, many, envp, rnd, &rsp) == -E2BIG, "oversized argv is refused");
	gmem_free(&m);
}

int main(void)
{
	check_gmem();
	check_elf();
	check_stack();
	TAP_DONE();
}
