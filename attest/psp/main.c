/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-psp: the simulated AMD secure processor.
 *   kettle-psp init DIR [--ec]
 *   kettle-psp serve DIR --socket PATH */
#include "attest/psp/psp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: kettle-psp init DIR [--ec] | kettle-psp serve DIR --socket PATH\n";

/* TCB the simulated VCEK is issued for: a current Milan level (boot loader
 * 4, TEE 0, SNP 24, microcode 219), as seen on Azure Milan hosts. */
static const struct snp_tcb default_tcb = {.bootloader = 4, .tee = 0, .snp = 24,
					   .microcode = 219};

static int cmd_init(int argc, char **argv)
{
	struct psp_init_opts opts = {.ca_kind = PSP_CA_RSA_PSS, .tcb = default_tcb};
	if (argc == 4 && strcmp(argv[3], "--ec") == 0)
		opts.ca_kind = PSP_CA_P384;
	else if (argc != 3) {
		fputs(usage, stderr);
		return 2;
	}
	int rc = psp_init(argv[2], &opts);
	if (rc) {
		fprintf(stderr, "kettle-psp: init %s: %s\n", argv[2],
			rc == -EEXIST ? "it already holds a chain (use an empty directory)"
				  : strerror(-rc));
		return 1;
	}
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	if (argc != 5 || strcmp(argv[3], "--socket") != 0) {
		fputs(usage, stderr);
		return 2;
	}
	struct psp_state st;
	const char *why = NULL;
	if (psp_state_load(argv[2], &st, &why) != 0) {
		fprintf(stderr, "kettle-psp: %s: %s\n", argv[2], why);
		return 1;
	}
	int rc = psp_serve(&st, argv[4]);
	psp_state_free(&st);
	if (rc) {
		fprintf(stderr, "kettle-psp: serve on %s: %s\n", argv[4], strerror(-rc));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "init") == 0)
		return cmd_init(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc, argv);
	fputs(usage, stderr);
	return 2;
}
