/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/launch.h"

#include <errno.h>
#include <string.h>

#include "vmm/layout.h"
#include "attest/tpm/measure.h"

/* Field offsets of Kettle's VMSA page: little-endian u64 each, the rest of
 * the page zero. Real SEV-ES VMSAs have a richer layout; this one carries
 * every piece of state the VMM sets. */
enum vmsa_field {
	VMSA_RIP, VMSA_RSP, VMSA_RFLAGS, VMSA_CR0, VMSA_CR3, VMSA_CR4, VMSA_EFER, VMSA_XCR0,
	VMSA_GDT_BASE, VMSA_GDT_LIMIT, VMSA_IDT_BASE, VMSA_IDT_LIMIT, VMSA_CS, VMSA_SS, VMSA_TR,
	VMSA_STAR, VMSA_LSTAR, VMSA_SFMASK, VMSA_FIELDS
};

void x86_vmsa_page(const struct x86_start *s, uint8_t page[4096])
{
	uint64_t f[VMSA_FIELDS] = {
		[VMSA_RIP] = s->rip,
		[VMSA_RSP] = s->rsp,
		[VMSA_RFLAGS] = X86_RFLAGS,
		[VMSA_CR0] = X86_CR0,
		[VMSA_CR3] = GPA_PML4,
		[VMSA_CR4] = X86_CR4_BASE | (s->xcr0 ? X86_CR4_OSXSAVE : 0),
		[VMSA_EFER] = X86_EFER,
		[VMSA_XCR0] = s->xcr0,
		[VMSA_GDT_BASE] = GPA_GDT,
		[VMSA_GDT_LIMIT] = SEL_TSS + 16 - 1,
		[VMSA_IDT_BASE] = GPA_IDT,
		[VMSA_IDT_LIMIT] = 32 * 16 - 1,
		[VMSA_CS] = SEL_UCODE,
		[VMSA_SS] = SEL_UDATA,
		[VMSA_TR] = SEL_TSS,
		[VMSA_STAR] = (uint64_t)SEL_KCODE << 32,
		[VMSA_LSTAR] = GPA_STUBS + STUB_SYSCALL_OFF,
		[VMSA_SFMASK] = X86_SFMASK,
	};
	memset(page, 0, 4096);
	memcpy(page, f, sizeof f); /* x86-64 is little-endian */
}

int vmm_measure_launch(const struct gmem *m, const struct x86_start *s, uint8_t digest[VMM_MEASUREMENT_SIZE])
{
	struct launch_measure lm;
	uint8_t vmsa[4096];
	measure_init(&lm);
	for (uint64_t pg = 0; pg < m->size / GUEST_PAGE; pg++) {
		uint64_t gpa = pg * GUEST_PAGE;
		if (m->loaded[pg] == GMEM_PAGE_DATA)
			measure_page(&lm, MEASURE_PAGE_NORMAL, gpa, m->host + gpa);
		else if (m->loaded[pg] == GMEM_PAGE_UNMEASURED)
			measure_page(&lm, MEASURE_PAGE_UNMEASURED, gpa, NULL);
	}
	x86_vmsa_page(s, vmsa);
	measure_page(&lm, MEASURE_PAGE_VMSA, MEASURE_VMSA_GPA, vmsa);
	return measure_final(&lm, digest) ? -EIO : 0;
}
