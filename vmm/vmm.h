/* SPDX-License-Identifier: Apache-2.0 */
/* One kettle-vmm task: what to run, with which limits, and what came of it. */
#ifndef KETTLE_VMM_VMM_H
#define KETTLE_VMM_VMM_H

#include <stddef.h>
#include <stdint.h>

#define VMM_NAME_MAX 255
#define VMM_MAX_INPUTS 64
#define VMM_INPUT_BYTES_MAX (1ull << 30) /* all inputs together */
#define VMM_MAX_OUTPUT_FILES 64
#define VMM_MAX_OPEN_FILES 256

struct vmm_input {
	const char *name; /* file name under /input */
	const char *path; /* host path */
};

struct vmm_options {
	uint64_t mem;         /* guest memory, bytes (multiple of 2 MiB) */
	uint64_t timeout_ms;  /* wall time from launch */
	uint64_t max_output;  /* stdout + stderr + /output bytes */
	struct vmm_input inputs[VMM_MAX_INPUTS];
	size_t ninputs;
	const char *output_dir; /* NULL: outputs are reported, not written */
	int capture;            /* 1: keep stdout/stderr for the result instead of passing them through */
	int verbose;            /* diagnostic lines on stderr */
	char **argv;            /* argv[0] is the program's host path */
	char **envp;
	/* Evidence (launch measurement, vTPM quote, PSP report) is produced
	 * only when evidence_path is set. */
	const char *evidence_path;
	const char *psp_socket;
	uint8_t nonce[64];
	size_t nonce_len;
	/* Called once the VM, inputs and vTPM are set up, before the guest
	 * runs (kettle-vmm enters its seccomp jail here). 0 or -errno. */
	int (*enter_jail)(void);
};

enum vmm_status {
	VMM_OK = 0,        /* the program exited (any exit code) */
	VMM_CRASHED,       /* an exception in the guest */
	VMM_TIMEOUT,       /* wall time limit */
	VMM_OUT_OF_MEMORY, /* memory ran out and the program then failed */
	VMM_OUTPUT_LIMIT,  /* wrote past max_output or made too many files */
	VMM_BAD_PROGRAM,   /* not a static x86-64 ELF that fits */
	VMM_ERROR,         /* kettle-vmm could not run the task at all */
};

struct vmm_buf {
	uint8_t *data;
	size_t len, cap;
};

struct vmm_output {
	char name[VMM_NAME_MAX + 1];
	uint64_t size;
	uint8_t sha256[32];
};

struct vmm_result {
	enum vmm_status status;
	int exit_code;
	int signal;          /* crashed: the signal Linux would send */
	uint64_t rip;        /* crashed: faulting instruction */
	uint64_t fault_address;
	char message[512];   /* one line for anything but a clean exit */
	struct vmm_buf out, err;
	int out_truncated, err_truncated;
	double duration_ms;  /* launch to exit */
	uint64_t syscalls;
	char **unsupported;  /* syscall names, NULL-terminated */
	struct vmm_output outputs[VMM_MAX_OUTPUT_FILES];
	size_t noutputs;
	int measured;            /* measurement below is set */
	uint8_t measurement[48]; /* launch measurement */
	double attest_ms;        /* time spent on measurement, vTPM and report */
};

/* Runs one task to its end. Never fails without saying why in r. */
void vmm_run(const struct vmm_options *o, struct vmm_result *r);

/* Builds the guest image for o without running it and computes its launch
 * measurement for a vCPU with this XCR0 (reference values, offline).
 * 0, or a negative errno with one line in err. */
int vmm_measure(const struct vmm_options *o, uint64_t xcr0, uint8_t digest[48], uint8_t program_sha256[32],
		char *err, size_t errlen);
/* The XCR0 kettle-vmm gives guests on this host, read from CPUID. */
uint64_t vmm_host_xcr0(void);
void vmm_result_free(struct vmm_result *r);

const char *vmm_status_name(enum vmm_status s);
/* kettle-vmm's own exit code for a result (see README). */
int vmm_exit_code(const struct vmm_result *r);
/* The result as one JSON object (text, malloc'd) or NULL without memory. */
char *vmm_result_json(const struct vmm_result *r);

#endif
