/* SPDX-License-Identifier: Apache-2.0 */
/* Runs a static x86-64 Linux ELF in a forked child of the test, with every
 * syscall it makes served by the syscall layer instead of the kernel. It is
 * the KVM guest without KVM: the ELF is loaded at its own addresses in the
 * child, a seccomp filter turns each syscall from the ELF's code into
 * SIGSYS, and the handler calls sys_dispatch (guest memory base NULL, since
 * guest addresses are the child's own). The parent gets the result back. */
#ifndef KETTLE_TESTS_GUEST_SYS_NATIVE_H
#define KETTLE_TESTS_GUEST_SYS_NATIVE_H

#include <stddef.h>
#include <stdint.h>

struct native_result {
	int status;     /* waitpid status of the child */
	int reported;   /* the child reached the end and sent a report */
	int stop;       /* enum sys_stop */
	int exit_code;
	int oom;
	uint64_t syscalls;
	char unsupported[256]; /* names, space separated */
	char *out, *err;       /* NUL-terminated captures */
	size_t out_len, err_len;
	char *outputs;         /* "name=content\n" per /output file */
};

struct native_input {
	const char *path; /* e.g. "/input/data.txt" */
	const char *data;
};

int native_run(const char *elf, const char *const *argv, const char *const *envp,
	       const struct native_input *inputs, size_t n_inputs, const char *stdin_data,
	       struct native_result *r);
void native_result_free(struct native_result *r);

#endif
