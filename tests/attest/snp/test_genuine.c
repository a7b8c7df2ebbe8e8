/* SPDX-License-Identifier: Apache-2.0 */
/* Genuine AMD reports (Milan v2/v3, Genoa v3, one VLEK-signed) verify with
 * AMD's real ARK/ASK and their VCEKs; any one-byte change fails; mixed
 * chains fail at the chain check; `openssl verify` agrees on the chains. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attest/snp/snp_verify.h"
#include "lib/bytes.h"
#include "tests/tap.h"

static const char *dir;

static const char *path_of(const char *name)
{
	static char buf[4][4096];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", dir, name);
	return buf[slot];
}

static size_t read_report(const char *name, uint8_t raw[SNP_REPORT_SIZE])
{
	FILE *f = fopen(path_of(name), "rb");
	if (!f)
		return 0;
	uint8_t extra;
	size_t n = fread(raw, 1, SNP_REPORT_SIZE, f);
	if (fread(&extra, 1, 1, f) == 1)
		n++;
	fclose(f);
	return n;
}

static X509 *cert(const char *name)
{
	X509 *x = NULL;
	return snp_cert_load(path_of(name), &x) == 0 ? x : NULL;
}

/* Run `openssl verify [extra] -CAfile ARK -untrusted ASK VCEK`; 1 if OK. */
static int openssl_verify(const char *ark, const char *ask, const char *vcek,
			  const char *extra)
{
	pid_t pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		const char *argv[9] = {"openssl", "verify"};
		int i = 2;
		if (extra)
			argv[i++] = extra;
		argv[i++] = "-CAfile", argv[i++] = ark;
		argv[i++] = "-untrusted", argv[i++] = ask;
		argv[i++] = vcek;
		argv[i] = NULL;
		execvp("openssl", (char **)argv);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A throwaway certificate whose hwID is DER-wrapped (04 40 + 64 bytes), the
 * form some issuers use instead of AMD's raw bytes. */
static int add_ext(X509 *x, const char *oid, const unsigned char *der, int len)
{
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e = NULL;
	int ok = o && v && ASN1_OCTET_STRING_set(v, der, len) == 1 &&
		 (e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, v)) && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(v);
	ASN1_OBJECT_free(o);
	return ok;
}

static X509 *wrapped_hwid_cert(const uint8_t hwid[64])
{
	static const unsigned char bl[] = {2, 1, 3}, tee[] = {2, 1, 0}, snp[] = {2, 1, 8},
				   ucode[] = {2, 2, 0, 0xdb};
	unsigned char wrapped[66] = {0x04, 0x40};
	memcpy(wrapped + 2, hwid, 64);
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	X509 *x = X509_new();
	int ok = k && x && X509_set_pubkey(x, k) == 1 &&
		 add_ext(x, SNP_OID_BL_SPL, bl, 3) && add_ext(x, SNP_OID_TEE_SPL, tee, 3) &&
		 add_ext(x, SNP_OID_SNP_SPL, snp, 3) && add_ext(x, SNP_OID_UCODE_SPL, ucode, 4) &&
		 add_ext(x, SNP_OID_HWID, wrapped, sizeof(wrapped));
	EVP_PKEY_free(k);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

struct vector {
	const char *name;
	const char *report, *vcek, *ask, *ark;
	const char *openssl_extra; /* the VLEK test certificate has expired */
};

static void check_vector(const struct vector *v)
{
	uint8_t raw[SNP_REPORT_SIZE], bad[SNP_REPORT_SIZE];
	size_t n = read_report(v->report, raw);
	X509 *vcek = cert(v->vcek), *ask = cert(v->ask), *ark = cert(v->ark);
	CHECK(n == SNP_REPORT_SIZE && vcek && ask && ark, "%s: data loads", v->name);
	if (n != SNP_REPORT_SIZE || !vcek || !ask || !ark)
		goto out;

	struct snp_report r;
	enum snp_status st = snp_verify(raw, n, vcek, ask, ark, &r);
	CHECK(st == SNP_OK, "%s: verifies with AMD's chain (%s)", v->name, snp_status_str(st));
	CHECK(openssl_verify(path_of(v->ark), path_of(v->ask), path_of(v->vcek), v->openssl_extra),
	      "%s: openssl verify accepts the chain", v->name);

	/* Every byte of the signed region and of r and s matters. */
	int survived = 0;
	for (size_t i = 0; i < SNP_REPORT_SIGNED_SIZE + 2 * SNP_SIG_COMPONENT_SIZE; i++) {
		memcpy(bad, raw, sizeof(bad));
		bad[i] ^= 0x01;
		if (snp_report_verify_signature(bad, sizeof(bad), vcek) == SNP_OK)
			survived++;
	}
	CHECK(survived == 0, "%s: each of 816 single-bit flips breaks the signature (%d survived)",
	      v->name, survived);

	memcpy(bad, raw, sizeof(bad));
	bad[0x90] ^= 0x80; /* MEASUREMENT */
	st = snp_verify(bad, sizeof(bad), vcek, ask, ark, &r);
	CHECK(st == SNP_E_SIGNATURE && strncmp(snp_status_str(st), "report signature", 16) == 0,
	      "%s: changed MEASUREMENT fails with 'report signature'", v->name);
	memcpy(bad, raw, sizeof(bad));
	bad[0x2E8] ^= 0x01; /* s */
	CHECK(snp_verify(bad, sizeof(bad), vcek, ask, ark, &r) == SNP_E_SIGNATURE,
	      "%s: changed signature s fails", v->name);

	/* The TCB and chip-id checks on their own, signature aside. */
	snp_report_parse(raw, n, &r);
	struct snp_report t = r;
	t.reported_tcb ^= 1ull << 56; /* microcode byte, every generation */
	CHECK(snp_report_check_vcek(&t, vcek) == SNP_E_TCB, "%s: other REPORTED_TCB fails the TCB check",
	      v->name);
	if (SNP_FLAG_SIGNING_KEY(r.flags) == SNP_SIGNING_KEY_VCEK) {
		t = r;
		t.chip_id[5] ^= 0x10;
		CHECK(snp_report_check_vcek(&t, vcek) == SNP_E_CHIP_ID,
		      "%s: other CHIP_ID fails the chip id check", v->name);
	}
out:
	X509_free(vcek);
	X509_free(ask);
	X509_free(ark);
}

static enum snp_status verify_files(const char *report, const char *vcek_name,
				    const char *ask_name, const char *ark_name)
{
	uint8_t raw[SNP_REPORT_SIZE];
	struct snp_report r;
	size_t n = read_report(report, raw);
	X509 *vcek = cert(vcek_name), *ask = cert(ask_name), *ark = cert(ark_name);
	enum snp_status st = snp_verify(raw, n, vcek, ask, ark, &r);
	X509_free(vcek);
	X509_free(ask);
	X509_free(ark);
	return st;
}

int main(int argc, char **argv)
{
	dir = argc > 1 ? argv[1] : ".";
	static const struct vector vectors[] = {
		{"Milan v2 (virtee/sev)", "milan-v2-virtee.report.bin", "milan-v2-virtee.vcek.der",
		 "milan-ask.pem", "milan-ark.pem", NULL},
		{"Milan v2 (trustee)", "milan-v2-trustee.report.bin", "milan-v2-trustee.vcek.der",
		 "milan-ask.pem", "milan-ark.pem", NULL},
		{"Milan v2 (go-sev-guest)", "milan-v2-gosevguest.report.bin",
		 "milan-v2-gosevguest.vcek.der", "milan-ask.pem", "milan-ark.pem", NULL},
		{"Milan v3 (Azure)", "milan-v3-azure.report.bin", "milan-v3-azure.vcek.der",
		 "milan-ask.pem", "milan-ark.pem", NULL},
		{"Genoa v3 (Azure)", "genoa-v3-azure.report.bin", "genoa-v3-azure.vcek.pem",
		 "genoa-ask.pem", "genoa-ark.pem", NULL},
		{"Milan v3 VLEK (trustee)", "milan-v3-vlek-trustee.report.bin",
		 "milan-v3-vlek-trustee.vlek.der", "milan-asvk.pem", "milan-ark.pem", "-no_check_time"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++)
		check_vector(&vectors[i]);

	/* Certificates of the wrong product or order. */
	CHECK(verify_files("genoa-v3-azure.report.bin", "genoa-v3-azure.vcek.pem", "milan-ask.pem",
			   "milan-ark.pem") == SNP_E_VCEK,
	      "Genoa VCEK under Milan's ASK fails the chain check");
	CHECK(verify_files("milan-v3-azure.report.bin", "milan-v3-azure.vcek.der", "genoa-ask.pem",
			   "milan-ark.pem") == SNP_E_ASK,
	      "Genoa ASK under Milan's ARK fails the chain check");
	CHECK(verify_files("milan-v3-azure.report.bin", "milan-v3-azure.vcek.der", "milan-ask.pem",
			   "milan-ask.pem") == SNP_E_ARK,
	      "an ASK given as ARK fails the chain check");
	CHECK(verify_files("milan-v2-virtee.report.bin", "milan-v2-trustee.vcek.der", "milan-ask.pem",
			   "milan-ark.pem") == SNP_E_SIGNATURE,
	      "another chip's VCEK (same TCB) fails the report signature");
	CHECK(verify_files("milan-v2-virtee.report.bin", "milan-ask.pem", "milan-ask.pem",
			   "milan-ark.pem") == SNP_E_VCEK_KEY ||
		      verify_files("milan-v2-virtee.report.bin", "milan-ask.pem", "milan-ask.pem",
				   "milan-ark.pem") == SNP_E_VCEK,
	      "an RSA certificate as VCEK is refused");

	/* Turin: no public Turin report was found, so a report is built from
	 * the genuine Turin VCEK's extensions to check the Turin TCB layout
	 * (FMC in byte 0) and the 8-byte hwID. */
	X509 *t_vcek = cert("turin.vcek.der"), *t_ask = cert("turin-ask.pem"),
	     *t_ark = cert("turin-ark.pem");
	CHECK(t_vcek && t_ask && t_ark && snp_chain_verify(t_ark, t_ask, t_vcek) == SNP_OK,
	      "Turin VCEK verifies under AMD's Turin ASK/ARK");
	CHECK(openssl_verify(path_of("turin-ark.pem"), path_of("turin-ask.pem"),
			     path_of("turin.vcek.der"), NULL),
	      "openssl verify accepts the Turin chain");
	struct snp_vcek_ext ext;
	CHECK(snp_vcek_ext_read(t_vcek, &ext) == SNP_OK && ext.has_fmc && ext.hwid_len == 8,
	      "Turin VCEK: fmcSPL present, 8-byte hwID");
	struct snp_report tr;
	memset(&tr, 0, sizeof(tr));
	tr.version = 2;
	tr.reported_tcb = snp_tcb_join(&ext.tcb, SNP_GEN_TURIN);
	memcpy(tr.chip_id, ext.hwid, 8);
	CHECK(snp_report_gen(&tr) == SNP_GEN_TURIN, "a v2 report with an 8-byte chip id reads as Turin");
	CHECK(snp_report_check_vcek(&tr, t_vcek) == SNP_OK,
	      "Turin REPORTED_TCB and CHIP_ID match the Turin VCEK");
	struct snp_report tr2 = tr;
	tr2.reported_tcb ^= 0x01; /* byte 0 is FMC on Turin */
	CHECK(snp_report_check_vcek(&tr2, t_vcek) == SNP_E_TCB, "another Turin FMC level fails the TCB check");
	tr2 = tr;
	tr2.chip_id[7] ^= 1;
	CHECK(snp_report_check_vcek(&tr2, t_vcek) == SNP_E_CHIP_ID, "another Turin chip id fails");
	X509_free(t_vcek);
	X509_free(t_ask);
	X509_free(t_ark);

	uint8_t hwid[64];
	for (int i = 0; i < 64; i++)
		hwid[i] = (uint8_t)(0x40 + i);
	X509 *w = wrapped_hwid_cert(hwid);
	struct snp_vcek_ext wext;
	CHECK(w && snp_vcek_ext_read(w, &wext) == SNP_OK && wext.hwid_len == 64 &&
		      memcmp(wext.hwid, hwid, 64) == 0 && wext.tcb.microcode == 0xdb &&
		      wext.tcb.bootloader == 3 && !wext.has_fmc,
	      "a DER-wrapped hwID and a two-byte INTEGER (219) are read");
	X509_free(w);

	X509 *x = NULL;
	CHECK(snp_cert_from_mem("not a certificate", 17, &x) == -EBADMSG && !x,
	      "garbage is not a certificate");
	CHECK(snp_cert_load(path_of("no-such-file.pem"), &x) == -ENOENT, "missing file gives -ENOENT");
	TAP_DONE();
}
