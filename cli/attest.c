/* `kettle attest ...`: dispatch to the attestation commands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: kettle attest snp-verify REPORT.bin --vcek VCEK --ask ASK --ark ARK"
	" | kettle attest verify-azure EVIDENCE.json --ask ASK --ark ARK [--nonce HEX]\n";

int cli_attest(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "snp-verify") == 0)
		return cli_attest_snp_verify(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "verify-azure") == 0)
		return cli_attest_verify_azure(argc - 1, argv + 1);
	fputs(usage, stderr);
	return CLI_EXIT_USAGE;
}
