/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the program and the inputs from the host, and building the guest
 * image: boot structures, ELF segments and the initial stack. Nothing here
 * needs KVM, so the same image can be rebuilt offline for measurement. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/io.h"
#include "vmm/layout.h"
#include "vmm/stack.h"
#include "vmm/task.h"

static int load_program(struct vmm_task *t)
{
	const char *path = t->o->argv[0];
	uint8_t *file = NULL;
	size_t len = 0;
	char why[300];
	int rc = read_file_max(path, t->o->mem, &file, &len);
	if (rc == -EFBIG) {
		task_fail(t, VMM_BAD_PROGRAM, "program %s is larger than guest memory (%llu MiB); raise --mem", path,
			  (unsigned long long)(t->o->mem >> 20));
		return rc;
	}
	if (rc) {
		task_fail(t, VMM_BAD_PROGRAM, "cannot read program %s: %s", path, strerror(-rc));
		return rc;
	}
	t->program_size = len;
	/* Only evidence needs the digest; a plain run skips OpenSSL's start-up. */
	if (t->want_digests && !EVP_Digest(file, len, t->program_sha256, NULL, EVP_sha256(), NULL)) {
		free(file);
		task_fail(t, VMM_ERROR, "cannot digest the program");
		return -EIO;
	}
	rc = elf_load(&t->mem, t->stack_lo, file, len, &t->img, why, sizeof why);
	free(file);
	if (rc)
		task_fail(t, VMM_BAD_PROGRAM, "%s: %s", path, why);
	return rc;
}

static int load_inputs(struct vmm_task *t)
{
	uint64_t total = 0;
	for (size_t i = 0; i < t->o->ninputs; i++) {
		const struct vmm_input *in = &t->o->inputs[i];
		uint8_t *data = NULL;
		size_t len = 0;
		char path[VMM_NAME_MAX + 8];
		int rc = read_file_max(in->path, VMM_INPUT_BYTES_MAX - total, &data, &len);
		if (rc) {
			task_fail(t, VMM_ERROR, "input %s: cannot read %s: %s", in->name, in->path,
				  rc == -EFBIG ? "inputs exceed 1 GiB in total" : strerror(-rc));
			return rc;
		}
		total += len;
		t->input_size[i] = len;
		if (t->want_digests && !EVP_Digest(data, len, t->input_sha256[i], NULL, EVP_sha256(), NULL)) {
			free(data);
			task_fail(t, VMM_ERROR, "input %s: cannot digest it", in->name);
			return -EIO;
		}
		snprintf(path, sizeof path, "/input/%s", in->name);
		rc = sys_task_add_file(t->sys, path, data, len);
		free(data);
		if (rc) {
			task_fail(t, VMM_ERROR, "input %s: %s", in->name, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int make_syscall_layer(struct vmm_task *t)
{
	struct sys_config c = {
		.mem = { .base = t->mem.host, .size = t->mem.size, .user_lo = GPA_USER_LO, .user_hi = t->mem.size },
		.heap_lo = t->img.end,
		.heap_hi = t->stack_lo,
		.brk_start = t->img.end,
		.max_output = t->o->max_output,
		.max_output_files = VMM_MAX_OUTPUT_FILES,
		.max_open_files = VMM_MAX_OPEN_FILES,
		.hostname = "kettle",
	};
	t->sys = sys_task_new(&c, &host_sys_ops, t);
	if (!t->sys) {
		task_fail(t, VMM_ERROR, "cannot set up the syscall layer: out of memory");
		return -ENOMEM;
	}
	return 0;
}

int task_build_image(struct vmm_task *t)
{
	uint64_t stack = t->o->mem / 8 < GUEST_STACK_MAX ? t->o->mem / 8 : GUEST_STACK_MAX;
	uint8_t random[16];
	uint64_t rsp;
	int rc = gmem_init(&t->mem, t->o->mem);
	if (rc) {
		task_fail(t, VMM_ERROR, "cannot reserve %llu MiB of guest memory: %s",
			  (unsigned long long)(t->o->mem >> 20), strerror(-rc));
		return rc;
	}
	t->stack_lo = t->o->mem - stack;
	if ((rc = x86_write_boot(&t->mem))) {
		task_fail(t, VMM_ERROR, "cannot write boot structures: %s", strerror(-rc));
		return rc;
	}
	if ((rc = load_program(t)))
		return rc;
	if (getrandom(random, sizeof random, 0) != sizeof random) {
		task_fail(t, VMM_ERROR, "cannot get random bytes for AT_RANDOM");
		return -EIO;
	}
	rc = stack_build(&t->mem, t->mem.size, &t->img, t->o->argv, t->o->envp, random, &rsp);
	if (rc) {
		task_fail(t, VMM_BAD_PROGRAM, "arguments and environment exceed %u KiB", STACK_ARGS_MAX >> 10);
		return rc;
	}
	t->start.rip = t->img.entry;
	t->start.rsp = rsp;
	return 0;
}

int task_load(struct vmm_task *t)
{
	int rc = task_build_image(t);
	if (rc || (rc = make_syscall_layer(t)) || (rc = load_inputs(t)))
		return rc;
	return 0;
}
