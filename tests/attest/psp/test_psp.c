/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-psp end to end: init makes a chain openssl accepts, serve answers
 * psp_request_report with a report that verifies against that chain, any
 * changed byte breaks it, another chain is refused, malformed requests are
 * rejected without taking the server down. argv[1] is the kettle-psp
 * binary. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "attest/psp/psp_client.h"
#include "attest/snp/snp_verify.h"
#include "lib/bytes.h"
#include "tests/tap.h"

static const char *psp_bin;
static char tmp[] = "/tmp/kettle-psp-test-XXXXXX";

static const char *in_tmp(const char *name)
{
	static char buf[8][512];
	static int slot;
	slot = (slot + 1) % 8;
	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", tmp, name);
	return buf[slot];
}

static pid_t spawn(const char *const argv[], int quiet)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
		}
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run(const char *const argv[], int quiet)
{
	return wait_exit(spawn(argv, quiet));
}

static int openssl_verify(const char *ark, const char *ask, const char *vcek)
{
	const char *argv[] = {"openssl", "verify", "-CAfile", ark, "-untrusted", ask, vcek, NULL};
	return run(argv, 1) == 0;
}

static X509 *load(const char *path)
{
	X509 *x = NULL;
	return snp_cert_load(path, &x) == 0 ? x : NULL;
}

static int connect_raw(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int wait_for_socket(const char *path)
{
	for (int i = 0; i < 500; i++) {
		int fd = connect_raw(path);
		if (fd >= 0) {
			close(fd);
			return 1;
		}
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* Send raw bytes, return the reply's status word or -1 if none came. */
static long raw_exchange(const char *sock, const uint8_t *msg, size_t len)
{
	int fd = connect_raw(sock);
	if (fd < 0)
		return -1;
	if (write(fd, msg, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	shutdown(fd, SHUT_WR); /* a short request ends here, not at a timeout */
	uint8_t head[12];
	size_t got = 0;
	while (got < sizeof(head)) {
		ssize_t n = read(fd, head + got, sizeof(head) - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got < sizeof(head))
		return -1;
	return (long)((uint32_t)head[8] | (uint32_t)head[9] << 8 | (uint32_t)head[10] << 16 |
		      (uint32_t)head[11] << 24);
}

/* A well-formed request in wire form, to be spoiled one field at a time. */
static void good_request(uint8_t msg[168])
{
	memset(msg, 0, 168);
	le32_put(msg, 164);
	le32_put(msg + 4, 0x5153504bu);
}

static int split_chain(const char *pem, X509 **vcek, X509 **ask, X509 **ark)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	*vcek = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	*ask = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	*ark = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	X509 *extra = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	X509_free(extra);
	return *vcek && *ask && *ark && !extra;
}

/* The two chains init made (RSA in rsa/, P-384 in ec/) and the RSA
 * VCEK's extensions, shared by the tests below. */
static X509 *vcek, *ask, *ark, *ec_vcek, *ec_ask, *ec_ark;
static struct snp_vcek_ext ext;

/* init: RSA-4096/PSS like AMD, and P-384 for a second chain. */
static void test_init(void)
{
	const char *init_rsa[] = {psp_bin, "init", in_tmp("rsa"), NULL};
	const char *init_ec[] = {psp_bin, "init", in_tmp("ec"), "--ec", NULL};
	CHECK(run(init_rsa, 0) == 0, "kettle-psp init (RSA-4096 PSS ARK/ASK)");
	CHECK(run(init_ec, 0) == 0, "kettle-psp init --ec (P-384 ARK/ASK)");
	CHECK(run(init_ec, 1) == 1, "init refuses a directory that already holds a chain");
	struct stat sb;
	CHECK(stat(in_tmp("rsa/vcek-key.pem"), &sb) == 0 && (sb.st_mode & 0777) == 0600,
	      "the VCEK key file is 0600");
	CHECK(openssl_verify(in_tmp("rsa/ark.pem"), in_tmp("rsa/ask.pem"), in_tmp("rsa/vcek.pem")),
	      "openssl verify accepts the RSA-PSS chain");
	CHECK(openssl_verify(in_tmp("ec/ark.pem"), in_tmp("ec/ask.pem"), in_tmp("ec/vcek.pem")),
	      "openssl verify accepts the P-384 chain");
	CHECK(!openssl_verify(in_tmp("ec/ark.pem"), in_tmp("ec/ask.pem"), in_tmp("rsa/vcek.pem")),
	      "openssl verify refuses a VCEK from the other chain");

	vcek = load(in_tmp("rsa/vcek.pem")), ask = load(in_tmp("rsa/ask.pem")),
	ark = load(in_tmp("rsa/ark.pem"));
	ec_ask = load(in_tmp("ec/ask.pem")), ec_ark = load(in_tmp("ec/ark.pem")),
	ec_vcek = load(in_tmp("ec/vcek.pem"));
	CHECK(vcek && ask && ark && ec_ask && ec_ark && ec_vcek, "the chains load");
	CHECK(vcek && snp_vcek_ext_read(vcek, &ext) == SNP_OK && ext.hwid_len == 64,
	      "the simulated VCEK carries AMD's TCB and hwID extensions");
}

static void test_report(const char *sock)
{
	struct psp_request req = {0};
	for (int i = 0; i < 48; i++)
		req.measurement[i] = (uint8_t)(0xA0 + i);
	for (int i = 0; i < 64; i++)
		req.report_data[i] = (uint8_t)i;
	for (int i = 0; i < 32; i++)
		req.host_data[i] = (uint8_t)(0x55 ^ i);
	uint8_t raw[1184], bad[1184];
	char *chain = NULL;
	int rc = psp_request_report(sock, &req, raw, &chain);
	CHECK(rc == 0 && chain, "psp_request_report returns a report and a chain (%d)", rc);

	X509 *c_vcek = NULL, *c_ask = NULL, *c_ark = NULL;
	CHECK(chain && split_chain(chain, &c_vcek, &c_ask, &c_ark) &&
		      X509_cmp(c_vcek, vcek) == 0 && X509_cmp(c_ask, ask) == 0 &&
		      X509_cmp(c_ark, ark) == 0,
	      "the chain is exactly VCEK, ASK, ARK from the PSP's directory");

	struct snp_report r;
	enum snp_status st = snp_verify(raw, sizeof(raw), vcek, ask, ark, &r);
	CHECK(st == SNP_OK, "the report verifies against its chain (%s)", snp_status_str(st));
	CHECK(r.version == 2 && r.sig_algo == 1 && r.vmpl == 0 && r.policy == 0x30000,
	      "version 2, ECDSA P-384, VMPL 0, default policy 0x30000");
	CHECK(memcmp(r.measurement, req.measurement, 48) == 0 &&
		      memcmp(r.report_data, req.report_data, 64) == 0 &&
		      memcmp(r.host_data, req.host_data, 32) == 0,
	      "MEASUREMENT, REPORT_DATA and HOST_DATA are the request's");
	CHECK(memcmp(r.chip_id, ext.hwid, 64) == 0, "CHIP_ID is the VCEK's hwID");
	struct snp_tcb t;
	snp_tcb_split(r.reported_tcb, SNP_GEN_MILAN, &t);
	CHECK(t.bootloader == ext.tcb.bootloader && t.snp == ext.tcb.snp &&
		      t.microcode == ext.tcb.microcode && r.current_tcb == r.reported_tcb &&
		      r.committed_tcb == r.reported_tcb && r.launch_tcb == r.reported_tcb,
	      "current, reported, committed and launch TCB equal the VCEK's TCB");
	static const uint8_t ones[32] = {[0 ... 31] = 0xff};
	CHECK(memcmp(r.report_id_ma, ones, 32) == 0, "REPORT_ID_MA is all 0xFF (no migration agent)");

	int wrong = 0;
	for (size_t i = 0; i < 0x2A0 + 144; i++) {
		memcpy(bad, raw, sizeof(bad));
		bad[i] ^= 0xff;
		st = snp_verify(bad, sizeof(bad), vcek, ask, ark, &r);
		if (strncmp(snp_status_str(st), "report signature", 16) != 0)
			wrong++;
	}
	CHECK(wrong == 0, "flipping any byte of 0x000..0x29F or of r/s fails with 'report signature' (%d did not)",
	      wrong);
	memcpy(bad, raw, sizeof(bad));
	bad[0x400] ^= 0xff;
	CHECK(snp_verify(bad, sizeof(bad), vcek, ask, ark, &r) == SNP_OK,
	      "the unsigned reserved tail of the signature field is not covered (as on hardware)");

	st = snp_verify(raw, sizeof(raw), vcek, ec_ask, ec_ark, &r);
	CHECK(st == SNP_E_VCEK && strncmp(snp_status_str(st), "chain", 5) == 0,
	      "the VCEK under another PSP's ASK/ARK fails the chain check");
	st = snp_verify(raw, sizeof(raw), vcek, ask, ec_ark, &r);
	CHECK(st == SNP_E_ASK, "the ASK under another PSP's ARK fails the chain check");
	st = snp_verify(raw, sizeof(raw), ec_vcek, ec_ask, ec_ark, &r);
	CHECK(st == SNP_E_SIGNATURE, "the report against another PSP's whole chain fails the signature");

	/* The chain the PSP sent, written out, passes openssl verify too. */
	FILE *f = fopen(in_tmp("got-vcek.pem"), "w");
	if (f && c_vcek)
		PEM_write_X509(f, c_vcek);
	if (f)
		fclose(f);
	CHECK(openssl_verify(in_tmp("rsa/ark.pem"), in_tmp("rsa/ask.pem"), in_tmp("got-vcek.pem")),
	      "openssl verify accepts the VCEK the PSP sent");
	X509_free(c_vcek);
	X509_free(c_ask);
	X509_free(c_ark);
	free(chain);
}

/* Policy and VMPL from the request. */
static void test_policy_and_vmpl(const char *sock)
{
	struct psp_request req = {.has_policy = true, .policy = 0x30000 | (1ull << 19),
				  .has_vmpl = true, .vmpl = 2};
	struct snp_report r;
	uint8_t raw[1184];
	char *chain = NULL;
	int rc = psp_request_report(sock, &req, raw, &chain);
	CHECK(rc == 0 && snp_verify(raw, sizeof(raw), vcek, ask, ark, &r) == SNP_OK &&
		      r.policy == req.policy && r.vmpl == 2,
	      "a requested policy and VMPL land in a verifying report");
	free(chain);
}

static void test_malformed_requests(const char *sock)
{
	struct psp_request req = {.has_policy = true, .policy = 0x30000 | (1ull << 19),
				  .has_vmpl = true, .vmpl = 4};
	struct snp_report r;
	uint8_t raw[1184];
	char *chain = NULL;
	CHECK(psp_request_report(sock, &req, raw, &chain) == -EINVAL && !chain,
	      "the client refuses VMPL 4 itself");
	uint8_t msg[168];
	good_request(msg);
	CHECK(raw_exchange(sock, msg, sizeof(msg)) == 0, "a hand-built minimal request is answered");
	good_request(msg);
	le32_put(msg, 163);
	CHECK(raw_exchange(sock, msg, sizeof(msg)) == EINVAL, "wrong length (163) rejected");
	good_request(msg);
	le32_put(msg, 0xffffffffu);
	CHECK(raw_exchange(sock, msg, 4) == EINVAL, "length 4 GiB rejected without reading it");
	good_request(msg);
	msg[4] ^= 1;
	CHECK(raw_exchange(sock, msg, sizeof(msg)) == EINVAL, "bad magic rejected");
	good_request(msg);
	le32_put(msg + 8, 4);
	CHECK(raw_exchange(sock, msg, sizeof(msg)) == EINVAL, "unknown flag bit rejected");
	good_request(msg);
	le32_put(msg + 8, 2);
	le32_put(msg + 164, 4);
	CHECK(raw_exchange(sock, msg, sizeof(msg)) == EINVAL, "VMPL 4 rejected by the server");
	good_request(msg);
	le32_put(msg + 164, 1);
	CHECK(raw_exchange(sock, msg, sizeof(msg)) == EINVAL, "a VMPL without its flag rejected");
	good_request(msg);
	le32_put(msg + 8, 1);
	le32_put(msg + 156, 0x1); /* policy without the reserved-one bit 17 */
	CHECK(raw_exchange(sock, msg, sizeof(msg)) == EINVAL, "a policy with bit 17 clear rejected");
	good_request(msg);
	CHECK(raw_exchange(sock, msg, 100) == -1, "a truncated request gets no report");
	req.vmpl = 0;
	int rc = psp_request_report(sock, &req, raw, &chain);
	CHECK(rc == 0 && snp_verify(raw, sizeof(raw), vcek, ask, ark, &r) == SNP_OK,
	      "the server still answers after the malformed requests");
	free(chain);
	chain = NULL;
	CHECK(psp_request_report(in_tmp("nope.sock"), &req, raw, &chain) == -ENOENT,
	      "a missing socket gives -ENOENT");
}

static void test_refusals(const char *sock)
{
	chmod(in_tmp("ec/vcek-key.pem"), 0644);
	const char *serve_bad[] = {psp_bin, "serve", in_tmp("ec"), "--socket", sock, NULL};
	CHECK(run(serve_bad, 1) == 1, "serve refuses a VCEK key readable by others");
	const char *usage[] = {psp_bin, "bogus", NULL};
	CHECK(run(usage, 1) == 2, "an unknown command exits 2 with the usage line");
}

int main(int argc, char **argv)
{
	if (argc < 2)
		TAP_SKIP_ALL("needs the kettle-psp binary as argument");
	psp_bin = argv[1];
	if (!mkdtemp(tmp))
		TAP_SKIP_ALL("cannot create a temporary directory");

	test_init();
	const char *sock = in_tmp("psp.sock");
	const char *serve[] = {psp_bin, "serve", in_tmp("rsa"), "--socket", sock, NULL};
	pid_t server = spawn(serve, 1);
	CHECK(wait_for_socket(sock), "kettle-psp serve listens on its socket");
	test_report(sock);
	test_policy_and_vmpl(sock);
	test_malformed_requests(sock);
	kill(server, SIGTERM);
	CHECK(wait_exit(server) == 0 && access(sock, F_OK) != 0,
	      "SIGTERM stops serve cleanly and removes the socket");
	test_refusals(sock);

	X509_free(vcek);
	X509_free(ask);
	X509_free(ark);
	X509_free(ec_vcek);
	X509_free(ec_ask);
	X509_free(ec_ark);
	const char *rm[] = {"rm", "-rf", tmp, NULL};
	run(rm, 1);
	TAP_DONE();
}
