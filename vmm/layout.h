/* SPDX-License-Identifier: Apache-2.0 */
/* Guest-physical layout of a Kettle hvt guest. Guest virtual addresses are
 * identical to guest-physical ones (identity paging).
 *
 * The first 2 MiB are the boot region, mapped with 4 KiB pages and only for
 * ring 0: page tables, GDT/TSS, IDT and the ring-0 stubs are read-only, the
 * ring-0 stack is the one writable page (the CPU pushes exception frames on
 * it). Ring-3 code can neither read nor write any of it. Everything from
 * 2 MiB up to the end of guest memory is the program's, mapped with 2 MiB
 * user pages: ELF segments, brk/mmap heap, stack, and the top page holding
 * AT_RANDOM (the one page not measured by contents). */
#ifndef KETTLE_VMM_LAYOUT_H
#define KETTLE_VMM_LAYOUT_H

#include <stdint.h>

#define GUEST_PAGE 0x1000ull
#define GUEST_HUGE 0x200000ull

#define GPA_PML4 0x1000ull
#define GPA_PDPT 0x2000ull
#define GPA_PD 0x3000ull /* GUEST_MAX_PDS pages, one per GiB */
#define GUEST_MAX_PDS 4
#define GPA_PT_LOW 0x7000ull /* 4 KiB entries for the boot region */
#define GPA_GDT 0x8000ull
#define GPA_TSS 0x8080ull
#define GPA_IDT 0x9000ull
#define GPA_STUBS 0xA000ull
#define GPA_KSTACK 0xB000ull /* writable ring-0 stack page */
#define GPA_KSTACK_TOP 0xC000ull
#define GPA_BOOT_END 0xC000ull /* first page past the boot structures */

#define GPA_USER_LO GUEST_HUGE /* lowest address ring 3 may touch */

/* Ring-0 stub layout inside the stubs page. */
#define STUB_SYSCALL_OFF 0x000 /* out PORT_SYSCALL,al; iretq */
#define STUB_VECTOR_OFF 0x100  /* 8 bytes per vector: out PORT_EXC+v,al; hlt */
#define STUB_VECTOR_SIZE 8

/* I/O ports only the ring-0 stubs use (ring 3 has IOPL 0: out faults). */
#define PORT_SYSCALL 0x80
#define PORT_EXC_BASE 0xC0 /* 0xC0 + vector for the 32 exception vectors */

/* Selectors. The order kernel code, kernel data, user data, user code is
 * what STAR-based syscall/sysret would need; kept for the later fast path. */
#define SEL_KCODE 0x10
#define SEL_KDATA 0x18
#define SEL_UDATA 0x2b
#define SEL_UCODE 0x33
#define SEL_TSS 0x40

#define GUEST_MEM_MIN (8ull << 20)
#define GUEST_MEM_MAX ((uint64_t)GUEST_MAX_PDS << 30)
#define GUEST_STACK_MAX (8ull << 20)

#endif
