/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/elf.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/layout.h"

#define PIE_BASE 0x400000ull
#define MAX_PHNUM 128

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int check_header(const uint8_t *file, size_t len, Elf64_Ehdr *eh, char *err, size_t errlen)
{
	if (len < EI_NIDENT || memcmp(file, ELFMAG, SELFMAG) != 0)
		return fail(err, errlen, -ENOEXEC, "not an ELF executable (no ELF magic)");
	if (file[EI_CLASS] == ELFCLASS32)
		return fail(err, errlen, -ENOEXEC, "32-bit ELF programs are not supported; build for x86-64");
	if (file[EI_CLASS] != ELFCLASS64 || file[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, -ENOEXEC, "not a little-endian 64-bit ELF file");
	if (len < sizeof *eh)
		return fail(err, errlen, -ENOEXEC, "ELF header is truncated");
	memcpy(eh, file, sizeof *eh);
	if (eh->e_machine != EM_X86_64)
		return fail(err, errlen, -ENOEXEC, "ELF machine %u is not x86-64", eh->e_machine);
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return fail(err, errlen, -ENOEXEC, "ELF file is not an executable (type %u)", eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHNUM)
		return fail(err, errlen, -ENOEXEC, "ELF program header table is malformed");
	if (eh->e_phoff > len || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return fail(err, errlen, -ENOEXEC, "ELF program headers lie outside the file");
	return 0;
}

/* Validates every PT_LOAD against the file and the guest range and finds the
 * extent of the image; rejects anything needing a dynamic loader. */
static int check_segments(const uint8_t *file, size_t len, const Elf64_Ehdr *eh, uint64_t bias, uint64_t limit,
			  struct elf_image *img, char *err, size_t errlen)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	int entry_ok = 0, have_pt_phdr = 0;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, file + eh->e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type == PT_INTERP)
			return fail(err, errlen, -ENOEXEC,
				    "dynamically linked programs are not supported yet; link with -static");
		if (ph.p_type == PT_PHDR) {
			img->phdr = ph.p_vaddr + bias;
			have_pt_phdr = 1;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len || ph.p_filesz > len - ph.p_offset)
			return fail(err, errlen, -ENOEXEC, "ELF segment %u lies outside the file", i);
		uint64_t start = ph.p_vaddr + bias;
		if (start < ph.p_vaddr || ph.p_memsz > UINT64_MAX - start)
			return fail(err, errlen, -ENOEXEC, "ELF segment %u wraps the address space", i);
		uint64_t end = start + ph.p_memsz;
		if (start < GPA_USER_LO)
			return fail(err, errlen, -ENOEXEC,
				    "ELF segment %u starts at 0x%llx, below the lowest program address 0x%llx", i,
				    (unsigned long long)start, (unsigned long long)GPA_USER_LO);
		if (end > limit)
			return fail(err, errlen, -E2BIG,
				    "program needs guest memory up to 0x%llx but only 0x%llx is available below the "
				    "stack; raise --mem",
				    (unsigned long long)end, (unsigned long long)limit);
		if (start < lo)
			lo = start;
		if (end > hi)
			hi = end;
		if (eh->e_entry + bias >= start && eh->e_entry + bias < end)
			entry_ok = 1;
		/* Without PT_PHDR the headers are found where the segment
		 * holding file offset e_phoff is loaded. */
		if (!have_pt_phdr && ph.p_offset <= eh->e_phoff && eh->e_phoff - ph.p_offset < ph.p_filesz)
			img->phdr = start + (eh->e_phoff - ph.p_offset);
	}
	if (hi == 0)
		return fail(err, errlen, -ENOEXEC, "ELF file has no loadable segment");
	if (!entry_ok)
		return fail(err, errlen, -ENOEXEC, "ELF entry point 0x%llx is outside every loadable segment",
			    (unsigned long long)(eh->e_entry + bias));
	img->entry = eh->e_entry + bias;
	img->end = (hi + GUEST_PAGE - 1) & ~(GUEST_PAGE - 1);
	img->phnum = eh->e_phnum;
	img->phent = eh->e_phentsize;
	return 0;
}

int elf_load(struct gmem *m, uint64_t limit, const uint8_t *file, size_t len, struct elf_image *out, char *err,
	     size_t errlen)
{
	Elf64_Ehdr eh;
	struct elf_image img = { 0 };
	int rc = check_header(file, len, &eh, err, errlen);
	if (rc)
		return rc;
	uint64_t bias = eh.e_type == ET_DYN ? PIE_BASE : 0;
	if (limit > m->size)
		limit = m->size;
	rc = check_segments(file, len, &eh, bias, limit, &img, err, errlen);
	if (rc)
		return rc;

	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, file + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD)
			continue;
		/* Memory past p_filesz is bss: guest RAM is already zero. */
		rc = gmem_write(m, ph.p_vaddr + bias, file + ph.p_offset, ph.p_filesz, GMEM_PAGE_DATA);
		if (rc)
			return fail(err, errlen, rc, "cannot load ELF segment %u", i);
		gmem_mark(m, ph.p_vaddr + bias, ph.p_memsz, GMEM_PAGE_DATA);
	}
	*out = img;
	return 0;
}
