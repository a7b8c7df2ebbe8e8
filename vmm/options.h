/* SPDX-License-Identifier: Apache-2.0 */
/* The command line shared by `kettle-vmm run`, `kettle-vmm measure` and
 * `kettle attest measure`: one parser, so that a measurement computed
 * offline sees exactly the program, arguments, environment and memory a
 * run would give the guest. */
#ifndef KETTLE_VMM_OPTIONS_H
#define KETTLE_VMM_OPTIONS_H

#include <stdint.h>

#include "vmm/vmm.h"

#define VMM_MAX_ENV 1024

struct vmm_command {
	struct vmm_options o;
	int measuring;          /* measure: nothing is created or run */
	uint64_t xcr0;          /* measure: --xcr0, else what this host gives */
	char *env[VMM_MAX_ENV + 1];
	char underscore[4096 + 3];
};

/* Parses argv[1..] (argv[0] is the subcommand): options, then PROGRAM and
 * its arguments (after an optional "--"). who names the program in error
 * lines; usage is printed after a usage error. Returns 0, -EINVAL for a
 * usage error, or another -errno (one line printed). */
int vmm_command_parse(int argc, char **argv, int measuring, const char *who, const char *usage,
		      struct vmm_command *c);

/* Computes the launch measurement for c and prints it as a reference-values
 * file: {"measurements": [hex], "program_sha256", "mem", "xcr0"}. 0, or
 * -errno with one line on stderr. */
int vmm_measure_print(const struct vmm_command *c, const char *who);

#endif
