/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-vmm: runs one static x86-64 Linux program in a fresh KVM guest,
 * or computes the launch measurement such a run would have. Exit codes are
 * in README.md; everything else is in vmm_run() and options.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/options.h"
#include "vmm/vmm.h"
#include "vmm/jail.h"

#define EXIT_USAGE 2

static const char usage[] =
	"usage: kettle-vmm run [--mem 64M] [--timeout 10s] [--max-output 16M] [--input NAME=PATH]...\n"
	"                      [--output-dir DIR] [--env K=V]... [--clear-env] [--json] [--verbose]\n"
	"                      [--evidence FILE [--nonce HEX] [--psp SOCKET]] -- PROGRAM [ARGS...]\n"
	"       kettle-vmm measure [--mem 64M] [--env K=V]... [--clear-env] [--xcr0 HEX] -- PROGRAM [ARGS...]\n";

int main(int argc, char **argv)
{
	static struct vmm_command c;
	struct vmm_result r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	int measuring = !strcmp(argv[1], "measure");
	if (!measuring && strcmp(argv[1], "run")) {
		fprintf(stderr, "kettle-vmm: unknown command '%s'\n%s", argv[1], usage);
		return EXIT_USAGE;
	}
	int rc = vmm_command_parse(argc - 1, argv + 1, measuring, "kettle-vmm", usage, &c);
	if (rc)
		return rc == -EINVAL ? EXIT_USAGE : 125;
	if (measuring)
		return vmm_measure_print(&c, "kettle-vmm") ? 125 : 0;

	c.o.enter_jail = vmm_enter_jail;
	vmm_run(&c.o, &r);
	if (c.o.capture) {
		char *json = vmm_result_json(&r);
		if (!json) {
			fprintf(stderr, "kettle-vmm: out of memory writing the result\n");
			vmm_result_free(&r);
			return 125;
		}
		puts(json);
		free(json);
	} else if (r.status != VMM_OK) {
		fprintf(stderr, "kettle-vmm: %s: %s\n", vmm_status_name(r.status), r.message);
	}
	int code = vmm_exit_code(&r);
	vmm_result_free(&r);
	return code;
}
