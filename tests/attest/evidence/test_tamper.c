/* SPDX-License-Identifier: Apache-2.0 */
/* Every part of a real bundle is covered by a check: changing any single
 * byte of the report, the quote, its signature, the AK, the nonce, each
 * event-log digest and event, and the task manifest, or a pcr_mask that
 * is not the quote's, makes verification fail with the result that names
 * the broken binding. One kettle-vmm run
 * with an input and two outputs; argv: kettle-psp. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "tests/attest/evidence/fixture.h"
#include "attest/psp/psp_client.h"
#include "lib/bytes.h"
#include "tests/tap.h"

#define NONCE "0102030405060708"

static char tmp[] = "/tmp/kettle-tamper-XXXXXX";
static struct psp psp;
static json_t *bundle; /* tampered in place, restored after each case */
static struct evidence_policy policy;
static char err[512];

static const char *at(const char *name)
{
	static char buf[8][600];
	static int slot;
	slot = (slot + 1) % 8;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmp, name);
	return buf[slot];
}

static enum evidence_result verify(void)
{
	return verify_only(bundle, &policy, err, sizeof err);
}

/* Flips each byte in [from, to) of a base64 (b64 = 1) or hex field of obj
 * in turn; returns how many did not fail with `want` (first one in *bad). */
static size_t flip_each(json_t *obj, const char *key, int b64, size_t from, size_t to, enum evidence_result want,
			long *bad)
{
	size_t len = 0, wrong = 0;
	json_t *orig = json_incref(json_object_get(obj, key));
	uint8_t *buf = b64 ? get_b64(obj, key, &len) : get_hex(obj, key, &len);
	*bad = -1;
	if (!buf || !orig) {
		json_decref(orig);
		free(buf);
		return (size_t)-1;
	}
	if (to > len)
		to = len;
	for (size_t i = from; i < to; i++) {
		buf[i] ^= 0x01;
		int set = b64 ? set_b64(obj, key, buf, len) : set_hex(obj, key, buf, len);
		if (set || verify() != want) {
			if (*bad < 0)
				*bad = (long)i;
			wrong++;
		}
		buf[i] ^= 0x01;
	}
	json_object_set_new(obj, key, orig);
	free(buf);
	return to > from ? wrong : (size_t)-1;
}

static void check_report_and_quote(void)
{
	long bad;
	json_t *q = json_object_get(bundle, "quote");
	CHECK(flip_each(bundle, "report", 1, 0, 0x2A0, EVIDENCE_E_REPORT_SIGNATURE, &bad) == 0,
	      "each of the 672 signed report bytes changed: report signature fails (first miss %ld)", bad);
	CHECK(flip_each(bundle, "report", 1, 0x2A0, 0x330, EVIDENCE_E_REPORT_SIGNATURE, &bad) == 0,
	      "each byte of the signature's r and s changed: report signature fails (first miss %ld)", bad);
	CHECK(flip_each(bundle, "report", 1, 0x330, 1184, EVIDENCE_E_MALFORMED, &bad) == 0,
	      "each reserved byte after the signature changed: the bundle is malformed (first miss %ld)", bad);
	CHECK(flip_each(q, "attest", 1, 0, 4096, EVIDENCE_E_QUOTE, &bad) == 0,
	      "each quote (TPMS_ATTEST) byte changed: the quote does not verify (first miss %ld)", bad);
	CHECK(flip_each(q, "signature", 1, 0, 4096, EVIDENCE_E_QUOTE, &bad) == 0,
	      "each quote signature byte changed: the quote does not verify (first miss %ld)", bad);
	CHECK(flip_each(bundle, "ak_public", 1, 0, 4096, EVIDENCE_E_REPORT_DATA, &bad) == 0,
	      "each AK public byte changed: REPORT_DATA no longer binds it (first miss %ld)", bad);
	CHECK(flip_each(bundle, "measurement", 0, 0, 48, EVIDENCE_E_MEASUREMENT, &bad) == 0,
	      "each byte of the bundle's measurement field changed: it is not the report's (first miss %ld)", bad);
	CHECK(flip_each(bundle, "nonce", 0, 0, 64, EVIDENCE_E_REPORT_DATA, &bad) == 0,
	      "each nonce byte changed: REPORT_DATA no longer binds it (first miss %ld)", bad);
	size_t wrong = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(q, "pcrs"), k, v)
		wrong += flip_each(json_object_get(q, "pcrs"), k, 0, 0, 32, EVIDENCE_E_QUOTE_PCRS, &bad);
	CHECK(wrong == 0, "each byte of each listed PCR value changed: they are not the quoted ones");
}

static void check_event_log(void)
{
	json_t *log = json_object_get(bundle, "event_log"), *rec;
	size_t i, digests = 0, wrong = 0, data_bytes = 0, data_wrong = 0, unchecked = 0;
	long bad;
	json_array_foreach(log, i, rec) {
		json_t *content = json_object_get(rec, "content"), *d;
		int inline_data = json_object_get(content, "event_data") != NULL;
		size_t k;
		json_array_foreach(json_object_get(rec, "digests"), k, d) {
			/* A record logged by digest has no data to check its SHA-384
			 * against, and the SHA-384 bank is not quoted (README). */
			if (!inline_data && strcmp(json_string_value(json_object_get(d, "hashAlg")), "sha256")) {
				unchecked++;
				continue;
			}
			digests++;
			wrong += flip_each(d, "digest", 0, 0, 64, EVIDENCE_E_EVENT_LOG, &bad) != 0;
		}
		size_t len = 0;
		uint8_t *data = get_hex(content, inline_data ? "event_data" : "event_data_sha256", &len);
		free(data);
		data_bytes += len;
		data_wrong += flip_each(content, inline_data ? "event_data" : "event_data_sha256", 0, 0, len,
					EVIDENCE_E_EVENT_LOG, &bad);
	}
	CHECK(digests >= 14 && wrong == 0,
	      "each byte of each of %zu checkable event digests changed: the log does not replay", digests);
	CHECK(unchecked == 1, "exactly one digest (boot-structures' SHA-384, logged by digest) has nothing to "
			      "check it against");
	CHECK(data_bytes > 500 && data_wrong == 0,
	      "each of %zu event data bytes changed: the log does not replay", data_bytes);
}

static void check_removed_and_reordered(void)
{
	json_t *orig = json_object_get(bundle, "event_log");
	json_incref(orig);
	size_t n = json_array_size(orig), wrong = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		json_t *cut = json_deep_copy(orig);
		json_array_remove(cut, i);
		json_object_set_new(bundle, "event_log", cut);
		wrong += verify() != EVIDENCE_E_EVENT_LOG || !strstr(err, "recnum");
	}
	CHECK(wrong == 0, "removing any record but the last breaks the numbering: the log does not replay");
	json_t *cut = json_deep_copy(orig);
	json_array_remove(cut, n - 1);
	json_object_set_new(bundle, "event_log", cut);
	CHECK(verify() == EVIDENCE_E_PCR && strstr(err, "PCR 11 differs from the replayed event log"),
	      "removing the result record: %s", err);
	/* Renumbered, so the log is well formed: the PCR it fed differs. */
	cut = json_deep_copy(orig);
	json_array_remove(cut, 2);
	for (size_t i = 0; i < json_array_size(cut); i++)
		json_object_set_new(json_array_get(cut, i), "recnum", json_integer((json_int_t)i));
	json_object_set_new(bundle, "event_log", cut);
	CHECK(verify() == EVIDENCE_E_PCR && strstr(err, "PCR 4 "), "removing and renumbering the program record: %s",
	      err);
	/* Records of different PCRs swapped: the PCRs replay the same, but it
	 * is not the sequence kettle-vmm writes. */
	cut = json_deep_copy(orig);
	json_t *r2 = json_incref(json_array_get(cut, 2)), *r3 = json_incref(json_array_get(cut, 3));
	json_array_set_new(cut, 2, r3);
	json_array_set_new(cut, 3, r2);
	json_object_set_new(r3, "recnum", json_integer(2));
	json_object_set_new(r2, "recnum", json_integer(3));
	json_object_set_new(bundle, "event_log", cut);
	CHECK(verify() == EVIDENCE_E_EVENTS, "two records of different PCRs swapped: %s", err);
	json_object_set_new(bundle, "event_log", orig);
	CHECK(verify() == EVIDENCE_OK, "the restored bundle verifies again");
}

static void check_manifest_bytes(void)
{
	json_t *orig = json_incref(json_object_get(bundle, "task_manifest"));
	char *m = strdup(json_string_value(orig));
	size_t n = m ? strlen(m) : 0, wrong = 0;
	for (size_t i = 0; i < n; i++) {
		m[i] ^= 0x01;
		json_object_set_new(bundle, "task_manifest", json_string_nocheck(m));
		wrong += verify() != EVIDENCE_E_HOST_DATA;
		m[i] ^= 0x01;
	}
	json_object_set_new(bundle, "task_manifest", orig);
	free(m);
	CHECK(n > 100 && wrong == 0, "each of the %zu task manifest bytes changed: HOST_DATA no longer matches", n);
}

/* A manifest the PSP vouches for (a new report with its digest as
 * HOST_DATA) that disagrees with the event log in one field. */
static void check_manifest_disagrees(const char *field, json_t *value, const char *want)
{
	json_t *orig = json_incref(json_object_get(bundle, "task_manifest"));
	json_t *orig_report = json_incref(json_object_get(bundle, "report"));
	json_error_t jerr;
	json_t *m = json_loads(json_string_value(orig), 0, &jerr);
	json_object_set_new(m, field, value);
	char *text = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
	size_t len = 0;
	uint8_t *raw = get_b64(bundle, "report", &len), report[1184];
	struct psp_request req = {0};
	char *chain = NULL;
	int ok = text && raw && len == 1184;
	if (ok) {
		memcpy(req.measurement, raw + 0x90, 48);
		memcpy(req.report_data, raw + 0x50, 64);
		EVP_Digest(text, strlen(text), req.host_data, NULL, EVP_sha256(), NULL);
		ok = psp_request_report(psp.sock, &req, report, &chain) == 0;
	}
	if (ok) {
		set_b64(bundle, "report", report, sizeof report);
		json_object_set_new(bundle, "task_manifest", json_string(text));
	}
	CHECK(ok && verify() == EVIDENCE_E_MANIFEST && strstr(err, want), "manifest with another %s: %s", field, err);
	json_object_set_new(bundle, "task_manifest", orig);
	json_object_set_new(bundle, "report", orig_report);
	free(chain);
	free(raw);
	free(text);
	json_decref(m);
}

/* A bundle's pcr_mask says which PCRs the quote covers; claiming one more
 * (PCR 16, whose replayed value is zero like the one given) or one fewer
 * must fail, though every listed value is right. */
static void check_pcr_mask(void)
{
	json_t *q = json_object_get(bundle, "quote"), *pcrs = json_object_get(q, "pcrs");
	json_int_t mask = json_integer_value(json_object_get(q, "pcr_mask"));
	json_t *pcr9 = json_incref(json_object_get(pcrs, "9"));
	CHECK(mask == 0x80ffff && pcr9, "the quote covers PCRs 0-15 and 23 (pcr_mask 0x%llx)",
	      (unsigned long long)mask);
	json_object_set_new(q, "pcr_mask", json_integer(mask | 1 << 16));
	json_object_set_new(pcrs, "16", json_string("0000000000000000000000000000000000000000000000000000000000000000"));
	CHECK(verify() == EVIDENCE_E_QUOTE_PCRS && strstr(err, "pcr_mask"),
	      "pcr_mask claims PCR 16, which the quote does not select: %s", err);
	json_object_del(pcrs, "16");
	json_object_set_new(q, "pcr_mask", json_integer(mask & ~(1 << 9)));
	json_object_del(pcrs, "9");
	CHECK(verify() == EVIDENCE_E_QUOTE_PCRS, "pcr_mask leaves out PCR 9, which the quote selects: %s", err);
	json_object_set_new(pcrs, "9", pcr9);
	json_object_set_new(q, "pcr_mask", json_integer(mask));
	CHECK(verify() == EVIDENCE_OK, "the restored bundle verifies again");
}

static void check_malformed(void)
{
	static const char *const keys[] = {"version", "nonce", "measurement", "report", "cert_chain",
					   "ak_public", "quote", "event_log", "task_manifest"};
	size_t wrong = 0;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *orig = json_incref(json_object_get(bundle, keys[i]));
		json_object_del(bundle, keys[i]);
		wrong += verify() != EVIDENCE_E_MALFORMED;
		json_object_set_new(bundle, keys[i], json_integer(7));
		wrong += verify() != EVIDENCE_E_MALFORMED;
		json_object_set_new(bundle, keys[i], orig);
	}
	CHECK(wrong == 0, "each top-level field missing or of the wrong type: the bundle is malformed");
	json_t *orig = json_incref(json_object_get(bundle, "report"));
	const char *s = json_string_value(orig);
	char *t = strdup(s);
	t[strlen(t) - 1] = '=', t[strlen(t) - 2] = '=';
	json_object_set_new(bundle, "report", json_string(t));
	CHECK(verify() == EVIDENCE_E_MALFORMED && strstr(err, "report"), "a report of 1183 bytes: %s", err);
	t[strlen(t) - 1] = ' ';
	json_object_set_new(bundle, "report", json_string(t));
	CHECK(verify() == EVIDENCE_E_MALFORMED, "a report that is not base64: %s", err);
	json_object_set_new(bundle, "report", orig);
	free(t);
	orig = json_incref(json_object_get(bundle, "cert_chain"));
	t = strdup(json_string_value(orig));
	*strstr(t, "-----BEGIN CERTIFICATE-----") = 'X';
	json_object_set_new(bundle, "cert_chain", json_string(t));
	CHECK(verify() == EVIDENCE_E_MALFORMED && strstr(err, "three PEM"), "a chain of two certificates: %s", err);
	json_object_set_new(bundle, "cert_chain", orig);
	free(t);
	char nonce[2 * 65 + 1];
	memset(nonce, 'a', sizeof nonce - 1);
	nonce[sizeof nonce - 1] = 0;
	orig = json_incref(json_object_get(bundle, "nonce"));
	json_object_set_new(bundle, "nonce", json_string(nonce));
	CHECK(verify() == EVIDENCE_E_MALFORMED, "a 65-byte nonce: %s", err);
	json_object_set_new(bundle, "nonce", orig);
	json_t *pcrs = json_object_get(json_object_get(bundle, "quote"), "pcrs");
	json_object_set_new(pcrs, "16", json_string("00"));
	CHECK(verify() == EVIDENCE_E_MALFORMED, "a PCR value outside pcr_mask: %s", err);
	json_object_del(pcrs, "16");
	CHECK(verify() == EVIDENCE_OK, "the restored bundle verifies again");
}

int main(int argc, char **argv)
{
	if (argc != 2)
		TAP_SKIP_ALL("usage: test-tamper KETTLE-PSP");
	if (!have_kvm())
		TAP_SKIP_ALL("no /dev/kvm: kettle-vmm cannot run guests here");
	if (!mkdtemp(tmp))
		TAP_SKIP_ALL("cannot create a temporary directory");
	CHECK(psp_start(argv[1], at("psp"), 1, &psp) == 0, "kettle-psp is serving");
	struct run_out r;
	int ran = run_files_evidence(&psp, NONCE, tmp, "tamper test input\n", "ev.json", "x", &r) == 0;
	run_free(&r);
	bundle = ran ? load_json(at("ev.json")) : NULL;
	static const uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	policy.nonce = nonce;
	policy.nonce_len = sizeof nonce;
	CHECK(bundle && verify() == EVIDENCE_OK, "the untouched bundle verifies: %s", bundle ? err : "no bundle");
	if (bundle) {
		check_report_and_quote();
		check_event_log();
		check_removed_and_reordered();
		check_manifest_bytes();
		check_manifest_disagrees("program_sha256",
					 json_string("0000000000000000000000000000000000000000000000000000000000000000"),
					 "program sha256");
		check_manifest_disagrees("argv", json_pack("[s]", "/other"), "argument digest");
		check_manifest_disagrees("inputs", json_array(), "inputs");
		check_manifest_disagrees("config", json_object(), "config");
		check_pcr_mask();
		check_malformed();
	}
	json_decref(bundle);
	psp_stop(&psp);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	TAP_DONE();
}
