/* One task from start to end: load the guest image, create the VM, run it,
 * collect outputs, and decide the final status. */
#include "vmm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"

void task_fail(struct vmm_task *t, enum vmm_status status, const char *fmt, ...)
{
	va_list ap;
	t->r->status = status;
	va_start(ap, fmt);
	vsnprintf(t->r->message, sizeof t->r->message, fmt, ap);
	va_end(ap);
}

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
	struct x86_start s = { .rip = t->img.entry, .rsp = t->start_rsp, .xcr0 = kvm_guest_xcr0(&t->kvm) };
	if ((rc = kvm_setup_vcpu(&t->kvm, &s))) {
		task_fail(t, VMM_ERROR, "cannot set up the vCPU: %s", strerror(-rc));
		return rc;
	}
	return 0;
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
	struct vmm_task t = { .o = o, .r = r, .kvm = { .kvm = -1, .vm = -1, .vcpu = -1 } };
	memset(r, 0, sizeof *r);
	t.start_ns = host_now_ns();
	t.deadline_ns = t.start_ns + (int64_t)o->timeout_ms * 1000000;

	if (task_load(&t) == 0 && start_vm(&t) == 0) {
		task_run_vcpu(&t);
		judge_memory(&t);
		if (r->status == VMM_OUTPUT_LIMIT)
			r->out_truncated = r->err_truncated = 1;
		/* A failure to store outputs overrides the status: they are lost. */
		task_collect_outputs(&t);
	}
	r->duration_ms = (double)(host_now_ns() - t.start_ns) / 1e6;
	if (t.sys) {
		r->syscalls = sys_task_syscall_count(t.sys);
		copy_unsupported(&t);
		sys_task_free(t.sys);
	}
	kvm_close(&t.kvm);
	gmem_free(&t.mem);
}
