/* SPDX-License-Identifier: Apache-2.0 */
/* `kettle attest verify-azure EVIDENCE.json --ask ASK --ark ARK [--nonce HEX]`:
 * evidence from an Azure SEV-SNP confidential VM's vTPM. Prints the SNP
 * report, the runtime claims, the PCRs and the quote's nonce as JSON when
 * every check holds; otherwise one line naming the failed check. */
#include "attest/azure/azure.h"
#include "cli/cli.h"
#include "lib/bytes.h"
#include "lib/codec.h"
#include "lib/io.h"
#include "attest/snp/snp_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: kettle attest verify-azure EVIDENCE.json --ask ASK --ark ARK [--nonce HEX]\n";

static json_t *hexj(const uint8_t *p, size_t n)
{
	char buf[2 * 64 + 1];
	hex_encode(p, n > 64 ? 64 : n, buf);
	return json_string(buf);
}

static json_t *result_json(const struct azure_evidence *ev, const struct azure_result *res)
{
	json_t *pcrs = json_array();
	for (size_t i = 0; pcrs && i < ev->n_pcrs; i++)
		json_array_append_new(pcrs, hexj(ev->pcrs[i], 32));
	return json_pack("{s:i,s:o,s:O,s:o,s:o}", "evidence_version", ev->version,
			 "snp_report", snp_report_to_json(&res->report), "runtime_claims",
			 res->claims ? res->claims : json_null(), "pcrs", pcrs, "quote_nonce",
			 hexj(res->attest.extra, res->attest.extra_len));
}

int cli_attest_verify_azure(int argc, char **argv)
{
	struct cli_opt opts[] = {{"--ask", NULL}, {"--ark", NULL}, {"--nonce", NULL}};
	const char *pos[1];
	size_t n_pos;
	if (cli_parse(argc, argv, opts, ARRAY_SIZE(opts), pos, ARRAY_SIZE(pos), &n_pos) != 0 || n_pos != 1 ||
	    !opts[0].value || !opts[1].value) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	uint8_t nonce[64];
	size_t nonce_len = 0;
	/* an empty --nonce asks for a quote without extraData */
	if (opts[2].value && opts[2].value[0] &&
	    hex_decode_max(opts[2].value, nonce, sizeof(nonce), &nonce_len) != 0) {
		fprintf(stderr, "kettle: --nonce: expect up to 64 bytes as hex\n");
		return CLI_EXIT_USAGE;
	}

	int exit_code = CLI_EXIT_FAIL;
	uint8_t *text = NULL;
	size_t len = 0;
	X509 *ask = NULL, *ark = NULL;
	struct azure_evidence ev = {0};
	struct azure_result res = {0};
	const char *why = NULL;
	int rc = read_file_max(pos[0], AZ_EVIDENCE_MAX, &text, &len);
	if (rc) {
		fprintf(stderr, "kettle: evidence %s: %s\n", pos[0],
			rc == -EFBIG ? "larger than 512 KiB" : strerror(-rc));
		goto out;
	}
	if (azure_evidence_parse((const char *)text, len, &ev, &why) != 0) {
		fprintf(stderr, "kettle: %s: %s\n", pos[0], why);
		goto out;
	}
	if (cli_load_cert("ASK", opts[0].value, &ask) ||
	    cli_load_cert("ARK", opts[1].value, &ark))
		goto out;
	enum azure_status st =
		azure_verify(&ev, ask, ark, opts[2].value ? nonce : NULL, nonce_len, &res);
	if (st != AZ_OK) {
		fprintf(stderr, "kettle: verify-azure failed: %s\n", azure_status_str(st, res.snp));
		goto out;
	}
	exit_code = cli_print_json(result_json(&ev, &res), JSON_INDENT(2), "result");
out:
	json_decref(res.claims);
	azure_evidence_free(&ev);
	X509_free(ask);
	X509_free(ark);
	free(text);
	return exit_code;
}
