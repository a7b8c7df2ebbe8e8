/* SPDX-License-Identifier: Apache-2.0 */
/* attest/evidence end to end: a real kettle-psp (RSA-4096 chain, as AMD's)
 * signs reports for real kettle-vmm runs; the verifier must accept them
 * with claims that match what ran, and name the check that fails for
 * evidence from another chain, another run, another policy or another
 * program. argv: kettle-psp, tpm2_checkquote (or "-"), openssl. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/attest/evidence/fixture.h"
#include "attest/psp/psp_client.h"
#include "attest/snp/snp_verify.h"
#include "tests/harness/prereq.h"
#include "tests/tap.h"
#include "tests/attest/evidence/tools.h"

#define NONCE "00112233445566778899aabbccddeeff"

static char tmp[] = "/tmp/kettle-evidence-XXXXXX";
static struct psp psp_a, psp_b;
static X509 *ark_a;

static const char *at(const char *name)
{
	static char buf[16][600];
	static int slot;
	slot = (slot + 1) % 16;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmp, name);
	return buf[slot];
}

static int hex_is(const uint8_t *p, size_t n, const char *hex)
{
	char h[129];
	for (size_t i = 0; i < n && i < 64; i++)
		snprintf(h + 2 * i, 3, "%02x", p[i]);
	return hex && strlen(hex) == 2 * n && strncmp(h, hex, 2 * n) == 0;
}

/* kettle-vmm measure --clear-env -- program args: the measurement's hex. */
static int vmm_measure_hex(const char *program, const char *const args[], char out[97])
{
	const char *argv[16] = {vmm_path(), "measure", "--clear-env", "--", program};
	size_t n = 5;
	for (size_t i = 0; args && args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct run_out r;
	int rc = run_cmd((char *const *)argv, NULL, NULL, 0, &r);
	const char *m = json_string_value(json_array_get(json_object_get(r.json, "measurements"), 0));
	rc = rc == 0 && r.status == 0 && m && strlen(m) == 96 ? 0 : -1;
	if (!rc)
		memcpy(out, m, 97);
	run_free(&r);
	return rc;
}

static void check_claims(const struct evidence_claims *c, const struct run_out *r, const json_t *bundle)
{
	const char *program = prog("files", "musl");
	char want[65];
	size_t size = 0, n = 0;
	CHECK(file_sha256(program, want, &size) == 0 && hex_is(c->program_sha256, 32, want) &&
		      c->program_size == size,
	      "program_sha256 and size are the program file's");
	CHECK(c->n_inputs == 1 && !strcmp(c->inputs[0].name, "data") && file_sha256(at("in.txt"), want, &size) == 0 &&
		      hex_is(c->inputs[0].sha256, 32, want) && c->inputs[0].size == size,
	      "the one input claim is in.txt's name, digest and size");
	int outputs_ok = c->n_outputs == 2;
	for (size_t i = 0; i < c->n_outputs; i++) {
		char path[700];
		snprintf(path, sizeof path, "%s/out/%s", tmp, c->outputs[i].name);
		outputs_ok = outputs_ok && file_sha256(path, want, &size) == 0 &&
			     hex_is(c->outputs[i].sha256, 32, want) && c->outputs[i].size == size;
	}
	CHECK(outputs_ok, "both output claims equal the files kettle-vmm wrote");
	char *out = stream_text(r->json, "stdout", &n);
	sha256_hex(out ? out : "", n, want);
	CHECK(out && n > 0 && hex_is(c->result.stdout_sha256, 32, want), "stdout_sha256 is the digest of stdout");
	free(out);
	out = stream_text(r->json, "stderr", &n);
	sha256_hex(out ? out : "", n, want);
	CHECK(out && hex_is(c->result.stderr_sha256, 32, want), "stderr_sha256 is the digest of stderr");
	free(out);
	CHECK(!strcmp(c->result.status, "ok") && c->result.exit_code == 0, "result: status ok, exit code 0");
	CHECK(hex_is(c->nonce, c->nonce_len, NONCE), "the nonce claim is the nonce sent");
	CHECK(hex_is(c->measurement, 48, json_string_value(json_object_get(r->json, "measurement"))),
	      "the measurement claim is the one kettle-vmm reported");
	json_t *args = json_pack("{s:[sss], s:[]}", "argv", program, "/input/data", "/output", "env");
	char *text = json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS);
	sha256_hex(text, strlen(text), want);
	CHECK(json_equal(c->argv, json_object_get(args, "argv")) && json_array_size(c->env) == 0 &&
		      hex_is(c->arguments_sha256, 32, want),
	      "argv and env claims, and arguments_sha256 is SHA-256 of {argv, env}");
	free(text);
	json_decref(args);
	const char *m = json_string_value(json_object_get(bundle, "task_manifest"));
	sha256_hex(m, strlen(m), want);
	CHECK(hex_is(c->task_manifest_sha256, 32, want) && hex_is(c->report.host_data, 32, want),
	      "task_manifest_sha256 is the manifest's digest and the report's HOST_DATA");
	CHECK(c->ark_from_ca && c->report.version == 2 && c->report.vmpl == 0, "ARK from the CA; report v2, VMPL 0");
	json_t *j = evidence_claims_json(c);
	CHECK(j && json_object_get(j, "outputs") && json_object_get(j, "result") && json_object_get(j, "report") &&
		      !strcmp(json_string_value(json_object_get(j, "ark")) ?: "", "ca"),
	      "claims JSON has outputs, result, report and says the ARK came from the CA");
	json_decref(j);
}

static json_t *run_files(struct run_out *r)
{
	int rc = run_files_evidence(&psp_a, NONCE, tmp, "an input file\nwith two lines\n", "a.json",
				    "stdin text\n", r);
	CHECK(rc == 0, "kettle-vmm ran 'files' with evidence from kettle-psp");
	return rc ? NULL : load_json(at("a.json"));
}

static void check_round_trip(json_t *a, const struct run_out *r)
{
	char hex[97], err[512];
	uint8_t ref[2][48];
	const char *args[] = {"/input/data", "/output", NULL};
	static struct evidence_claims c;
	size_t n;
	int measured = vmm_measure_hex(prog("files", "musl"), args, hex) == 0;
	CHECK(measured && !strcmp(hex, json_string_value(json_object_get(r->json, "measurement")) ?: ""),
	      "kettle-vmm measure gives the run's measurement");
	json_t *refs = json_pack("{s:[ss], s:s}", "measurements", "00", hex, "comment", "ignored");
	CHECK(evidence_refs_parse(refs, &(uint8_t (*)[48]){NULL}, &n, err, sizeof err) != 0,
	      "reference values with a short measurement are refused");
	json_array_remove(json_object_get(refs, "measurements"), 0);
	uint8_t (*parsed)[48] = NULL;
	CHECK(evidence_refs_parse(refs, &parsed, &n, err, sizeof err) == 0 && n == 1, "reference values parse");
	memset(ref[0], 0xab, 48);
	if (parsed)
		memcpy(ref[1], parsed[0], 48);
	free(parsed);
	json_decref(refs);
	uint8_t nonce[16];
	for (int i = 0; i < 16; i++)
		nonce[i] = (uint8_t)(0x11 * i);
	struct evidence_policy p = {.ca_ark = ark_a, .measurements = (const uint8_t (*)[48])ref, .n_measurements = 2,
				    .has_refs = 1, .nonce = nonce, .nonce_len = 16};
	enum evidence_result res = evidence_verify(a, &p, &c, err, sizeof err);
	CHECK(res == EVIDENCE_OK, "the bundle verifies with the CA, reference values and nonce: %s", res ? err : "ok");
	if (res == EVIDENCE_OK)
		check_claims(&c, r, a);
	evidence_claims_clear(&c);

	p.n_measurements = 1;
	res = verify_only(a, &p, err, sizeof err);
	CHECK(res == EVIDENCE_E_MEASUREMENT && strstr(err, "reference values"),
	      "a measurement not in the reference values fails the measurement check");
	p.n_measurements = 2;
	nonce[15] ^= 1;
	res = verify_only(a, &p, err, sizeof err);
	CHECK(res == EVIDENCE_E_NONCE && !strncmp(err, "nonce does not match", 20), "a wrong nonce fails: %s", err);
	nonce[15] ^= 1;
	struct evidence_policy bare = {0};
	res = evidence_verify(a, &bare, &c, err, sizeof err);
	CHECK(res == EVIDENCE_OK && !c.ark_from_ca, "without a CA the bundle's own ARK is used, and the claims say so");
	evidence_claims_clear(&c);
}

/* A copy of the program with one byte changed inside its first loaded
 * segment, so the change is in guest memory. */
static int mutate_program(const char *src, const char *dst)
{
	size_t n;
	char *b = slurp(src, &n);
	int rc = -1;
	if (!b || n < sizeof(Elf64_Ehdr))
		goto out;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		size_t off = eh->e_phoff + (size_t)i * sizeof(Elf64_Phdr);
		if (off + sizeof(Elf64_Phdr) > n)
			break;
		Elf64_Phdr *ph = (Elf64_Phdr *)(b + off);
		if (ph->p_type == PT_LOAD && ph->p_filesz > 64 && ph->p_offset + ph->p_filesz <= n) {
			b[ph->p_offset + ph->p_filesz / 2] ^= 0x01;
			rc = 0;
			break;
		}
	}
	FILE *f = rc ? NULL : fopen(dst, "wb");
	if (!f || fwrite(b, 1, n, f) != n)
		rc = -1;
	if (f && fclose(f))
		rc = -1;
	if (!rc)
		chmod(dst, 0755);
out:
	free(b);
	return rc;
}

static void check_measure(void)
{
	char m1[97], m2[97], m3[97], m4[97];
	const char *args[] = {"a", "b", NULL}, *args2[] = {"a", "c", NULL};
	int ok = vmm_measure_hex(prog("hello", "musl"), args, m1) == 0 &&
		 vmm_measure_hex(prog("hello", "musl"), args, m2) == 0;
	CHECK(ok && !strcmp(m1, m2), "kettle-vmm measure is reproducible");
	CHECK(vmm_measure_hex(prog("hello", "musl"), args2, m3) == 0 && strcmp(m1, m3),
	      "one different argument gives a different measurement");
	CHECK(mutate_program(prog("hello", "musl"), at("hello-changed")) == 0 &&
		      vmm_measure_hex(at("hello-changed"), args, m4) == 0 && strcmp(m1, m4),
	      "a program differing in one loaded byte gives a different measurement");
}

/* Asks a PSP for a report over a's MEASUREMENT, REPORT_DATA and HOST_DATA,
 * optionally with another policy or VMPL, and puts it into a copy of a. */
static json_t *with_report_from(const json_t *a, const struct psp *p, int debug, int vmpl, const json_t *chain_from)
{
	size_t len = 0;
	uint8_t *raw = get_b64(a, "report", &len), report[1184];
	json_t *b = json_deep_copy(a);
	char *chain = NULL;
	struct psp_request req = {.has_policy = debug, .policy = 0x30000ull | SNP_POLICY_DEBUG,
				  .has_vmpl = vmpl != 0, .vmpl = (uint32_t)vmpl};
	if (!raw || len != 1184 || !b)
		goto fail;
	memcpy(req.measurement, raw + 0x90, 48);
	memcpy(req.report_data, raw + 0x50, 64);
	memcpy(req.host_data, raw + 0xC0, 32);
	if (psp_request_report(p->sock, &req, report, &chain) || set_b64(b, "report", report, sizeof report))
		goto fail;
	if (chain_from)
		json_object_set(b, "cert_chain", json_object_get(chain_from, "cert_chain"));
	free(raw);
	free(chain);
	return b;
fail:
	free(raw);
	free(chain);
	json_decref(b);
	return NULL;
}

static void check_chains_and_policy(const json_t *a)
{
	char err[512];
	struct evidence_policy ca = {.ca_ark = ark_a};
	struct run_out r;
	const char *args[] = {"x", NULL};
	int ran = run_evidence(&psp_b, NONCE, at("b.json"), NULL, prog("hello", "musl"), args, NULL, &r) == 0;
	run_free(&r);
	json_t *b = ran ? load_json(at("b.json")) : NULL;
	CHECK(b && verify_only(b, NULL, err, sizeof err) == EVIDENCE_OK,
	      "a bundle from a second kettle-psp verifies against its own ARK");
	CHECK(b && verify_only(b, &ca, err, sizeof err) == EVIDENCE_E_CHAIN && strstr(err, "--ca"),
	      "... but not against the pinned ARK: chain check (%s)", err);

	json_t *x = with_report_from(a, &psp_b, 0, 0, NULL);
	CHECK(x && verify_only(x, &ca, err, sizeof err) == EVIDENCE_E_REPORT_SIGNATURE,
	      "a report signed by another chain's VCEK fails the report signature");
	json_decref(x);
	x = with_report_from(a, &psp_b, 0, 0, b);
	CHECK(x && verify_only(x, &ca, err, sizeof err) == EVIDENCE_E_CHAIN,
	      "the same report with its own chain fails the pinned chain");
	json_decref(x);
	x = with_report_from(a, &psp_a, 0, 0, NULL);
	CHECK(x && verify_only(x, &ca, err, sizeof err) == EVIDENCE_OK,
	      "a fresh report over the same fields from the same PSP verifies");
	json_decref(x);
	x = with_report_from(a, &psp_a, 1, 0, NULL);
	CHECK(x && verify_only(x, &ca, err, sizeof err) == EVIDENCE_E_REPORT_POLICY && strstr(err, "debug"),
	      "a report whose policy allows debugging fails the policy check");
	json_decref(x);
	x = with_report_from(a, &psp_a, 0, 1, NULL);
	CHECK(x && verify_only(x, &ca, err, sizeof err) == EVIDENCE_E_REPORT_POLICY && strstr(err, "VMPL 1"),
	      "a report requested at VMPL 1 fails the policy check");
	json_decref(x);
	json_decref(b);
}

static void check_replay(const json_t *a)
{
	char err[512];
	struct evidence_policy ca = {.ca_ark = ark_a};
	struct run_out r;
	const char *args[] = {"x", NULL};
	int ran = run_evidence(&psp_a, NONCE, at("a2.json"), NULL, prog("hello", "musl"), args, NULL, &r) == 0;
	run_free(&r);
	json_t *a2 = ran ? load_json(at("a2.json")) : NULL;
	CHECK(a2 && verify_only(a2, &ca, err, sizeof err) == EVIDENCE_OK, "run B, same PSP and nonce, verifies");
	json_t *x = json_deep_copy(a);
	json_object_set(x, "quote", json_object_get(a2, "quote"));
	json_object_set(x, "ak_public", json_object_get(a2, "ak_public"));
	CHECK(a2 && verify_only(x, &ca, err, sizeof err) == EVIDENCE_E_REPORT_DATA,
	      "run B's quote and AK in run A's bundle fail the REPORT_DATA binding");
	json_object_set(x, "ak_public", json_object_get(a, "ak_public"));
	CHECK(a2 && verify_only(x, &ca, err, sizeof err) == EVIDENCE_E_QUOTE && strstr(err, "signature"),
	      "run B's quote alone fails the quote signature with A's AK (%s)", err);
	json_object_set(x, "ak_public", json_object_get(a2, "ak_public"));
	json_object_set(x, "report", json_object_get(a2, "report"));
	json_object_set(x, "measurement", json_object_get(a2, "measurement"));
	CHECK(a2 && verify_only(x, &ca, err, sizeof err) == EVIDENCE_E_PCR,
	      "run B's report, AK and quote with run A's event log: a quoted PCR differs (%s)", err);
	json_object_set(x, "event_log", json_object_get(a2, "event_log"));
	CHECK(a2 && verify_only(x, &ca, err, sizeof err) == EVIDENCE_E_HOST_DATA,
	      "... and with B's event log but A's manifest: HOST_DATA check");
	json_decref(x);
	json_decref(a2);
}

static void check_tools(const json_t *a, const char *checkquote_bin, const char *openssl)
{
	const char *no_checkquote = harness_tool_missing(checkquote_bin, "tpm2_checkquote", "tpm2-tools");
	if (!no_checkquote) {
		CHECK(checkquote(checkquote_bin, tmp, a, NONCE) == 0, "tpm2_checkquote accepts the bundle's quote");
		CHECK(checkquote(checkquote_bin, tmp, a, "00112233445566778899aabbccddeefe") != 0,
		      "tpm2_checkquote refuses it with another nonce");
	} else {
		TAP_SKIP("%s: tpm2_checkquote accepts the bundle's quote", no_checkquote);
		TAP_SKIP("%s: tpm2_checkquote refuses it with another nonce", no_checkquote);
	}
	json_t *b = load_json(at("b.json"));
	CHECK(split_chain(a, tmp, "a-") == 0 && openssl_verify(openssl, tmp, "a-", "a-") == 0,
	      "openssl verify accepts the bundle's chain (RSA-PSS ARK/ASK, P-384 VCEK)");
	CHECK(b && split_chain(b, tmp, "b-") == 0 && openssl_verify(openssl, tmp, "a-", "b-") != 0,
	      "openssl verify refuses the second PSP's chain under the first ARK");
	json_decref(b);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		TAP_SKIP_ALL("usage: test-evidence KETTLE-PSP TPM2_CHECKQUOTE|- OPENSSL");
	if (!have_kvm())
		TAP_SKIP_ALL("no /dev/kvm: kettle-vmm cannot run guests here");
	if (!mkdtemp(tmp))
		TAP_SKIP_ALL("cannot create a temporary directory");
	CHECK(psp_start(argv[1], at("psp-a"), 0, &psp_a) == 0, "kettle-psp A (RSA-4096 ARK/ASK) is serving");
	CHECK(psp_start(argv[1], at("psp-b"), 1, &psp_b) == 0, "kettle-psp B (P-384 ARK/ASK) is serving");
	CHECK(snp_cert_load(at("psp-a/ark.pem"), &ark_a) == 0, "A's ARK loads");

	struct run_out r;
	json_t *a = run_files(&r);
	if (a) {
		check_round_trip(a, &r);
		check_chains_and_policy(a);
		check_replay(a);
		check_tools(a, argv[2], argv[3]);
	}
	check_measure();
	run_free(&r);
	json_decref(a);
	X509_free(ark_a);
	psp_stop(&psp_a);
	psp_stop(&psp_b);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	TAP_DONE();
}
