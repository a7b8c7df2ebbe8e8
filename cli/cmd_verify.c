/* SPDX-License-Identifier: Apache-2.0 */
/* `kettle attest verify EVIDENCE [--nonce HEX] [--reference REFS.json]
 * [--ca ARK.pem]`: a kettle-vmm evidence bundle through attest/evidence.
 * The claims as JSON on stdout when every check holds; otherwise one line
 * naming the first failed check. */
#include "cli/cli.h"
#include "lib/bytes.h"
#include "lib/codec.h"
#include "lib/io.h"
#include "attest/evidence/evidence.h"
#include "attest/snp/snp_verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: kettle attest verify EVIDENCE.json [--nonce HEX] [--reference REFS.json] [--ca ARK.pem]\n";

#define REFS_MAX (1024 * 1024)

static json_t *load_json(const char *what, const char *path, size_t max)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int rc = read_file_max(path, max, &text, &len);
	if (rc) {
		fprintf(stderr, "kettle: %s %s: %s\n", what, path,
			rc == -EFBIG ? "file too large" : strerror(-rc));
		return NULL;
	}
	json_error_t jerr;
	json_t *j = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!j)
		fprintf(stderr, "kettle: %s %s: not JSON (line %d: %s)\n", what, path, jerr.line, jerr.text);
	return j;
}

static int load_refs(const char *path, struct evidence_policy *p, uint8_t (**refs)[48])
{
	char err[256];
	json_t *j = load_json("reference values", path, REFS_MAX);
	if (!j)
		return -EINVAL;
	int rc = evidence_refs_parse(j, refs, &p->n_measurements, err, sizeof err);
	json_decref(j);
	if (rc) {
		fprintf(stderr, "kettle: %s: %s\n", path, rc == -ENOMEM ? "out of memory" : err);
		return rc;
	}
	p->measurements = (const uint8_t (*)[48])*refs;
	p->has_refs = 1;
	return 0;
}

static int print_claims(const struct evidence_claims *c, int nonce_checked)
{
	json_t *j = evidence_claims_json(c);
	if (j && json_object_set_new(j, "nonce_checked", json_boolean(nonce_checked))) {
		json_decref(j);
		j = NULL;
	}
	return cli_print_json(j, JSON_INDENT(2) | JSON_SORT_KEYS, "claims");
}

int cli_attest_verify(int argc, char **argv)
{
	struct cli_opt opts[] = {{"--nonce", NULL}, {"--reference", NULL}, {"--ca", NULL}};
	const char *pos[1];
	size_t n_pos;
	uint8_t nonce[EVIDENCE_NONCE_MAX];
	size_t nonce_len = 0;
	if (cli_parse(argc, argv, opts, ARRAY_SIZE(opts), pos, ARRAY_SIZE(pos), &n_pos) != 0 || n_pos != 1) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (opts[0].value &&
	    hex_decode_max(opts[0].value, nonce, sizeof(nonce), &nonce_len)) {
		fprintf(stderr, "kettle: --nonce must be 1 to 64 bytes in hex; %s", usage);
		return CLI_EXIT_USAGE;
	}

	int exit_code = CLI_EXIT_FAIL;
	struct evidence_policy p = {0};
	struct evidence_claims *c = calloc(1, sizeof *c);
	uint8_t (*refs)[48] = NULL;
	json_t *bundle = NULL;
	char err[512];
	if (!c) {
		fprintf(stderr, "kettle: out of memory\n");
		return CLI_EXIT_FAIL;
	}
	if (opts[0].value) {
		p.nonce = nonce;
		p.nonce_len = nonce_len;
	}
	if (opts[1].value && load_refs(opts[1].value, &p, &refs))
		goto out;
	if (opts[2].value && cli_load_cert("--ca", opts[2].value, &p.ca_ark))
		goto out;
	if (!(bundle = load_json("evidence", pos[0], EVIDENCE_BUNDLE_MAX)))
		goto out;
	enum evidence_result r = evidence_verify(bundle, &p, c, err, sizeof err);
	if (r != EVIDENCE_OK) {
		fprintf(stderr, "kettle: attest verify failed: %s\n", err);
		goto out;
	}
	exit_code = print_claims(c, p.nonce != NULL);
out:
	evidence_claims_clear(c);
	free(c);
	json_decref(bundle);
	X509_free(p.ca_ark);
	free(refs);
	return exit_code;
}
