/* SPDX-License-Identifier: Apache-2.0 */
/* The launch measurement of a guest image: an SEV-SNP-style chained
 * SHA-384 over its initial pages in GPA order, then its initial vCPU state
 * as a VMSA page. The same code serves kettle-vmm (before the guest runs)
 * and `kettle-vmm measure` (offline reference values). */
#ifndef KETTLE_VMM_LAUNCH_H
#define KETTLE_VMM_LAUNCH_H

#include <stdint.h>

#include "vmm/gmem.h"
#include "vmm/x86.h"

#define VMM_MEASUREMENT_SIZE 48

/* The initial vCPU state in Kettle's VMSA page layout (vmm/README.md). */
void x86_vmsa_page(const struct x86_start *s, uint8_t page[4096]);

/* Pages marked GMEM_PAGE_DATA are measured by contents, pages marked
 * GMEM_PAGE_UNMEASURED by address only, untouched RAM not at all.
 * 0 or -EIO. */
int vmm_measure_launch(const struct gmem *m, const struct x86_start *s, uint8_t digest[VMM_MEASUREMENT_SIZE]);

#endif
