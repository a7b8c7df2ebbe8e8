/* SPDX-License-Identifier: Apache-2.0 */
/* State of one running task, shared by the files that run it. */
#ifndef KETTLE_VMM_TASK_H
#define KETTLE_VMM_TASK_H

#include <signal.h>

#include <openssl/evp.h>

#include "guest/sys/sys.h"
#include "vmm/elf.h"
#include "vmm/gmem.h"
#include "vmm/kvm.h"
#include "vmm/vmm.h"

struct vmm_task {
	const struct vmm_options *o;
	struct vmm_result *r;
	struct gmem mem;
	struct kvm_vm kvm;
	struct sys_task *sys;
	struct elf_image img;
	uint64_t stack_lo;
	int64_t start_ns, deadline_ns;
	int timed_out;
	struct x86_start start;
	int want_digests; /* program and input digests (evidence, measure) */
	uint8_t program_sha256[32];
	uint64_t program_size;
	uint8_t input_sha256[VMM_MAX_INPUTS][32];
	uint64_t input_size[VMM_MAX_INPUTS];
	/* Evidence only: */
	struct vtpm *vtpm;
	EVP_MD_CTX *stream_hash[2]; /* stdout, stderr as the guest wrote them */
};

/* host.c: the services the syscall layer gets from the VMM. */
extern const struct sys_ops host_sys_ops;
int64_t host_now_ns(void);
int host_buf_append(struct vmm_buf *b, const void *data, size_t len);

/* load.c: reads the program and builds the guest image (no KVM needed),
 * then adds the syscall layer with the inputs. */
int task_build_image(struct vmm_task *t);
int task_load(struct vmm_task *t);

/* run.c: runs the vCPU until the task ends; fills t->r. */
void task_run_vcpu(struct vmm_task *t);

/* outputs.c: digests the task's /output files and writes them out. */
int task_collect_outputs(struct vmm_task *t);

/* evidence.c: measurement and vTPM extends before the guest runs; output
 * extends, quote, PSP report and the evidence file after it exits. */
int evidence_begin(struct vmm_task *t);
int evidence_finish(struct vmm_task *t);
void evidence_free(struct vmm_task *t);

/* result.c: sets r->status and a one-line message (printf-style). */
void task_fail(struct vmm_task *t, enum vmm_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
