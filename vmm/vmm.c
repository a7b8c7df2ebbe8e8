/* SPDX-License-Identifier: Apache-2.0 */
/* One task from start to end: load the guest image, create the VM, run it,
 * collect outputs, and decide the final status. */
#include "vmm/vmm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpuid.h>

#include "vmm/launch.h"
#include "vmm/task.h"

static int start_vm(struct vmm_task *t)
{
	char why[300];
	int rc = kvm_open(&t->kvm, why, sizeof why);
	if (rc) {
		task_fail(t, VMM_ERROR, "%s", why);
		return rc;
	}
	if ((rc = kvm_map_memory(&t->kvm, &t->mem))) {
		task_fail(t, VMM_ERROR, "cannot give guest memory to KVM: %s", strerror(-rc));
		return rc;
	}
	if ((rc = kvm_setup_vcpu(&t->kvm, &t->start))) {
		task_fail(t, VMM_ERROR, "cannot set up the vCPU: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

static int jail(struct vmm_task *t)
{
	int rc = t->o->enter_jail ? t->o->enter_jail() : 0;
	if (rc)
		task_fail(t, VMM_ERROR, "cannot enter the jail: %s", strerror(-rc));
	return rc;
}

static void copy_unsupported(struct vmm_task *t)
{
	const uint64_t *nrs;
	size_t n = sys_task_unsupported(t->sys, &nrs);
	t->r->unsupported = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; t->r->unsupported && i < n; i++) {
		const char *name = sys_name(nrs[i]);
		char buf[32];
		if (!name) {
			snprintf(buf, sizeof buf, "syscall_%llu", (unsigned long long)nrs[i]);
			name = buf;
		}
		t->r->unsupported[i] = strdup(name);
	}
}

/* Running out of memory is the cause when the program failed after a brk or
 * mmap was refused for lack of guest memory. */
static void judge_memory(struct vmm_task *t)
{
	struct vmm_result *r = t->r;
	int failed = r->status == VMM_CRASHED || (r->status == VMM_OK && r->exit_code != 0);
	if (!failed || !sys_task_ran_out_of_memory(t->sys))
		return;
	char was[200];
	if (r->status == VMM_OK)
		snprintf(was, sizeof was, "it exited with code %d", r->exit_code);
	else
		snprintf(was, sizeof was, "%.199s", r->message);
	r->status = VMM_OUT_OF_MEMORY;
	snprintf(r->message, sizeof r->message,
		 "the program ran out of guest memory (limit %llu MiB; raise --mem) and then failed: %s",
		 (unsigned long long)(t->o->mem >> 20), was);
}

void vmm_run(const struct vmm_options *o, struct vmm_result *r)
{
	struct vmm_task t = { .o = o, .r = r, .kvm = { .kvm = -1, .vm = -1, .vcpu = -1 },
			      .want_digests = o->evidence_path != NULL };
	memset(r, 0, sizeof *r);
	t.start_ns = host_now_ns();
	t.deadline_ns = t.start_ns + (int64_t)o->timeout_ms * 1000000;

	if (task_load(&t) == 0 && start_vm(&t) == 0 && (!o->evidence_path || evidence_begin(&t) == 0) &&
	    jail(&t) == 0) {
		task_run_vcpu(&t);
		judge_memory(&t);
		if (r->status == VMM_OUTPUT_LIMIT)
			r->out_truncated = r->err_truncated = 1;
		/* A failure to store outputs or evidence overrides the status:
		 * the caller asked for them and they are lost. */
		if (task_collect_outputs(&t) == 0 && o->evidence_path)
			evidence_finish(&t);
	}
	r->duration_ms = (double)(host_now_ns() - t.start_ns) / 1e6;
	if (t.sys) {
		r->syscalls = sys_task_syscall_count(t.sys);
		copy_unsupported(&t);
		sys_task_free(t.sys);
	}
	evidence_free(&t);
	kvm_close(&t.kvm);
	gmem_free(&t.mem);
}

uint64_t vmm_host_xcr0(void)
{
	unsigned a, b, c, d;
	uint64_t xcr0;
	if (kvm_host_xcr0(&xcr0) == 0)
		return xcr0;
	/* Offline, without KVM: the same choice from the CPU's own CPUID. */
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 26)))
		return 0;
	if (!__get_cpuid_count(0xd, 0, &a, &b, &c, &d))
		return 0;
	return ((uint64_t)d << 32 | a) & 0x7;
}

int vmm_measure(const struct vmm_options *o, uint64_t xcr0, uint8_t digest[48], uint8_t program_sha256[32],
		char *err, size_t errlen)
{
	struct vmm_result r;
	struct vmm_task t = { .o = o, .r = &r, .kvm = { .kvm = -1, .vm = -1, .vcpu = -1 }, .want_digests = 1 };
	memset(&r, 0, sizeof r);
	int rc = task_build_image(&t);
	if (rc == 0) {
		t.start.xcr0 = xcr0;
		rc = vmm_measure_launch(&t.mem, &t.start, digest);
		if (rc)
			snprintf(err, errlen, "cannot compute the launch measurement");
		memcpy(program_sha256, t.program_sha256, 32);
	} else {
		snprintf(err, errlen, "%s", r.message);
	}
	gmem_free(&t.mem);
	return rc;
}
