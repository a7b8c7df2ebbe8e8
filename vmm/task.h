/* State of one running task, shared by the files that run it. */
#ifndef KETTLE_VMM_TASK_H
#define KETTLE_VMM_TASK_H

#include <signal.h>

#include "../guest/sys/sys.h"
#include "elf_load.h"
#include "gmem.h"
#include "kvm.h"
#include "vmm.h"

struct vmm_task {
	const struct vmm_options *o;
	struct vmm_result *r;
	struct gmem mem;
	struct kvm_vm kvm;
	struct sys_task *sys;
	struct elf_image img;
	uint64_t stack_lo;
	uint64_t start_rsp; /* initial ring-3 stack pointer */
	int64_t start_ns, deadline_ns;
	int timed_out;
};

/* host.c: the services the syscall layer gets from the VMM. */
extern const struct sys_ops host_sys_ops;
int64_t host_now_ns(void);
int host_buf_append(struct vmm_buf *b, const void *data, size_t len);

/* load.c: reads the program and inputs and builds the guest image. */
int task_load(struct vmm_task *t);

/* run.c: runs the vCPU until the task ends; fills t->r. */
void task_run_vcpu(struct vmm_task *t);

/* outputs.c: digests the task's /output files and writes them out. */
int task_collect_outputs(struct vmm_task *t);

/* Sets r->status and a one-line message (printf-style). */
void task_fail(struct vmm_task *t, enum vmm_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
