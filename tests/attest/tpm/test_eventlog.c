/* SPDX-License-Identifier: Apache-2.0 */
/* Event log: records in the CEL JSON form, replay against PCR values
 * computed here step by step, and strict rejection of bad records with a
 * message that names the first bad one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "attest/tpm/eventlog.h"
#include "lib/bytes.h"
#include "tests/tap.h"

static void sha(const EVP_MD *md, const void *d, size_t n, uint8_t *out)
{
	unsigned int len;

	EVP_Digest(d, n, out, &len, md, NULL);
}

static void extend(uint8_t pcr[32], const void *event, size_t n)
{
	uint8_t buf[64];

	memcpy(buf, pcr, 32);
	sha(EVP_sha256(), event, n, buf + 32);
	sha(EVP_sha256(), buf, 64, pcr);
}

static int append(json_t *log, unsigned pcr, const char *type,
		  const void *event, size_t n)
{
	uint8_t s256[32], s384[48];

	sha(EVP_sha256(), event, n, s256);
	sha(EVP_sha384(), event, n, s384);
	return eventlog_append(log, pcr, type, event, n, s256, s384);
}

static json_t *sample_log(void)
{
	static uint8_t big[5000];
	json_t *log = eventlog_new();

	memset(big, 0xab, sizeof(big));
	append(log, 0, "boot-stubs", "stub-v1", 7);
	append(log, 1, "vm-config", "{\"mem\":64}", 10);
	append(log, 4, "executor-elf", big, sizeof(big));
	append(log, 8, "function-manifest", "{\"name\":\"f\"}", 12);
	append(log, 8, "function-args", "", 0);
	append(log, 23, "app", "x", 1);
	return log;
}

/* Replays a copy of the sample with `edit` applied to it; returns the
 * error text (empty on success). */
static int replay_edited(void (*edit)(json_t *), char *err, size_t len)
{
	uint8_t pcrs[24][32];
	json_t *log = sample_log();

	edit(log);
	int rc = eventlog_replay_err(log, pcrs, err, len);
	json_decref(log);
	return rc;
}

static json_t *rec(json_t *log, size_t i) { return json_array_get(log, i); }
static json_t *dig(json_t *log, size_t i, size_t d)
{
	return json_array_get(json_object_get(rec(log, i), "digests"), d);
}

static void drop_middle(json_t *l) { json_array_remove(l, 2); }
static void drop_last(json_t *l) { json_array_remove(l, 5); }
static void swap_order(json_t *l)
{
	json_t *r = json_incref(rec(l, 1));
	json_array_remove(l, 1);
	json_array_insert_new(l, 2, r);
}
static void pcr_24(json_t *l) { json_object_set_new(rec(l, 0), "pcr", json_integer(24)); }
static void pcr_17(json_t *l) { json_object_set_new(rec(l, 1), "pcr", json_integer(17)); }
static void pcr_neg(json_t *l) { json_object_set_new(rec(l, 1), "pcr", json_integer(-1)); }
static void pcr_str(json_t *l) { json_object_set_new(rec(l, 1), "pcr", json_string("4")); }
static void short_digest(json_t *l)
{
	json_object_set_new(dig(l, 3, 0), "digest", json_string("abcd"));
}
static void nonhex_digest(json_t *l)
{
	char bad[65];
	memset(bad, 'g', 64);
	bad[64] = 0;
	json_object_set_new(dig(l, 3, 0), "digest", json_string(bad));
}
static void unknown_alg(json_t *l)
{
	json_object_set_new(dig(l, 3, 1), "hashAlg", json_string("md5"));
}
static void no_sha256(json_t *l)
{
	json_array_remove(json_object_get(rec(l, 3), "digests"), 0);
}
static void dup_alg(json_t *l)
{
	json_array_append(json_object_get(rec(l, 3), "digests"), dig(l, 3, 0));
}
static void flip_digest(json_t *l)
{
	char hex[65];
	strcpy(hex, json_string_value(json_object_get(dig(l, 1, 0), "digest")));
	hex[10] = hex[10] == '0' ? '1' : '0';
	json_object_set_new(dig(l, 1, 0), "digest", json_string(hex));
}
static void edit_content(json_t *l)
{
	json_object_set_new(json_object_get(rec(l, 3), "content"), "event_data",
			    json_string("00"));
}
static void wrong_type(json_t *l)
{
	json_object_set_new(rec(l, 0), "content_type", json_string("pcclient_std"));
}
static void not_object(json_t *l) { json_array_set_new(l, 2, json_string("x")); }
static void no_recnum(json_t *l) { json_object_del(rec(l, 0), "recnum"); }

/* The sample log (sample_log()) and the PCR values it must replay to,
 * extended by hand. */
static json_t *sample;
static uint8_t want[24][32];

static void test_records(void)
{
	CHECK(json_array_size(sample) == 6, "six records appended");
	CHECK(json_integer_value(json_object_get(rec(sample, 5), "recnum")) == 5,
	      "recnum counts from 0");
	CHECK(!strcmp(json_string_value(json_object_get(dig(sample, 0, 0), "hashAlg")),
		      "sha256") &&
		      strlen(json_string_value(json_object_get(dig(sample, 0, 1), "digest"))) == 96,
	      "sha256 and sha384 digests recorded");
	json_t *c = json_object_get(rec(sample, 2), "content");
	CHECK(json_object_get(c, "event_data_sha256") &&
		      !json_object_get(c, "event_data"),
	      "a 5000-byte event is logged by digest");
	CHECK(!strcmp(json_string_value(json_object_get(json_object_get(rec(sample, 0), "content"),
							"event_data")),
		      "737475622d7631"),
	      "a small event is logged in full (hex)");
}

static void test_replay(void)
{
	uint8_t got[24][32];
	char err[256];

	CHECK(eventlog_replay_err(sample, got, err, sizeof(err)) == 0 && !err[0],
	      "sample log replays");
	CHECK(memcmp(got, want, sizeof(want)) == 0,
	      "replayed PCRs equal the values extended by hand");

	char *text = json_dumps(sample, JSON_COMPACT);
	json_t *back = json_loads(text, 0, NULL);
	CHECK(back && eventlog_replay(back, got) == 0 &&
		      memcmp(got, want, sizeof(want)) == 0,
	      "log survives a JSON round trip");
	free(text);
	json_decref(back);

	json_t *empty = eventlog_new();
	CHECK(eventlog_replay(empty, got) == 0 &&
		      memcmp(got, (uint8_t[24][32]){{0}}, sizeof(got)) == 0,
	      "empty log: all PCRs zero");
	json_decref(empty);
}

static void test_append_refusals(void)
{
	CHECK(append(sample, 16, "debug", "x", 1) == -EINVAL,
	      "append refuses PCR 16");
	CHECK(append(sample, 24, "x", "x", 1) == -EINVAL, "append refuses PCR 24");
	CHECK(append(sample, 4, "", "x", 1) == -EINVAL,
	      "append refuses an empty event type");
}

static void test_bad_logs(void)
{
	uint8_t got[24][32];
	char err[256];

	static const struct {
		void (*edit)(json_t *);
		const char *what, *expect;
	} bad[] = {
		{drop_middle, "record removed", "event log record 2: recnum is 3, expected 2"},
		{swap_order, "records reordered", "event log record 1: recnum is 2, expected 1"},
		{pcr_24, "pcr 24", "record 0: pcr 24 is not"},
		{pcr_17, "pcr 17", "record 1: pcr 17 is not"},
		{pcr_neg, "pcr -1", "record 1: pcr -1 is not"},
		{pcr_str, "pcr as string", "record 1: pcr is missing or not an integer"},
		{short_digest, "short digest", "record 3: sha256 digest is not 32 hex bytes"},
		{nonhex_digest, "non-hex digest", "record 3: sha256 digest is not 32 hex bytes"},
		{unknown_alg, "unknown hashAlg", "record 3: unknown hashAlg \"md5\""},
		{no_sha256, "no sha256", "record 3: no sha256 digest"},
		{dup_alg, "duplicate sha256", "record 3: two sha256 digests"},
		{flip_digest, "digest flipped", "record 1: event data does not match its sha256 digest"},
		{edit_content, "content edited", "record 3: event data does not match"},
		{wrong_type, "content_type", "record 0: content_type is not \"kettle\""},
		{not_object, "record not an object", "record 2: is not an object"},
		{no_recnum, "no recnum", "record 0: recnum is missing"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int rc = replay_edited(bad[i].edit, err, sizeof(err));
		CHECK(rc == -EINVAL && strstr(err, bad[i].expect),
		      "%s: rejected (\"%s\")", bad[i].what, err);
	}

	CHECK(replay_edited(drop_last, err, sizeof(err)) == 0,
	      "dropping the last record still replays (the quote catches it)");
	json_t *notarray = json_object();
	CHECK(eventlog_replay_err(notarray, got, err, sizeof(err)) == -EINVAL &&
		      strstr(err, "not a JSON array"),
	      "a log that is not an array is rejected");
	json_decref(notarray);
}

int main(void)
{
	static uint8_t big[5000];

	sample = sample_log();
	memset(big, 0xab, sizeof(big));
	extend(want[0], "stub-v1", 7);
	extend(want[1], "{\"mem\":64}", 10);
	extend(want[4], big, sizeof(big));
	extend(want[8], "{\"name\":\"f\"}", 12);
	extend(want[8], "", 0);
	extend(want[23], "x", 1);

	test_records();
	test_replay();
	test_append_refusals();
	test_bad_logs();
	json_decref(sample);
	TAP_DONE();
}
