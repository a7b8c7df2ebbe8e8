/* SPDX-License-Identifier: Apache-2.0 */
/* vTPM end to end: start, extend, quote, then the libtpms-independent
 * verifier accepts it and rejects every tampered variant for the right
 * reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "attest/tpm/eventlog.h"
#include "attest/tpm/quote_verify.h"
#include "tests/tap.h"
#include "attest/tpm/vtpm.h"

struct evidence {
	struct vtpm_quote q;
	uint8_t ak[512];
	size_t ak_len;
};

static const uint8_t nonce[32] = "kettle-test-nonce-0123456789abc";

static int boot(struct vtpm *v)
{
	static uint8_t elf[3000];
	int rc = 0;

	memset(elf, 0x7f, sizeof(elf));
	rc |= vtpm_extend(v, 0, "boot-stubs", "stubs", 5);
	rc |= vtpm_extend(v, 1, "vm-config", "{\"mem_mb\":64}", 13);
	rc |= vtpm_extend(v, 4, "executor-elf", elf, sizeof(elf));
	rc |= vtpm_extend(v, 8, "function-manifest", "{\"fn\":\"echo\"}", 13);
	rc |= vtpm_extend(v, 8, "function-args", "[\"a\"]", 5);
	rc |= vtpm_extend(v, 9, "function-payload", "print(1)", 8);
	rc |= vtpm_extend(v, 10, "input-digest", "in0", 3);
	rc |= vtpm_extend(v, 11, "output-digest", "out0", 4);
	return rc;
}

static int collect(struct vtpm *v, struct evidence *e)
{
	uint8_t *ak;
	size_t len;

	if (vtpm_quote(v, nonce, sizeof(nonce), &e->q) ||
	    vtpm_ak_public(v, &ak, &len) || len > sizeof(e->ak))
		return -1;
	memcpy(e->ak, ak, len);
	e->ak_len = len;
	free(ak);
	return 0;
}

static enum quote_result verify(const struct evidence *e,
				const uint8_t (*pcrs)[32], const uint8_t *n,
				size_t n_len)
{
	struct quote_expect ex = {n, n_len, pcrs, EVENTLOG_PCR_MASK,
				  VTPM_AK_HIERARCHY};

	return quote_verify(e->ak, e->ak_len, e->q.attest, e->q.attest_len,
			    e->q.signature, e->q.signature_len, &ex, NULL);
}

/* Another vTPM, in a child process (libtpms is one TPM per process),
 * boots the same way and quotes the same nonce. */
static int other_vtpm(struct evidence *out)
{
	int fd[2];
	pid_t pid;
	int status;

	if (pipe(fd))
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		struct evidence e;
		struct vtpm *v;
		close(fd[0]);
		int ok = vtpm_start(&v) == 0 && boot(v) == 0 && collect(v, &e) == 0;
		if (ok)
			ok = write(fd[1], &e, sizeof(e)) == (ssize_t)sizeof(e);
		vtpm_free(v);
		_exit(ok ? 0 : 1);
	}
	close(fd[1]);
	ssize_t n = read(fd[0], out, sizeof(*out));
	close(fd[0]);
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
			       WEXITSTATUS(status) == 0 && n == (ssize_t)sizeof(*out)
		       ? 0
		       : -1;
}

static int is_one_of(enum quote_result r, const enum quote_result *set,
		     size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r == set[i])
			return 1;
	return 0;
}

/* What every test below shares: this process's vTPM after boot(), its
 * quote with the AK, the replayed PCRs, and another vTPM's quote. */
static struct vtpm *v;
static struct evidence e, other;
static uint8_t pcrs[24][32];

static struct quote_expect expect(uint32_t ak_hierarchy)
{
	return (struct quote_expect){nonce, sizeof(nonce), (const uint8_t(*)[32])pcrs,
				     EVENTLOG_PCR_MASK, ak_hierarchy};
}

static enum quote_result verify_ex(const struct evidence *q, const struct quote_expect *ex,
				   struct quote_info *info)
{
	return quote_verify(q->ak, q->ak_len, q->q.attest, q->q.attest_len, q->q.signature,
			    q->q.signature_len, ex, info);
}

static int test_start(void)
{
	struct vtpm *v2 = NULL;

	/* before this process has a TPM of its own */
	CHECK(other_vtpm(&other) == 0, "a second vTPM in a child process quoted");
	CHECK(vtpm_start(&v) == 0, "vTPM started with an AK");
	if (!v)
		return -1;
	CHECK(vtpm_start(&v2) == -EBUSY && !v2, "one vTPM per process: -EBUSY");
	CHECK(boot(v) == 0, "eight extends");
	CHECK(vtpm_extend(v, 16, "debug", "x", 1) == -EINVAL, "PCR 16 refused");
	CHECK(vtpm_extend(v, 24, "x", "x", 1) == -EINVAL, "PCR 24 refused");
	CHECK(collect(v, &e) == 0, "quote and AK public");
	CHECK(vtpm_quote(v, nonce, 65, &e.q) == -EINVAL, "nonce over 64 bytes refused");
	CHECK(collect(v, &e) == 0, "quote again after the refusal");
	return 0;
}

static void test_log_replays_to_quoted_pcrs(void)
{
	char err[200];
	json_t *log = vtpm_event_log(v);

	CHECK(json_array_size(log) == 8, "event log has the eight records");
	CHECK(eventlog_replay_err(log, pcrs, err, sizeof(err)) == 0,
	      "event log replays %s", err);
	CHECK(memcmp(pcrs, e.q.pcrs, sizeof(pcrs)) == 0,
	      "replayed PCRs equal the TPM's PCR values");
	CHECK(e.q.pcr_mask == EVENTLOG_PCR_MASK, "quote covers PCRs 0-15 and 23");
	json_decref(log);
}

static void test_accepts_genuine_quote(void)
{
	struct quote_info info;
	struct quote_expect ex = expect(VTPM_AK_HIERARCHY);
	enum quote_result r = verify_ex(&e, &ex, &info);

	CHECK(r == QUOTE_OK, "verifier accepts the quote (%s)", quote_strerror(r));
	CHECK(info.pcr_mask == EVENTLOG_PCR_MASK && info.safe == 1,
	      "quote info: PCRs covered, clock safe");
	ex = expect(0);
	CHECK(verify_ex(&e, &ex, NULL) == QUOTE_OK,
	      "accepted without the signer-name check too");
}

/* every single-byte change of the attest: the signature no longer holds
 * (nothing in attest is parsed before it is authenticated) */
static void test_attest_bytes_flipped(void)
{
	static struct evidence bad;
	int all = 1;

	for (size_t i = 0; i < e.q.attest_len; i++) {
		bad = e;
		bad.q.attest[i] ^= 0x01;
		if (verify(&bad, pcrs, nonce, sizeof(nonce)) != QUOTE_E_SIGNATURE) {
			printf("# attest byte %zu: %s\n", i,
			       quote_strerror(verify(&bad, pcrs, nonce, sizeof(nonce))));
			all = 0;
		}
	}
	CHECK(all, "each of %zu attest bytes flipped: signature does not verify",
	      e.q.attest_len);
}

static void test_signature_bytes_flipped(void)
{
	static const enum quote_result sig_reasons[] = {
		QUOTE_E_SIG_MALFORMED, QUOTE_E_SIG_SCHEME, QUOTE_E_SIGNATURE};
	static struct evidence bad;
	int all = 1;

	for (size_t i = 0; i < e.q.signature_len; i++) {
		bad = e;
		bad.q.signature[i] ^= 0x01;
		enum quote_result r = verify(&bad, pcrs, nonce, sizeof(nonce));
		if (!is_one_of(r, sig_reasons, 3)) {
			printf("# signature byte %zu: %s\n", i, quote_strerror(r));
			all = 0;
		}
	}
	CHECK(all, "each of %zu signature bytes flipped: rejected as a bad signature",
	      e.q.signature_len);
	bad = e;
	bad.q.signature[8] ^= 0x80; /* alg, hash, r size, then r */
	CHECK(verify(&bad, pcrs, nonce, sizeof(nonce)) == QUOTE_E_SIGNATURE,
	      "a changed r: \"%s\"", quote_strerror(QUOTE_E_SIGNATURE));
}

static void test_ak_bytes_flipped(void)
{
	static const enum quote_result ak_reasons[] = {
		QUOTE_E_AK_MALFORMED, QUOTE_E_AK_UNSUPPORTED, QUOTE_E_AK_ATTRIBUTES,
		QUOTE_E_SIG_SCHEME, QUOTE_E_SIGNATURE, QUOTE_E_SIGNER};
	static struct evidence bad;
	struct quote_expect ex = expect(0);
	int all = 1, by_signer = 0;

	for (size_t i = 0; i < e.ak_len; i++) {
		bad = e;
		bad.ak[i] ^= 0x01;
		enum quote_result r = verify(&bad, pcrs, nonce, sizeof(nonce));
		by_signer += r == QUOTE_E_SIGNER;
		if (!is_one_of(r, ak_reasons, 6)) {
			printf("# AK byte %zu: %s\n", i, quote_strerror(r));
			all = 0;
		}
	}
	CHECK(all, "each of %zu AK public bytes flipped: rejected", e.ak_len);
	CHECK(by_signer > 0, "attribute flips caught by the signer name (%d bytes)",
	      by_signer);
	bad = e;
	bad.ak[4] ^= 0x04; /* userWithAuth off: same key, different name */
	CHECK(verify(&bad, pcrs, nonce, sizeof(nonce)) == QUOTE_E_SIGNER,
	      "AK with one attribute changed: \"%s\"", quote_strerror(QUOTE_E_SIGNER));
	bad = e;
	bad.ak[5] ^= 0x01; /* restricted off */
	CHECK(verify(&bad, pcrs, nonce, sizeof(nonce)) == QUOTE_E_AK_ATTRIBUTES,
	      "AK that is not restricted: \"%s\"", quote_strerror(QUOTE_E_AK_ATTRIBUTES));
	bad = e;
	CHECK(quote_verify(bad.ak, bad.ak_len - 1, e.q.attest, e.q.attest_len,
			   e.q.signature, e.q.signature_len, &ex, NULL) ==
		      QUOTE_E_AK_MALFORMED,
	      "truncated AK public: malformed");
}

static void test_wrong_nonce(void)
{
	uint8_t wrong[32];

	memcpy(wrong, nonce, sizeof(wrong));
	wrong[31] ^= 1;
	CHECK(verify(&e, pcrs, wrong, sizeof(wrong)) == QUOTE_E_NONCE,
	      "wrong nonce: \"%s\"", quote_strerror(QUOTE_E_NONCE));
	CHECK(verify(&e, pcrs, nonce, 16) == QUOTE_E_NONCE,
	      "nonce prefix only: nonce does not match");
}

static void test_forged_pcrs_and_logs(void)
{
	uint8_t forged[24][32];
	char err[200];

	memcpy(forged, pcrs, sizeof(forged));
	forged[4][0] ^= 1;
	CHECK(verify(&e, (const uint8_t(*)[32])forged, nonce, sizeof(nonce)) ==
		      QUOTE_E_PCR_DIGEST,
	      "one expected PCR byte changed: \"%s\"",
	      quote_strerror(QUOTE_E_PCR_DIGEST));

	/* an event log rewritten consistently (digest and content both
	 * changed) still replays, but not to what the TPM quoted */
	json_t *rewritten = vtpm_event_log(v);
	json_t *content = json_object_get(json_array_get(rewritten, 5), "content");
	json_t *digest0 = json_array_get(
		json_object_get(json_array_get(rewritten, 5), "digests"), 0);
	uint8_t d[32];
	char hex[65];
	unsigned int dl;
	EVP_Digest("print(2)", 8, d, &dl, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	json_object_set_new(content, "event_data", json_string("7072696e74283229"));
	json_object_set_new(digest0, "digest", json_string(hex));
	json_array_remove(json_object_get(json_array_get(rewritten, 5), "digests"), 1);
	int rc = eventlog_replay_err(rewritten, forged, err, sizeof(err));
	CHECK(rc == 0, "consistently rewritten log replays %s", err);
	CHECK(rc == 0 && verify(&e, (const uint8_t(*)[32])forged, nonce,
				sizeof(nonce)) == QUOTE_E_PCR_DIGEST,
	      "... but its PCRs do not match the quote");
	json_decref(rewritten);

	/* a record removed from the log */
	json_t *cut = vtpm_event_log(v);
	json_array_remove(cut, 3);
	CHECK(eventlog_replay_err(cut, forged, err, sizeof(err)) == -EINVAL &&
		      strstr(err, "recnum"),
	      "log with a record removed fails replay: %s", err);
	for (size_t i = 0; i < json_array_size(cut); i++)
		json_object_set_new(json_array_get(cut, i), "recnum",
				    json_integer((json_int_t)i));
	CHECK(eventlog_replay(cut, forged) == 0 &&
		      verify(&e, (const uint8_t(*)[32])forged, nonce,
			     sizeof(nonce)) == QUOTE_E_PCR_DIGEST,
	      "... renumbered, it replays but the PCR digest does not match");
	json_decref(cut);
}

static void test_selection_and_hierarchy(void)
{
	struct quote_expect ex = expect(0);

	ex.pcr_mask = EVENTLOG_PCR_MASK | (1u << 16);
	CHECK(verify_ex(&e, &ex, NULL) == QUOTE_E_PCR_SELECTION,
	      "requiring an unquoted PCR: \"%s\"", quote_strerror(QUOTE_E_PCR_SELECTION));
	ex = expect(0x40000001); /* owner, not endorsement */
	CHECK(verify_ex(&e, &ex, NULL) == QUOTE_E_SIGNER,
	      "AK expected under the wrong hierarchy: signer mismatch");
}

/* the quote from the other vTPM: genuine, but not this AK's */
static void test_other_vtpm_quote(void)
{
	static struct evidence bad;

	CHECK(verify(&other, (const uint8_t(*)[32])other.q.pcrs, nonce,
		     sizeof(nonce)) == QUOTE_OK,
	      "the other vTPM's quote verifies against its own AK");
	CHECK(memcmp(other.ak, e.ak, e.ak_len) != 0, "the two AKs differ");
	bad = other;
	memcpy(bad.ak, e.ak, e.ak_len);
	bad.ak_len = e.ak_len;
	CHECK(verify(&bad, pcrs, nonce, sizeof(nonce)) == QUOTE_E_SIGNATURE,
	      "its quote replayed against this vTPM's AK: signature does not verify");
}

/* the AK as PEM for other tools */
static void test_ak_pem(void)
{
	char *pem = NULL;

	CHECK(quote_ak_pem(e.ak, e.ak_len, &pem) == 0 && pem &&
		      strstr(pem, "BEGIN PUBLIC KEY"),
	      "AK public as PEM");
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *pk = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	CHECK(pk && EVP_PKEY_get_bits(pk) == 256, "PEM parses back as a P-256 key");
	EVP_PKEY_free(pk);
	BIO_free(bio);
	free(pem);
}

static void test_strerror_distinct(void)
{
	int all = 1;

	for (int a = QUOTE_OK; a <= QUOTE_E_INTERNAL; a++)
		for (int b = a + 1; b <= QUOTE_E_INTERNAL; b++)
			if (!strcmp(quote_strerror(a), quote_strerror(b)))
				all = 0;
	CHECK(all, "quote_strerror names each result differently");
}

static void test_restart_manufactures_anew(void)
{
	struct evidence e2;

	vtpm_free(v);
	CHECK(vtpm_start(&v) == 0, "a new vTPM after the first was freed");
	CHECK(v && boot(v) == 0 && collect(v, &e2) == 0 &&
		      memcmp(e2.ak, e.ak, e.ak_len) != 0,
	      "... is freshly manufactured (new AK)");
	vtpm_free(v);
}

int main(void)
{
	if (test_start())
		TAP_DONE();
	test_log_replays_to_quoted_pcrs();
	test_accepts_genuine_quote();
	test_attest_bytes_flipped();
	test_signature_bytes_flipped();
	test_ak_bytes_flipped();
	test_wrong_nonce();
	test_forged_pcrs_and_logs();
	test_selection_and_hierarchy();
	test_other_vtpm_quote();
	test_ak_pem();
	test_strerror_distinct();
	test_restart_manufactures_anew();
	TAP_DONE();
}
