/* `kettle attest ...`: dispatch to the attestation commands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "usage: kettle attest snp-verify REPORT.bin --vcek VCEK --ask ASK --ark ARK\n";

int cli_attest(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "snp-verify") == 0)
		return cli_attest_snp_verify(argc - 1, argv + 1);
	fputs(usage, stderr);
	return CLI_EXIT_USAGE;
}
