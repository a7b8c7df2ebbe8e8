/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/x86.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "vmm/layout.h"

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_PS 0x80ull

/* Accessed bits are preset in every descriptor so the CPU never writes the
 * read-only GDT when it loads a segment. */
static const uint64_t gdt[] = {
	[SEL_KCODE >> 3] = 0x00209b0000000000ull, /* 64-bit code, DPL 0 */
	[SEL_KDATA >> 3] = 0x0000930000000000ull, /* data, DPL 0 */
	[SEL_UDATA >> 3] = 0x0000f30000000000ull, /* data, DPL 3 */
	[SEL_UCODE >> 3] = 0x0020fb0000000000ull, /* 64-bit code, DPL 3 */
};

uint64_t x86_gdt_entry(unsigned index)
{
	return index < sizeof gdt / sizeof gdt[0] ? gdt[index] : 0;
}

static int write_page_tables(struct gmem *m)
{
	uint64_t pml4[512] = { 0 }, pdpt[512] = { 0 }, pt[512] = { 0 };
	uint64_t gib = (m->size + (1ull << 30) - 1) >> 30;
	int rc;

	pml4[0] = GPA_PDPT | PTE_P | PTE_RW | PTE_US | PTE_A;
	for (uint64_t i = 0; i < gib; i++)
		pdpt[i] = (GPA_PD + i * GUEST_PAGE) | PTE_P | PTE_RW | PTE_US | PTE_A;

	for (uint64_t i = 0; i < gib; i++) {
		uint64_t pd[512] = { 0 };
		for (uint64_t j = 0; j < 512; j++) {
			uint64_t addr = (i << 30) + j * GUEST_HUGE;
			if (addr == 0)
				pd[j] = GPA_PT_LOW | PTE_P | PTE_RW | PTE_US | PTE_A;
			else if (addr < m->size)
				pd[j] = addr | PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | PTE_PS;
		}
		rc = gmem_write(m, GPA_PD + i * GUEST_PAGE, pd, sizeof pd, GMEM_PAGE_DATA);
		if (rc)
			return rc;
	}

	/* Boot region: supervisor only; read-only except the ring-0 stack.
	 * Page 0 stays unmapped so a null dereference in ring 0 faults. */
	for (uint64_t a = GUEST_PAGE; a < GPA_BOOT_END; a += GUEST_PAGE)
		pt[a / GUEST_PAGE] = a | PTE_P | PTE_A | (a == GPA_KSTACK ? PTE_RW | PTE_D : 0);

	if ((rc = gmem_write(m, GPA_PML4, pml4, sizeof pml4, GMEM_PAGE_DATA)) ||
	    (rc = gmem_write(m, GPA_PDPT, pdpt, sizeof pdpt, GMEM_PAGE_DATA)) ||
	    (rc = gmem_write(m, GPA_PT_LOW, pt, sizeof pt, GMEM_PAGE_DATA)))
		return rc;
	return 0;
}

static int write_gdt_tss(struct gmem *m)
{
	uint8_t tss[104] = { 0 };
	uint64_t rsp0 = GPA_KSTACK_TOP, base = GPA_TSS;
	uint16_t iomap = sizeof tss; /* no I/O bitmap: every port faults in ring 3 */
	uint64_t desc[2];
	int rc;

	memcpy(tss + 4, &rsp0, sizeof rsp0);
	memcpy(tss + 102, &iomap, sizeof iomap);
	/* 64-bit available-TSS descriptor marked busy (type 0xb), as after ltr. */
	desc[0] = (sizeof tss - 1) | ((base & 0xffffff) << 16) | (0x8bull << 40) | (((base >> 24) & 0xff) << 56);
	desc[1] = base >> 32;

	if ((rc = gmem_write(m, GPA_GDT, gdt, sizeof gdt, GMEM_PAGE_DATA)) ||
	    (rc = gmem_write(m, GPA_GDT + SEL_TSS, desc, sizeof desc, GMEM_PAGE_DATA)) ||
	    (rc = gmem_write(m, GPA_TSS, tss, sizeof tss, GMEM_PAGE_DATA)))
		return rc;
	return 0;
}

static int write_idt_and_stubs(struct gmem *m)
{
	uint64_t idt[64] = { 0 };
	uint8_t stubs[GUEST_PAGE];
	/* Syscall entry: tell the VMM, then return to ring 3 through the frame
	 * the VMM wrote on the ring-0 stack (sysretq faults on this host). */
	static const uint8_t syscall_stub[] = { 0xe6, PORT_SYSCALL, 0x48, 0xcf };

	memset(stubs, 0xf4, sizeof stubs); /* hlt anywhere else */
	memcpy(stubs + STUB_SYSCALL_OFF, syscall_stub, sizeof syscall_stub);
	for (unsigned v = 0; v < 32; v++) {
		uint64_t off = GPA_STUBS + STUB_VECTOR_OFF + v * STUB_VECTOR_SIZE;
		uint8_t *s = stubs + STUB_VECTOR_OFF + v * STUB_VECTOR_SIZE;
		uint64_t dpl = v == 3 ? 3 : 0; /* int3 from ring 3 reports #BP */

		s[0] = 0xe6; /* out PORT_EXC_BASE + v, al */
		s[1] = (uint8_t)(PORT_EXC_BASE + v);
		idt[2 * v] = (off & 0xffff) | ((uint64_t)SEL_KCODE << 16) | ((0x8eull | dpl << 5) << 40) |
			     (((off >> 16) & 0xffff) << 48);
		idt[2 * v + 1] = off >> 32;
	}
	int rc = gmem_write(m, GPA_IDT, idt, sizeof idt, GMEM_PAGE_DATA);
	if (rc)
		return rc;
	return gmem_write(m, GPA_STUBS, stubs, sizeof stubs, GMEM_PAGE_DATA);
}

int x86_write_boot(struct gmem *m)
{
	int rc;
	if (m->size > GUEST_MEM_MAX)
		return -EINVAL;
	if ((rc = write_page_tables(m)) || (rc = write_gdt_tss(m)) || (rc = write_idt_and_stubs(m)))
		return rc;
	/* The ring-0 stack starts zeroed; its contents are not meaningful yet
	 * but the page is part of the launch image. */
	gmem_mark(m, GPA_KSTACK, GUEST_PAGE, GMEM_PAGE_DATA);
	return 0;
}

static const struct {
	const char *name;
	int signal;
} vectors[32] = {
	[0] = { "divide error (#DE)", SIGFPE },
	[1] = { "debug (#DB)", SIGTRAP },
	[2] = { "NMI", SIGSEGV },
	[3] = { "breakpoint (#BP)", SIGTRAP },
	[4] = { "overflow (#OF)", SIGSEGV },
	[5] = { "bound range (#BR)", SIGSEGV },
	[6] = { "invalid opcode (#UD)", SIGILL },
	[7] = { "device not available (#NM)", SIGFPE },
	[8] = { "double fault (#DF)", SIGSEGV },
	[10] = { "invalid TSS (#TS)", SIGSEGV },
	[11] = { "segment not present (#NP)", SIGBUS },
	[12] = { "stack fault (#SS)", SIGBUS },
	[13] = { "general protection (#GP)", SIGSEGV },
	[14] = { "page fault (#PF)", SIGSEGV },
	[16] = { "x87 floating point (#MF)", SIGFPE },
	[17] = { "alignment check (#AC)", SIGBUS },
	[18] = { "machine check (#MC)", SIGBUS },
	[19] = { "SIMD floating point (#XM)", SIGFPE },
	[21] = { "control protection (#CP)", SIGSEGV },
};

const char *x86_vector_name(unsigned vector)
{
	if (vector < 32 && vectors[vector].name)
		return vectors[vector].name;
	return "reserved exception";
}

int x86_vector_signal(unsigned vector)
{
	if (vector < 32 && vectors[vector].signal)
		return vectors[vector].signal;
	return SIGSEGV;
}

int x86_vector_has_error_code(unsigned vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 ||
	       vector == 30;
}
