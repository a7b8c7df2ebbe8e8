/* SPDX-License-Identifier: Apache-2.0 */
/* `kettle attest ...`: dispatch to the attestation commands. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: kettle attest <verify|measure|snp-verify|verify-azure> ... (e.g. kettle attest verify"
	" EVIDENCE.json [--nonce HEX] [--reference REFS.json] [--ca ARK.pem])\n";

int cli_attest(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "verify") == 0)
		return cli_attest_verify(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "measure") == 0)
		return cli_attest_measure(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "snp-verify") == 0)
		return cli_attest_snp_verify(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "verify-azure") == 0)
		return cli_attest_verify_azure(argc - 1, argv + 1);
	fputs(usage, stderr);
	return CLI_EXIT_USAGE;
}
