/* SPDX-License-Identifier: Apache-2.0 */
/* `kettle attest verify` and `kettle attest measure` as a user runs them,
 * on evidence from a real kettle-psp and kettle-vmm. argv: kettle,
 * kettle-psp; KETTLE_VMM and KETTLE_PROGS in the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/attest/evidence/fixture.h"
#include "lib/bytes.h"
#include "tests/tap.h"

#define NONCE "a1b2c3d4e5f60718"

static char tmp[] = "/tmp/kettle-cli-verify-XXXXXX";
static const char *kettle;
static struct run_out r;

static const char *at(const char *name)
{
	static char buf[16][600];
	static int slot;
	slot = (slot + 1) % 16;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmp, name);
	return buf[slot];
}

/* Runs argv (NULL-terminated) into r; its exit status. */
static int run(const char *const argv[])
{
	run_free(&r);
	run_cmd((char *const *)argv, NULL, NULL, 0, &r);
	return r.status;
}

static int one_line(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && s[n - 1] == '\n' && strchr(s, '\n') == s + n - 1;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok = f && fputs(text, f) >= 0;
	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

static int failed_with(int status, const char *what)
{
	return status == 1 && one_line(r.err) && strstr(r.err, what) && r.out_len == 0;
}

static void check_verify(void)
{
	const char *ev = at("ev.json"), *ark = at("psp/ark.pem");
	const char *plain[] = {kettle, "attest", "verify", ev, NULL};
	CHECK(run(plain) == 0 && r.json, "verify EVIDENCE: exit 0 and the claims as JSON");
	CHECK(!strcmp(json_string_value(json_object_get(r.json, "nonce")) ?: "", NONCE) &&
		      json_is_false(json_object_get(r.json, "nonce_checked")) &&
		      !strncmp(json_string_value(json_object_get(r.json, "ark")) ?: "", "bundle", 6),
	      "without --nonce and --ca it prints the bundle's nonce and says neither was pinned");

	const char *measure[] = {kettle, "attest", "measure", "--clear-env", "--", prog("hello", "musl"), "hi", NULL};
	CHECK(run(measure) == 0 && r.json && write_text(at("refs.json"), r.out) == 0,
	      "kettle attest measure writes a reference-values file");
	const char *full[] = {kettle, "attest", "verify", ev, "--nonce", NONCE, "--reference", at("refs.json"),
			      "--ca", ark, NULL};
	char want[65];
	CHECK(run(full) == 0 && json_is_true(json_object_get(r.json, "nonce_checked")) &&
		      !strcmp(json_string_value(json_object_get(r.json, "ark")) ?: "", "ca") &&
		      file_sha256(prog("hello", "musl"), want, NULL) == 0 &&
		      !strcmp(json_string_value(json_object_get(r.json, "program_sha256")) ?: "", want) &&
		      !strcmp(json_string_value(json_object_get(json_object_get(r.json, "result"), "status")) ?: "", "ok"),
	      "with --nonce, --reference and --ca: exit 0, the program's digest and status ok");

	full[5] = "a1b2c3d4e5f60719";
	CHECK(failed_with(run(full), "nonce does not match"), "another --nonce: exit 1, one line naming the nonce");
	full[5] = NONCE;
	const char *other[] = {kettle, "attest", "measure", "--clear-env", "--", prog("hello", "musl"), "ho", NULL};
	CHECK(run(other) == 0 && write_text(at("refs2.json"), r.out) == 0, "measure of another argument");
	full[7] = at("refs2.json");
	CHECK(failed_with(run(full), "not in the reference values"),
	      "a measurement not in --reference: exit 1, one line naming the reference values");
	full[7] = at("refs.json");
	full[9] = at("other/ark.pem");
	CHECK(failed_with(run(full), "chain"), "another --ca: exit 1, one line naming the chain");
	full[9] = at("missing.pem");
	CHECK(failed_with(run(full), "missing.pem"), "a missing --ca file is named in one line");
	full[9] = ark;

	json_t *b = load_json(ev);
	size_t len = 0;
	uint8_t *raw = get_b64(b, "report", &len);
	if (raw && len > 0x100) {
		raw[0x100] ^= 0x40;
		set_b64(b, "report", raw, len);
	}
	free(raw);
	CHECK(b && json_dump_file(b, at("bad.json"), JSON_COMPACT) == 0, "a bundle with one report byte changed");
	json_decref(b);
	const char *bad[] = {kettle, "attest", "verify", at("bad.json"), NULL};
	CHECK(failed_with(run(bad), "report signature does not verify"),
	      "the changed bundle: exit 1, one line 'report signature does not verify'");
	write_text(at("junk.json"), "{\"version\": 1,");
	bad[3] = at("junk.json");
	CHECK(failed_with(run(bad), "not JSON"), "a file that is not JSON: exit 1, one line");
	bad[3] = at("nope.json");
	CHECK(failed_with(run(bad), "nope.json"), "a missing evidence file is named in one line");
	write_text(at("badrefs.json"), "{\"measurements\": [\"12\"]}");
	full[7] = at("badrefs.json");
	CHECK(failed_with(run(full), "measurement 0"), "a malformed reference file: exit 1, one line");
}

static void check_measure_same_as_vmm(void)
{
	const char *prog_path = prog("argsenv", "musl");
	const char *vmm[] = {vmm_path(), "measure", "--mem", "32M", "--env", "A=1", "--clear-env", "--",
			     prog_path, "x", "y", NULL};
	const char *cli[] = {kettle, "attest", "measure", "--mem", "32M", "--env", "A=1", "--clear-env", "--",
			     prog_path, "x", "y", NULL};
	char *vmm_out = NULL;
	if (run(vmm) == 0)
		vmm_out = strdup(r.out);
	CHECK(vmm_out && run(cli) == 0 && !strcmp(vmm_out, r.out),
	      "kettle attest measure prints exactly what kettle-vmm measure prints");
	free(vmm_out);
	const char *run_argv[] = {vmm_path(), "run", "--json", "--mem", "32M", "--env", "A=1", "--clear-env",
				  "--evidence", at("m.json"), "--psp", at("psp.sock"), "--", prog_path, "x", "y", NULL};
	char *meas = NULL;
	if (run(run_argv) == 0)
		meas = strdup(json_string_value(json_object_get(r.json, "measurement")) ?: "");
	CHECK(meas && run(cli) == 0 &&
		      !strcmp(json_string_value(json_array_get(json_object_get(r.json, "measurements"), 0)) ?: "-", meas),
	      "and that is the measurement of the run with the same options");
	free(meas);
}

/* From bash, which sets "_" to each command it runs, and with the inherited
 * environment: measuring must see the environment the run gave the guest.
 * Each command runs second in its own script: bash orders the environment
 * differently for a script's first command, natively too. */
static void check_measure_from_shell(void)
{
	char run_script[1024], measure_script[1024];
	snprintf(run_script, sizeof run_script, "true; \"$0\" run --json --evidence %s --psp %s -- \"$1\" x > %s",
		 at("sh-ev.json"), at("psp.sock"), at("sh-run.json"));
	snprintf(measure_script, sizeof measure_script, "true; \"$0\" attest measure -- \"$1\" x > %s",
		 at("sh-refs.json"));
	const char *run_argv[] = {"/bin/bash", "-c", run_script, vmm_path(), prog("argsenv", "musl"), NULL};
	const char *measure_argv[] = {"/bin/bash", "-c", measure_script, kettle, prog("argsenv", "musl"), NULL};
	run(run_argv);
	run(measure_argv);
	json_t *a = json_load_file(at("sh-run.json"), 0, NULL), *b = json_load_file(at("sh-refs.json"), 0, NULL);
	const char *ran = json_string_value(json_object_get(a, "measurement"));
	const char *ref = json_string_value(json_array_get(json_object_get(b, "measurements"), 0));
	CHECK(ran && ref && !strcmp(ran, ref),
	      "from bash with the inherited environment, measure equals the run's measurement");
	json_decref(a);
	json_decref(b);
}

static void check_usage(void)
{
	const char *const cases[][8] = {
		{"verify", NULL},
		{"verify", "a.json", "b.json", NULL},
		{"verify", "a.json", "--nonce", "xyz", NULL},
		{"verify", "a.json", "--nonce",
		 "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
		 "0000000000000000000000000000000000", NULL},
		{"verify", "a.json", "--bogus", "1", NULL},
		{"verify", "a.json", "--ca", NULL},
		{"measure", NULL},
		{"measure", "--mem", "1K", "--", "/bin/true", NULL},
	};
	int wrong = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *argv[12] = {kettle, "attest"};
		for (size_t k = 0; k < 8 && cases[i][k]; k++)
			argv[2 + k] = cases[i][k];
		if (run(argv) != 2 || !one_line(r.err)) {
			printf("# case %zu: exit %d, stderr %s", i, r.status, r.err);
			wrong++;
		}
	}
	CHECK(wrong == 0, "usage errors (no file, two files, bad or long --nonce, unknown option, no value, "
			  "measure without a program, bad --mem): exit 2 and one line");
	const char *missing[] = {kettle, "attest", "measure", "--", at("no-such-program"), NULL};
	CHECK(failed_with(run(missing), "no-such-program"), "measure of a missing program: exit 1, one line naming it");
}

int main(int argc, char **argv)
{
	struct psp psp;
	if (argc != 3)
		TAP_SKIP_ALL("usage: test-verify KETTLE KETTLE-PSP");
	if (!have_kvm())
		TAP_SKIP_ALL("no /dev/kvm: kettle-vmm cannot run guests here");
	if (!mkdtemp(tmp))
		TAP_SKIP_ALL("cannot create a temporary directory");
	kettle = argv[1];
	CHECK(psp_start(argv[2], at("psp"), 1, &psp) == 0, "kettle-psp is serving");
	const char *init[] = {argv[2], "init", at("other"), "--ec", NULL};
	CHECK(run(init) == 0, "a second kettle-psp chain exists");
	const char *args[] = {"hi", NULL};
	run_free(&r);
	CHECK(run_evidence(&psp, NONCE, at("ev.json"), NULL, prog("hello", "musl"), args, NULL, &r) == 0,
	      "kettle-vmm wrote evidence for 'hello hi'");
	check_verify();
	check_measure_same_as_vmm();
	check_measure_from_shell();
	check_usage();
	run_free(&r);
	psp_stop(&psp);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	TAP_DONE();
}
