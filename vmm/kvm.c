/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/layout.h"

#define XCR0_X87 0x1ull
#define XCR0_SSE 0x2ull
#define XCR0_AVX 0x4ull
#define CPUID_MAX_ENTRIES 256

int kvm_open(struct kvm_vm *k, char *err, size_t errlen)
{
	memset(k, 0, sizeof *k);
	k->kvm = k->vm = k->vcpu = -1;
	k->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->kvm < 0) {
		int e = errno;
		snprintf(err, errlen,
			 "cannot open /dev/kvm: %s; kettle-vmm needs KVM: check `ls -l /dev/kvm` and "
			 "`lsmod | grep kvm`, and that this user may open it",
			 strerror(e));
		return -e;
	}
	int version = ioctl(k->kvm, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		snprintf(err, errlen, "/dev/kvm speaks API version %d, kettle-vmm needs %d", version,
			 KVM_API_VERSION);
		goto fail;
	}
	k->vm = ioctl(k->kvm, KVM_CREATE_VM, 0);
	if (k->vm < 0) {
		snprintf(err, errlen, "KVM_CREATE_VM failed: %s", strerror(errno));
		goto fail;
	}
	k->vcpu = ioctl(k->vm, KVM_CREATE_VCPU, 0);
	if (k->vcpu < 0) {
		snprintf(err, errlen, "KVM_CREATE_VCPU failed: %s", strerror(errno));
		goto fail;
	}
	int size = ioctl(k->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
		goto fail;
	}
	k->run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu, 0);
	if (k->run == MAP_FAILED) {
		k->run = NULL;
		snprintf(err, errlen, "cannot map the vCPU run area: %s", strerror(errno));
		goto fail;
	}
	k->run_size = (size_t)size;
	return 0;
fail:
	kvm_close(k);
	return -EIO;
}

void kvm_close(struct kvm_vm *k)
{
	if (k->run)
		munmap(k->run, k->run_size);
	if (k->vcpu >= 0)
		close(k->vcpu);
	if (k->vm >= 0)
		close(k->vm);
	if (k->kvm >= 0)
		close(k->kvm);
	memset(k, 0, sizeof *k);
	k->kvm = k->vm = k->vcpu = -1;
}

int kvm_map_memory(struct kvm_vm *k, const struct gmem *m)
{
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = m->size,
		.userspace_addr = (uint64_t)(uintptr_t)m->host,
	};
	return ioctl(k->vm, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? -errno : 0;
}

static struct kvm_cpuid2 *supported_cpuid_fd(int kvm)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof *c + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2));
	if (!c)
		return NULL;
	c->nent = CPUID_MAX_ENTRIES;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

int kvm_host_xcr0(uint64_t *xcr0)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*xcr0 = kvm_xcr0_of(fd);
	close(fd);
	return 0;
}

/* x87|SSE|AVX as far as the supported CPUID offers XSAVE and them. */
static uint64_t xcr0_of(const struct kvm_cpuid2 *c)
{
	uint64_t xcr0 = 0;
	for (unsigned i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];
		if (e->function == 1 && !(e->ecx & (1u << 26)))
			return 0; /* no XSAVE: leave XCR0 alone */
		if (e->function == 0xd && e->index == 0)
			xcr0 = ((uint64_t)e->edx << 32 | e->eax) & (XCR0_X87 | XCR0_SSE | XCR0_AVX);
	}
	return xcr0;
}

uint64_t kvm_xcr0_of(int kvm)
{
	struct kvm_cpuid2 *c = supported_cpuid_fd(kvm);
	uint64_t xcr0 = c ? xcr0_of(c) : 0;
	free(c);
	return xcr0;
}

static struct kvm_segment segment(uint16_t selector)
{
	uint64_t d = x86_gdt_entry(selector >> 3);
	struct kvm_segment s = {
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = (d >> 40) & 0xf,
		.present = 1,
		.dpl = (d >> 45) & 3,
		.db = (d >> 54) & 1,
		.s = 1,
		.l = (d >> 53) & 1,
		.g = 1,
	};
	return s;
}

static int setup_sregs(struct kvm_vm *k, uint64_t xcr0)
{
	struct kvm_sregs s;
	if (ioctl(k->vcpu, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.cs = segment(SEL_UCODE);
	s.ds = s.es = s.fs = s.gs = s.ss = segment(SEL_UDATA);
	s.tr = (struct kvm_segment){ .base = GPA_TSS, .limit = 103, .selector = SEL_TSS, .type = 11, .present = 1 };
	s.ldt = (struct kvm_segment){ .type = 2, .present = 1, .unusable = 1 };
	s.gdt.base = GPA_GDT;
	s.gdt.limit = SEL_TSS + 16 - 1;
	s.idt.base = GPA_IDT;
	s.idt.limit = 32 * 16 - 1;
	s.cr0 = X86_CR0;
	s.cr3 = GPA_PML4;
	s.cr4 = X86_CR4_BASE | (xcr0 ? X86_CR4_OSXSAVE : 0);
	s.efer = X86_EFER;
	return ioctl(k->vcpu, KVM_SET_SREGS, &s) < 0 ? -errno : 0;
}

static int setup_msrs(struct kvm_vm *k)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e[3];
	} m = { .h.nmsrs = 3 };
	m.e[0] = (struct kvm_msr_entry){ .index = X86_MSR_STAR, .data = (uint64_t)SEL_KCODE << 32 };
	m.e[1] = (struct kvm_msr_entry){ .index = X86_MSR_LSTAR, .data = GPA_STUBS + STUB_SYSCALL_OFF };
	m.e[2] = (struct kvm_msr_entry){ .index = X86_MSR_SFMASK, .data = X86_SFMASK };
	int n = ioctl(k->vcpu, KVM_SET_MSRS, &m);
	return n == 3 ? 0 : (n < 0 ? -errno : -EIO);
}

static int setup_fpu(struct kvm_vm *k, uint64_t xcr0)
{
	struct kvm_fpu f = { .fcw = 0x37f, .mxcsr = 0x1f80 };
	if (ioctl(k->vcpu, KVM_SET_FPU, &f) < 0)
		return -errno;
	if (!xcr0)
		return 0;
	struct kvm_xcrs x = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = xcr0 } } };
	return ioctl(k->vcpu, KVM_SET_XCRS, &x) < 0 ? -errno : 0;
}

int kvm_setup_vcpu(struct kvm_vm *k, struct x86_start *st)
{
	/* Asked once: KVM_GET_SUPPORTED_CPUID is slow on nested KVM. */
	struct kvm_cpuid2 *c = supported_cpuid_fd(k->kvm);
	int rc;
	if (!c)
		return -EIO;
	st->xcr0 = xcr0_of(c);
	rc = ioctl(k->vcpu, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
	free(c);
	if (rc || (rc = setup_sregs(k, st->xcr0)) || (rc = setup_msrs(k)) || (rc = setup_fpu(k, st->xcr0)))
		return rc;

	struct kvm_regs r = { .rip = st->rip, .rsp = st->rsp, .rflags = X86_RFLAGS };
	if (ioctl(k->vcpu, KVM_SET_REGS, &r) < 0)
		return -errno;
	k->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	return 0;
}

int kvm_set_fs_base(struct kvm_vm *k, uint64_t base)
{
	struct kvm_sregs s;
	if (ioctl(k->vcpu, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.fs.base = base;
	return ioctl(k->vcpu, KVM_SET_SREGS, &s) < 0 ? -errno : 0;
}

int kvm_get_cr2(struct kvm_vm *k, uint64_t *cr2)
{
	struct kvm_sregs s;
	if (ioctl(k->vcpu, KVM_GET_SREGS, &s) < 0)
		return -errno;
	*cr2 = s.cr2;
	return 0;
}
