/* SPDX-License-Identifier: Apache-2.0 */
/* The claims a verified bundle supports, as JSON for the CLI and callers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/evidence/evidence_int.h"
#include "lib/codec.h"

static json_t *hexj(const void *p, size_t n)
{
	char buf[2 * 64 + 1];
	if (n > 64)
		return NULL;
	hex_encode(p, n, buf);
	return json_string(buf);
}

static json_t *files(const struct evidence_file *f, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:o, s:I}", "name", f[i].name, "sha256",
						       hexj(f[i].sha256, 32), "size", (json_int_t)f[i].size))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* 64-bit fields as hex strings: JSON integers are signed (and doubles in
 * many readers). */
static json_t *u64j(uint64_t v)
{
	char buf[19];
	snprintf(buf, sizeof buf, "0x%016llx", (unsigned long long)v);
	return json_string(buf);
}

static json_t *report_json(const struct snp_report *r)
{
	return json_pack("{s:i, s:o, s:i, s:o, s:o, s:o}", "version", (int)r->version, "policy", u64j(r->policy),
			 "vmpl", (int)r->vmpl, "chip_id", hexj(r->chip_id, 64), "host_data", hexj(r->host_data, 32),
			 "reported_tcb", u64j(r->reported_tcb));
}

json_t *evidence_claims_json(const struct evidence_claims *c)
{
	json_t *result = json_pack("{s:s, s:i, s:o, s:o}", "status", c->result.status, "exit_code",
				   c->result.exit_code, "stdout_sha256", hexj(c->result.stdout_sha256, 32),
				   "stderr_sha256", hexj(c->result.stderr_sha256, 32));
	return json_pack("{s:s, s:o, s:o, s:o, s:I, s:o, s:O*, s:O*, s:O*, s:o, s:o, s:o, s:o, s:o}",
			 "ark", c->ark_from_ca ? "ca" : "bundle (not pinned: pass --ca to trust only your ARK)",
			 "nonce", hexj(c->nonce, c->nonce_len), "measurement", hexj(c->measurement, 48),
			 "program_sha256", hexj(c->program_sha256, 32), "program_size",
			 (json_int_t)c->program_size, "arguments_sha256", hexj(c->arguments_sha256, 32), "argv",
			 c->argv, "env", c->env, "config", c->config, "inputs", files(c->inputs, c->n_inputs),
			 "outputs", files(c->outputs, c->n_outputs), "result", result, "report",
			 report_json(&c->report), "task_manifest_sha256", hexj(c->task_manifest_sha256, 32));
}

void evidence_claims_clear(struct evidence_claims *c)
{
	json_decref(c->argv);
	json_decref(c->env);
	json_decref(c->config);
	c->argv = c->env = c->config = NULL;
}

int evidence_refs_parse(const json_t *refs, uint8_t (**out)[48], size_t *n, char *err, size_t errlen)
{
	json_t *m = json_object_get(refs, "measurements");
	*out = NULL;
	*n = 0;
	if (!json_is_array(m) || json_array_size(m) > 4096) {
		evidence_fail(err, errlen, EVIDENCE_E_MALFORMED,
			      "reference values: \"measurements\" is not an array of at most 4096");
		return -EINVAL;
	}
	uint8_t (*v)[48] = malloc((json_array_size(m) ? json_array_size(m) : 1) * sizeof *v);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(m); i++)
		if (hex_decode(json_string_value(json_array_get(m, i)), v[i], 48)) {
			evidence_fail(err, errlen, EVIDENCE_E_MALFORMED,
				      "reference values: measurement %zu is not 96 hex digits", i);
			free(v);
			return -EINVAL;
		}
	*out = v;
	*n = json_array_size(m);
	return 0;
}
