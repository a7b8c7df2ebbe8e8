/* SPDX-License-Identifier: Apache-2.0 */
/* The vCPU exit loop: syscalls go to the syscall layer, exceptions end the
 * task with a crash report, the wall-time limit kicks the vCPU out. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "vmm/layout.h"
#include "vmm/task.h"

/* User-changeable RFLAGS bits (CF PF AF ZF SF TF DF OF AC ID) plus IF and
 * the reserved 1: nothing the guest saved in r11 can raise its privilege. */
#define RFLAGS_USER_MASK 0x254dd5ull
#define RFLAGS_FIXED 0x202ull

static struct kvm_run *volatile alarm_run;

static void on_alarm(int sig)
{
	(void)sig;
	struct kvm_run *run = alarm_run;
	if (run)
		run->immediate_exit = 1;
}

static int arm_timer(struct vmm_task *t)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: KVM_RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return -errno;
	alarm_run = t->kvm.run;
	int64_t left = t->deadline_ns - host_now_ns();
	if (left < 1000)
		left = 1000;
	struct itimerval it = { .it_value = { .tv_sec = left / 1000000000, .tv_usec = (left % 1000000000) / 1000 } };
	return setitimer(ITIMER_REAL, &it, NULL) < 0 ? -errno : 0;
}

static void disarm_timer(void)
{
	struct itimerval it = { 0 };
	setitimer(ITIMER_REAL, &it, NULL);
	alarm_run = NULL;
	signal(SIGALRM, SIG_DFL);
}

/* Serves one syscall and returns to ring 3 through the stub's iretq, with a
 * frame written on the ring-0 stack: rip = rcx, rflags = r11, the user's
 * stack and segments. user_rsp is the guest's stack pointer at the syscall.
 * Returns 1 while the task goes on, 0 when it ends. */
static int serve_syscall(struct vmm_task *t, uint64_t user_rsp)
{
	struct kvm_regs *g = &t->kvm.run->s.regs.regs;
	uint64_t args[6] = { g->rdi, g->rsi, g->rdx, g->r10, g->r8, g->r9 };
	uint64_t frame[5] = { g->rcx, SEL_UCODE, (g->r11 & RFLAGS_USER_MASK) | RFLAGS_FIXED, user_rsp, SEL_UDATA };

	int64_t ret = sys_dispatch(t->sys, g->rax, args);
	switch (sys_task_stop_reason(t->sys)) {
	case SYS_RUNNING:
		break;
	case SYS_STOP_EXIT:
		t->r->status = VMM_OK;
		t->r->exit_code = sys_task_exit_code(t->sys);
		return 0;
	case SYS_STOP_OUTPUT_LIMIT:
		task_fail(t, VMM_OUTPUT_LIMIT, "the program wrote more than the output limit of %llu bytes",
			  (unsigned long long)t->o->max_output);
		return 0;
	case SYS_STOP_FILE_LIMIT:
		task_fail(t, VMM_OUTPUT_LIMIT, "the program created more than %d output files",
			  VMM_MAX_OUTPUT_FILES);
		return 0;
	}
	if (t->timed_out)
		return 0;
	gmem_write(&t->mem, GPA_KSTACK_TOP - sizeof frame, frame, sizeof frame, GMEM_PAGE_DATA);
	g->rax = (uint64_t)ret;
	g->rsp = GPA_KSTACK_TOP - sizeof frame;
	g->rip = GPA_STUBS + STUB_SYSCALL_OFF + 2; /* the iretq after the out */
	t->kvm.run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
	return 1;
}

/* Reads the exception frame the CPU pushed on the ring-0 stack:
 * [error code,] rip, cs, rflags, rsp, ss. */
static int read_frame(struct vmm_task *t, unsigned vector, uint64_t f[6])
{
	uint64_t rsp = t->kvm.run->s.regs.regs.rsp;
	size_t words = x86_vector_has_error_code(vector) ? 6 : 5;
	memset(f, 0, 6 * sizeof *f);
	if (rsp < GPA_KSTACK || rsp > GPA_KSTACK_TOP - words * sizeof *f)
		return -EFAULT;
	return gmem_read(&t->mem, rsp, f + (6 - words), words * sizeof *f);
}

/* Ends the task with a crash report for an exception from the guest. */
static void report_exception(struct vmm_task *t, unsigned vector, const uint64_t f[6])
{
	uint64_t cr2 = 0;
	t->r->signal = x86_vector_signal(vector);
	t->r->rip = f[1];
	if (vector == 14 && kvm_get_cr2(&t->kvm, &cr2) == 0)
		t->r->fault_address = cr2;
	const char *ring = (f[2] & 3) == 3 ? "" : " in the VMM's ring-0 stub";
	task_fail(t, VMM_CRASHED, "SIG%s at 0x%llx: %s%s", sigabbrev_np(t->r->signal), (unsigned long long)f[1],
		  x86_vector_name(vector), ring);
	if (vector == 14) {
		size_t n = strlen(t->r->message);
		snprintf(t->r->message + n, sizeof t->r->message - n, " touching address 0x%llx (%s)",
			 (unsigned long long)cr2, f[0] & 1 ? "protection violation" : "not mapped");
	}
}

/* Some software-assisted KVMs (this development host's kvm_pvm) jump to
 * LSTAR on `syscall` without leaving ring 3, so fetching the supervisor-only
 * entry stub faults. That fault, from ring 3 at exactly the entry, is the
 * syscall: registers hold its arguments, rcx/r11 the return state. A guest
 * that jumps there on purpose only gets what `syscall` gives it anyway. */
static int is_syscall_entry_fault(unsigned vector, const uint64_t f[6])
{
	return vector == 14 && f[1] == GPA_STUBS + STUB_SYSCALL_OFF && (f[2] & 3) == 3;
}

static int handle_exception(struct vmm_task *t, unsigned vector)
{
	uint64_t f[6];
	if (read_frame(t, vector, f) < 0) {
		task_fail(t, VMM_CRASHED, "the guest faulted with %s and an unusable stack", x86_vector_name(vector));
		t->r->signal = x86_vector_signal(vector);
		return 0;
	}
	if (is_syscall_entry_fault(vector, f))
		return serve_syscall(t, f[4]);
	report_exception(t, vector, f);
	return 0;
}

/* Handles one exit; returns 1 to resume the vCPU, 0 when the task ends. */
static int handle_exit(struct vmm_task *t)
{
	struct kvm_run *run = t->kvm.run;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == PORT_SYSCALL)
			return serve_syscall(t, t->kvm.run->s.regs.regs.rsp);
		if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port >= PORT_EXC_BASE &&
		    run->io.port < PORT_EXC_BASE + 32) {
			return handle_exception(t, run->io.port - PORT_EXC_BASE);
		}
		task_fail(t, VMM_CRASHED, "unexpected I/O on port 0x%x", run->io.port);
		return 0;
	case KVM_EXIT_SHUTDOWN:
		task_fail(t, VMM_CRASHED, "the guest triple-faulted (its exception could not be delivered)");
		t->r->signal = SIGSEGV;
		return 0;
	case KVM_EXIT_HLT:
		task_fail(t, VMM_CRASHED, "the guest halted in a ring-0 stub");
		t->r->signal = SIGSEGV;
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		task_fail(t, VMM_ERROR, "KVM could not enter the guest (hardware reason 0x%llx)",
			  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return 0;
	case KVM_EXIT_INTERNAL_ERROR:
		task_fail(t, VMM_CRASHED, "KVM internal error %u while running the guest", run->internal.suberror);
		t->r->signal = SIGSEGV;
		return 0;
	default:
		task_fail(t, VMM_CRASHED, "unexpected KVM exit %u", run->exit_reason);
		t->r->signal = SIGSEGV;
		return 0;
	}
}

void task_run_vcpu(struct vmm_task *t)
{
	int rc = arm_timer(t);
	if (rc) {
		task_fail(t, VMM_ERROR, "cannot arm the wall-time limit: %s", strerror(-rc));
		return;
	}
	for (;;) {
		int resume;
		if (ioctl(t->kvm.vcpu, KVM_RUN, 0) < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				task_fail(t, VMM_ERROR, "KVM_RUN failed: %s", strerror(errno));
				break;
			}
			t->kvm.run->immediate_exit = 0;
			resume = 1;
		} else {
			resume = handle_exit(t);
		}
		if (t->timed_out || (resume && host_now_ns() >= t->deadline_ns)) {
			task_fail(t, VMM_TIMEOUT, "the program ran past the time limit of %llu ms",
				  (unsigned long long)t->o->timeout_ms);
			break;
		}
		if (!resume)
			break;
	}
	disarm_timer();
}
