/* SPDX-License-Identifier: Apache-2.0 */
/* The `kettle` CLI as a user runs it: exit codes, JSON on success, one
 * line naming the failed check otherwise. argv: kettle, kettle-psp, the
 * genuine SNP test data directory, the genuine Azure evidence directory. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "attest/psp/psp_client.h"
#include "lib/bytes.h"
#include "tests/tap.h"

static char tmp[] = "/tmp/kettle-cli-test-XXXXXX";
static const char *kettle, *psp_bin, *data, *azure_data;
static char out_buf[1 << 16], err_buf[4096];

static const char *in(const char *dir, const char *name)
{
	static char buf[32][512];
	static int slot;
	slot = (slot + 1) % 32;
	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", dir, name);
	return buf[slot];
}

static void slurp(const char *path, char *buf, size_t cap)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run argv with stdout/stderr captured into out_buf/err_buf. */
static int run(const char *const argv[])
{
	const char *o = in(tmp, "stdout"), *e = in(tmp, "stderr");
	pid_t pid = fork();
	if (pid == 0) {
		int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fo < 0 || fe < 0)
			_exit(126);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	slurp(o, out_buf, sizeof(out_buf));
	slurp(e, err_buf, sizeof(err_buf));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int one_line(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && s[n - 1] == '\n' && strchr(s, '\n') == s + n - 1;
}

static int verify(const char *report, const char *vcek, const char *ask, const char *ark)
{
	const char *argv[] = {kettle, "attest", "snp-verify", report, "--vcek", vcek,
			      "--ask", ask, "--ark", ark, NULL};
	return run(argv);
}

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

static int read_file(const char *path, uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t r = fread(p, 1, n, f);
	fclose(f);
	return r == n ? 0 : -1;
}

static void check_genuine(const char *label, const char *report, const char *vcek,
			  const char *ask, const char *ark, unsigned version)
{
	int rc = verify(in(data, report), in(data, vcek), in(data, ask), in(data, ark));
	json_error_t jerr;
	json_t *j = json_loads(out_buf, 0, &jerr);
	uint8_t raw[1184];
	char meas[97] = "";
	if (read_file(in(data, report), raw, sizeof(raw)) == 0)
		for (int i = 0; i < 48; i++)
			snprintf(meas + 2 * i, 3, "%02x", raw[0x90 + i]);
	CHECK(rc == 0 && j, "%s: exit 0 and JSON on stdout", label);
	CHECK(j && json_integer_value(json_object_get(j, "version")) == version &&
		      strcmp(json_string_value(json_object_get(j, "measurement")) ?: "", meas) == 0,
	      "%s: JSON has version %u and the report's measurement", label, version);
	static const char *const fields[] = {"guest_svn", "policy", "family_id", "image_id",
		"vmpl", "signature_algo", "current_tcb", "platform_info", "flags", "report_data",
		"host_data", "id_key_digest", "author_key_digest", "report_id", "report_id_ma",
		"reported_tcb", "chip_id", "committed_tcb", "current_version",
		"committed_version", "launch_tcb", "signature"};
	int missing = 0;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (!j || !json_object_get(j, fields[i]))
			missing++;
	CHECK(missing == 0, "%s: every report field is printed (%d missing)", label, missing);
	json_decref(j);

	raw[0x1A0] ^= 1; /* CHIP_ID */
	write_file(in(tmp, "bad.bin"), raw, sizeof(raw));
	rc = verify(in(tmp, "bad.bin"), in(data, vcek), in(data, ask), in(data, ark));
	CHECK(rc == 1 && one_line(err_buf) && strstr(err_buf, "report signature") && !out_buf[0],
	      "%s: one changed byte exits 1 with one 'report signature' line", label);
}

static pid_t start_psp(const char *dir, const char *sock)
{
	const char *init[] = {psp_bin, "init", dir, "--ec", NULL};
	if (run(init) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[] = {psp_bin, "serve", dir, "--socket", sock, NULL};
		execv(psp_bin, (char **)argv);
		_exit(127);
	}
	/* up to a minute: a sanitizer build under load starts slowly */
	for (int i = 0; i < 6000; i++) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		if (fd >= 0)
			close(fd);
		if (ok)
			return pid;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return pid;
}

static void test_snp_verify_genuine(void)
{
	check_genuine("Genoa v3", "genoa-v3-azure.report.bin", "genoa-v3-azure.vcek.pem",
		      "genoa-ask.pem", "genoa-ark.pem", 3);
	check_genuine("Milan v3", "milan-v3-azure.report.bin", "milan-v3-azure.vcek.der",
		      "milan-ask.pem", "milan-ark.pem", 3);
	check_genuine("Milan v2", "milan-v2-virtee.report.bin", "milan-v2-virtee.vcek.der",
		      "milan-ask.pem", "milan-ark.pem", 2);
}

/* Wrong chains, missing or bad certificates, reports of the wrong size:
 * exit 1 and one line naming the check or the file. */
static void test_snp_verify_refusals(void)
{
	int rc = verify(in(data, "genoa-v3-azure.report.bin"), in(data, "genoa-v3-azure.vcek.pem"),
			in(data, "milan-ask.pem"), in(data, "milan-ark.pem"));
	CHECK(rc == 1 && one_line(err_buf) && strstr(err_buf, "chain:"),
	      "Genoa report with Milan's ASK/ARK names the chain check");
	rc = verify(in(data, "milan-v2-virtee.report.bin"), in(data, "milan-v2-virtee.vcek.der"),
		    in(data, "milan-ask.pem"), in(data, "no-such.pem"));
	CHECK(rc == 1 && one_line(err_buf) && strstr(err_buf, "no-such.pem"),
	      "a missing ARK file is named in one line");
	rc = verify(in(data, "milan-v2-virtee.report.bin"), in(data, "milan-v2-virtee.vcek.der"),
		    in(data, "milan-ask.pem"), in(data, "milan-v2-virtee.report.bin"));
	CHECK(rc == 1 && one_line(err_buf) && strstr(err_buf, "not a PEM or DER"),
	      "a non-certificate ARK is refused in one line");
	uint8_t raw[1184];
	read_file(in(data, "milan-v2-virtee.report.bin"), raw, sizeof(raw));
	write_file(in(tmp, "short.bin"), raw, 1183);
	rc = verify(in(tmp, "short.bin"), in(data, "milan-v2-virtee.vcek.der"),
		    in(data, "milan-ask.pem"), in(data, "milan-ark.pem"));
	CHECK(rc == 1 && one_line(err_buf) && strstr(err_buf, "report format"),
	      "a 1183-byte report fails the format check");
	uint8_t big[1185] = {0};
	write_file(in(tmp, "long.bin"), big, sizeof(big));
	rc = verify(in(tmp, "long.bin"), in(data, "milan-v2-virtee.vcek.der"),
		    in(data, "milan-ask.pem"), in(data, "milan-ark.pem"));
	CHECK(rc == 1 && one_line(err_buf) && strstr(err_buf, "larger than 1184"),
	      "a 1185-byte report is refused");
}

/* A kettle-psp report, end to end. */
static void test_snp_verify_kettle_psp(void)
{
	uint8_t raw[1184];
	const char *pdir = in(tmp, "psp"), *sock = in(tmp, "psp.sock");
	pid_t psp = start_psp(pdir, sock);
	struct psp_request req = {.measurement = {1, 2, 3}, .report_data = {4, 5, 6}};
	char *chain = NULL;
	int got = psp_request_report(sock, &req, raw, &chain) == 0;
	free(chain);
	CHECK(got, "kettle-psp answered a report request");
	write_file(in(tmp, "psp.bin"), raw, sizeof(raw));
	char vcek[512], ask[512], ark[512];
	snprintf(vcek, sizeof(vcek), "%s/vcek.pem", pdir);
	snprintf(ask, sizeof(ask), "%s/ask.pem", pdir);
	snprintf(ark, sizeof(ark), "%s/ark.pem", pdir);
	int rc = verify(in(tmp, "psp.bin"), vcek, ask, ark);
	CHECK(rc == 0 && strstr(out_buf, "\"measurement\": \"010203"),
	      "snp-verify accepts the kettle-psp report and prints its measurement");
	rc = verify(in(tmp, "psp.bin"), vcek, in(data, "milan-ask.pem"), in(data, "milan-ark.pem"));
	CHECK(rc == 1 && strstr(err_buf, "chain:"), "the kettle-psp report fails against AMD's chain");
	if (psp > 0) {
		kill(psp, SIGTERM);
		waitpid(psp, NULL, 0);
	}
}

/* verify-azure on trustee's genuine Azure Milan evidence. */
static void test_verify_azure(void)
{
	/* Own copies: in() recycles its buffers and run() calls it too. */
	char ev[512], mask[512], mark[512], ev_bad[512];
	snprintf(ev, sizeof(ev), "%s/azure-milan-v1.json", azure_data);
	snprintf(mask, sizeof(mask), "%s/milan-ask.pem", data);
	snprintf(mark, sizeof(mark), "%s/milan-ark.pem", data);
	snprintf(ev_bad, sizeof(ev_bad), "%s/ev.json", tmp);
	const char *az[] = {kettle, "attest", "verify-azure", ev, "--ask", mask, "--ark", mark,
			    "--nonce", "6368616c6c656e6765", NULL};
	int rc = run(az);
	json_error_t jerr;
	json_t *j = json_loads(out_buf, 0, &jerr);
	CHECK(rc == 0 && j && json_object_get(json_object_get(j, "runtime_claims"), "keys") &&
		      json_integer_value(json_object_get(json_object_get(j, "snp_report"), "version")) == 3 &&
		      json_array_size(json_object_get(j, "pcrs")) == 24,
	      "verify-azure: exit 0 with the SNP report, runtime claims and 24 PCRs as JSON");
	json_decref(j);
	az[9] = "6368616c6c656e6766";
	CHECK(run(az) == 1 && one_line(err_buf) && strstr(err_buf, "nonce"),
	      "verify-azure: another --nonce exits 1 naming the nonce");
	az[9] = "xyz";
	CHECK(run(az) == 2 && one_line(err_buf), "verify-azure: a non-hex --nonce is a usage error");
	static char text[16384];
	FILE *f = fopen(ev, "r");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	if (f)
		fclose(f);
	text[n] = '\0';
	char *msg = strstr(text, "\"message\": \"");
	if (msg) {
		char *c = msg + strlen("\"message\": \"") + 20;
		*c = *c == '0' ? '1' : '0';
	}
	write_file(ev_bad, text, n);
	const char *az_bad[] = {kettle, "attest", "verify-azure", ev_bad, "--ask", mask,
				"--ark", mark, NULL};
	CHECK(msg && run(az_bad) == 1 && one_line(err_buf) && strstr(err_buf, "TPM quote signature"),
	      "verify-azure: one changed quote byte in the file exits 1 naming the quote signature");
	const char *az_usage[] = {kettle, "attest", "verify-azure", ev, "--ask", mask, NULL};
	CHECK(run(az_usage) == 2 && one_line(err_buf), "verify-azure: missing --ark is a usage error");
}

static void test_usage(void)
{
	const char *none[] = {kettle, NULL};
	CHECK(run(none) == 2 && one_line(err_buf) && strncmp(err_buf, "usage: kettle", 13) == 0,
	      "no arguments: exit 2 and one usage line");
	const char *group[] = {kettle, "frobnicate", NULL};
	CHECK(run(group) == 2 && one_line(err_buf), "unknown group: exit 2 and one usage line");
	const char *sub[] = {kettle, "attest", "nope", NULL};
	CHECK(run(sub) == 2 && one_line(err_buf) && strstr(err_buf, "snp-verify"),
	      "unknown attest command: exit 2, usage names snp-verify");
	const char *noark[] = {kettle, "attest", "snp-verify", "r.bin", "--vcek", "v", "--ask", "a", NULL};
	CHECK(run(noark) == 2 && one_line(err_buf), "missing --ark: exit 2");
	const char *badopt[] = {kettle, "attest", "snp-verify", "r.bin", "--vcek", "v", "--ask", "a",
				"--ark", "k", "--bogus", "x", NULL};
	CHECK(run(badopt) == 2 && one_line(err_buf), "unknown option: exit 2");
	const char *dangling[] = {kettle, "attest", "snp-verify", "r.bin", "--vcek", NULL};
	CHECK(run(dangling) == 2 && one_line(err_buf), "option without a value: exit 2");
}

int main(int argc, char **argv)
{
	if (argc < 5)
		TAP_SKIP_ALL("needs kettle, kettle-psp and the two data directories as arguments");
	kettle = argv[1], psp_bin = argv[2], data = argv[3], azure_data = argv[4];
	if (!mkdtemp(tmp))
		TAP_SKIP_ALL("cannot create a temporary directory");
	test_snp_verify_genuine();
	test_snp_verify_refusals();
	test_snp_verify_kettle_psp();
	test_verify_azure();
	test_usage();
	const char *rm[] = {"/bin/rm", "-rf", tmp, NULL};
	run(rm);
	TAP_DONE();
}
