/* SPDX-License-Identifier: Apache-2.0 */
/* Long-mode boot structures for a ring-3-only guest: identity page tables,
 * GDT/TSS, IDT and the ring-0 stubs, written into guest memory, plus the
 * initial vCPU state that goes with them. */
#ifndef KETTLE_VMM_X86_H
#define KETTLE_VMM_X86_H

#include <stdint.h>

#include "vmm/gmem.h"

/* The vCPU state a guest starts in. Everything here is fixed by the loader
 * and the program, so it can be measured and recomputed offline. */
struct x86_start {
	uint64_t rip, rsp;
	uint64_t xcr0; /* extended state the guest may use (x87, SSE, AVX) */
};

/* Control register and MSR values; shared by kvm.c and the measurement. */
#define X86_CR0 0x80010033ull /* PG | WP | NE | ET | MP | PE */
#define X86_CR4_BASE 0x620ull /* OSXMMEXCPT | OSFXSR | PAE */
#define X86_CR4_OSXSAVE (1ull << 18)
#define X86_EFER 0x501ull /* LMA | LME | SCE */
#define X86_RFLAGS 0x202ull
#define X86_MSR_STAR 0xC0000081u
#define X86_MSR_LSTAR 0xC0000082u
#define X86_MSR_SFMASK 0xC0000084u
#define X86_SFMASK 0x47700ull /* clear TF, IF, DF, AC, NT on syscall */

/* Writes page tables, GDT, TSS, IDT and stubs for guest memory of
 * m->size bytes. 0 or -errno. */
int x86_write_boot(struct gmem *m);

/* 64-bit GDT descriptor words, also used to build KVM segment state. */
uint64_t x86_gdt_entry(unsigned index);

/* Signal a Linux process would get for this exception vector. */
int x86_vector_signal(unsigned vector);
const char *x86_vector_name(unsigned vector);
int x86_vector_has_error_code(unsigned vector);

#endif
