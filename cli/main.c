/* SPDX-License-Identifier: Apache-2.0 */
/* kettle: the user CLI. Groups so far: attest. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "usage: kettle attest <verify|measure|snp-verify|verify-azure> ...\n";

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "attest") == 0)
		return cli_attest(argc - 2, argv + 2);
	fputs(usage, stderr);
	return CLI_EXIT_USAGE;
}
