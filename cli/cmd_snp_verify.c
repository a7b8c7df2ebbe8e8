/* SPDX-License-Identifier: Apache-2.0 */
/* `kettle attest snp-verify REPORT.bin --vcek VCEK --ask ASK --ark ARK`:
 * all report fields as JSON on stdout when every check holds; otherwise one
 * line on stderr naming the failed check. */
#include "cli/cli.h"
#include "lib/bytes.h"
#include "lib/io.h"
#include "attest/snp/snp_json.h"
#include "attest/snp/snp_verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: kettle attest snp-verify REPORT.bin --vcek VCEK --ask ASK --ark ARK\n";

int cli_attest_snp_verify(int argc, char **argv)
{
	struct cli_opt opts[] = {{"--vcek", NULL}, {"--ask", NULL}, {"--ark", NULL}};
	const char *pos[1];
	size_t n_pos;
	if (cli_parse(argc, argv, opts, ARRAY_SIZE(opts), pos, ARRAY_SIZE(pos), &n_pos) != 0 || n_pos != 1 ||
	    !opts[0].value || !opts[1].value || !opts[2].value) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}

	int exit_code = CLI_EXIT_FAIL;
	uint8_t *raw = NULL;
	size_t len = 0;
	X509 *vcek = NULL, *ask = NULL, *ark = NULL;
	int rc = read_file_max(pos[0], SNP_REPORT_SIZE, &raw, &len);
	if (rc) {
		fprintf(stderr, "kettle: report %s: %s\n", pos[0],
			rc == -EFBIG ? "larger than 1184 bytes, not an SEV-SNP report"
				     : strerror(-rc));
		goto out;
	}
	if (cli_load_cert("VCEK", opts[0].value, &vcek) ||
	    cli_load_cert("ASK", opts[1].value, &ask) ||
	    cli_load_cert("ARK", opts[2].value, &ark))
		goto out;

	struct snp_report r;
	enum snp_status st = snp_verify(raw, len, vcek, ask, ark, &r);
	if (st != SNP_OK) {
		fprintf(stderr, "kettle: snp-verify failed: %s\n", snp_status_str(st));
		goto out;
	}
	exit_code = cli_print_json(snp_report_to_json(&r), JSON_INDENT(2), "report");
out:
	X509_free(vcek);
	X509_free(ask);
	X509_free(ark);
	free(raw);
	return exit_code;
}
