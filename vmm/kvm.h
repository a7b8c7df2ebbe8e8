/* SPDX-License-Identifier: Apache-2.0 */
/* The KVM side of one guest: VM, memory slot, the single vCPU and KVM_RUN. */
#ifndef KETTLE_VMM_KVM_H
#define KETTLE_VMM_KVM_H

#include <linux/kvm.h>
#include <stddef.h>

#include "vmm/gmem.h"
#include "vmm/x86.h"

struct kvm_vm {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
};

/* Opens /dev/kvm and creates the VM and its vCPU. On failure returns
 * -errno and writes one line saying what to do into err. */
int kvm_open(struct kvm_vm *k, char *err, size_t errlen);
void kvm_close(struct kvm_vm *k);

int kvm_map_memory(struct kvm_vm *k, const struct gmem *m);

/* The XCR0 value a guest gets on this host (x87|SSE|AVX as KVM's
 * supported CPUID offers them; 0 when KVM offers no XSAVE). */
uint64_t kvm_xcr0_of(int kvm_fd);
/* The same, opening /dev/kvm itself; -errno if it cannot. */
int kvm_host_xcr0(uint64_t *xcr0);

/* Puts the vCPU in 64-bit ring 3 at s->rip with the boot structures of
 * x86_write_boot(), CPUID from the host, a clean FPU, and syscall set up;
 * sets s->xcr0 to what the guest gets (kvm_xcr0_of).
 * Enables KVM_SYNC_X86_REGS so each exit needs no register ioctls. */
int kvm_setup_vcpu(struct kvm_vm *k, struct x86_start *s);

/* Sets the FS base (arch_prctl) of the vCPU. */
int kvm_set_fs_base(struct kvm_vm *k, uint64_t base);
/* Reads CR2 (the faulting address of a page fault). */
int kvm_get_cr2(struct kvm_vm *k, uint64_t *cr2);

#endif
