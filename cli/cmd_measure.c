/* SPDX-License-Identifier: Apache-2.0 */
/* `kettle attest measure [--mem 64M] [--env K=V]... [--clear-env]
 * [--xcr0 HEX] -- PROGRAM [ARGS...]`: the launch measurement kettle-vmm
 * would produce, as a reference-values file for `kettle attest verify
 * --reference`. Options, environment and computation are kettle-vmm's own
 * (vmm/options.c), so the two can never disagree. */
#include <errno.h>

#include "cli/cli.h"
#include "vmm/options.h"

static const char usage[] =
	"usage: kettle attest measure [--mem 64M] [--env K=V]... [--clear-env] [--xcr0 HEX] -- PROGRAM [ARGS...]\n";

int cli_attest_measure(int argc, char **argv)
{
	static struct vmm_command c;
	/* The shared parser expects the subcommand in argv[0]. */
	int rc = vmm_command_parse(argc + 1, argv - 1, 1, "kettle", usage, &c);
	if (rc)
		return rc == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	return vmm_measure_print(&c, "kettle") ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
