/* SPDX-License-Identifier: Apache-2.0 */
/* After the replay: the log must be exactly the sequence kettle-vmm
 * records (vmm/README.md "Evidence"), and the task manifest HOST_DATA
 * vouches for must agree with it. The quote makes the log trustworthy;
 * this makes it meaningful. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "attest/evidence/evidence_int.h"
#include "lib/codec.h"

#define SEQ(...) evidence_fail(err, errlen, EVIDENCE_E_EVENTS, __VA_ARGS__)
#define MAN(...) evidence_fail(err, errlen, EVIDENCE_E_MANIFEST, __VA_ARGS__)

struct event {
	size_t recnum;
	unsigned pcr;
	const char *type;
	uint8_t sha256[32];
	json_t *data; /* the event data as JSON; NULL when logged by digest */
};

struct walk {
	json_t *log;
	size_t next;
	char *err;
	size_t errlen;
};

static void event_clear(struct event *e)
{
	json_decref(e->data);
	e->data = NULL;
}

/* Reads record w->next if it is `type` in `pcr`; -1 if it is something
 * else (left for the caller), 0 if taken, an evidence result otherwise.
 * The replay already checked the record's shape and digests. */
static int take(struct walk *w, unsigned pcr, const char *type, int need_data, struct event *e)
{
	char *err = w->err;
	size_t errlen = w->errlen;
	json_t *rec = json_array_get(w->log, w->next);
	if (!rec)
		return -1;
	json_t *content = json_object_get(rec, "content");
	e->recnum = w->next;
	e->pcr = (unsigned)json_integer_value(json_object_get(rec, "pcr"));
	e->type = json_string_value(json_object_get(content, "event_type"));
	e->data = NULL;
	if (!e->type || e->pcr != pcr || strcmp(e->type, type))
		return -1;
	json_t *d;
	size_t i;
	const char *sha = NULL;
	json_array_foreach(json_object_get(rec, "digests"), i, d)
		if (!strcmp(json_string_value(json_object_get(d, "hashAlg")) ?: "", "sha256"))
			sha = json_string_value(json_object_get(d, "digest"));
	if (hex_decode(sha, e->sha256, 32))
		return SEQ("event log record %zu: no sha256 digest", e->recnum);
	const char *hex = json_string_value(json_object_get(content, "event_data"));
	if (hex) {
		size_t n = strlen(hex) / 2, got;
		uint8_t *raw = malloc(n ? n : 1);
		if (!raw)
			return evidence_fail(err, errlen, EVIDENCE_E_NOMEM, "out of memory");
		json_error_t jerr;
		if (n && hex_decode_max(hex, raw, n, &got) == 0 && need_data)
			e->data = json_loadb((const char *)raw, got, JSON_REJECT_DUPLICATES, &jerr);
		free(raw);
		if (need_data && !json_is_object(e->data)) {
			event_clear(e);
			return SEQ("event log record %zu (%s): event data is not a JSON object", e->recnum, type);
		}
	} else if (need_data) {
		return SEQ("event log record %zu (%s): event data is not inline", e->recnum, type);
	}
	w->next++;
	return 0;
}

static int expect(struct walk *w, unsigned pcr, const char *type, int need_data, struct event *e)
{
	int rc = take(w, pcr, type, need_data, e);
	if (rc != -1)
		return rc;
	char *err = w->err;
	size_t errlen = w->errlen;
	if (w->next >= json_array_size(w->log))
		return SEQ("event log ends before the PCR %u '%s' event", pcr, type);
	return SEQ("event log record %zu: expected PCR %u '%s', found PCR %u '%s'", w->next, pcr, type,
		   e->pcr, e->type ?: "?");
}

static int sha_field(const json_t *o, const char *key, uint8_t out[32])
{
	return hex_decode(json_string_value(json_object_get(o, key)), out, 32);
}

/* {name, sha256, size} exactly, as kettle-vmm writes for inputs and outputs. */
static int file_entry(const json_t *o, struct evidence_file *f)
{
	const char *name = json_string_value(json_object_get(o, "name"));
	json_t *size = json_object_get(o, "size");
	if (!json_is_object(o) || json_object_size(o) != 3 || !name || !*name ||
	    strlen(name) > EVIDENCE_NAME_MAX || strchr(name, '/') ||
	    sha_field(o, "sha256", f->sha256) || !json_is_integer(size) || json_integer_value(size) < 0)
		return -EINVAL;
	strcpy(f->name, name);
	f->size = (uint64_t)json_integer_value(size);
	return 0;
}

static int strings(const json_t *a, size_t min)
{
	size_t i;
	json_t *s;
	if (!json_is_array(a) || json_array_size(a) < min)
		return -EINVAL;
	json_array_foreach(a, i, s)
		if (!json_is_string(s))
			return -EINVAL;
	return 0;
}

static int manifest_parse(const char *text, size_t len, json_t **out, struct evidence_claims *c,
			  char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *m = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	*out = m;
	if (!json_is_object(m))
		return MAN("task manifest is not a JSON object");
	json_t *inputs = json_object_get(m, "inputs");
	if (json_integer_value(json_object_get(m, "version")) != 1 ||
	    !json_is_integer(json_object_get(m, "version")))
		return MAN("task manifest: version is not 1");
	if (sha_field(m, "program_sha256", c->program_sha256))
		return MAN("task manifest: program_sha256 is not 64 hex digits");
	if (strings(json_object_get(m, "argv"), 1) || strings(json_object_get(m, "env"), 0))
		return MAN("task manifest: argv or env is not an array of strings");
	if (!json_is_object(json_object_get(m, "config")))
		return MAN("task manifest: config is not an object");
	if (!json_is_array(inputs) || json_array_size(inputs) > EVIDENCE_FILES_MAX)
		return MAN("task manifest: inputs is not an array of at most %d files", EVIDENCE_FILES_MAX);
	for (size_t i = 0; i < json_array_size(inputs); i++)
		if (file_entry(json_array_get(inputs, i), &c->inputs[i]))
			return MAN("task manifest: input %zu is not {name, sha256, size}", i);
	c->n_inputs = json_array_size(inputs);
	c->argv = json_incref(json_object_get(m, "argv"));
	c->env = json_incref(json_object_get(m, "env"));
	c->config = json_incref(json_object_get(m, "config"));
	return 0;
}

/* SHA-256 of {argv, env} serialised as kettle-vmm extends PCR 8. */
static int arguments_digest(const struct evidence_claims *c, uint8_t out[32])
{
	json_t *o = json_pack("{s:O, s:O}", "argv", c->argv, "env", c->env);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int ok = text && EVP_Digest(text, strlen(text), out, NULL, EVP_sha256(), NULL);
	free(text);
	json_decref(o);
	return ok ? 0 : -ENOMEM;
}

static int check_launch(struct walk *w, const json_t *m, struct evidence_claims *c)
{
	char *err = w->err;
	size_t errlen = w->errlen;
	struct event e = {0};
	uint8_t want[32];
	int rc;
	if ((rc = expect(w, 0, "boot-structures", 0, &e)))
		return rc;
	if ((rc = expect(w, 1, "vm-config", 1, &e)))
		return rc;
	int same = json_equal(e.data, json_object_get(m, "config"));
	event_clear(&e);
	if (!same)
		return MAN("task manifest disagrees with the event log: config differs from PCR 1");
	if ((rc = expect(w, 4, "program", 1, &e)))
		return rc;
	json_t *size = json_object_get(e.data, "size");
	rc = sha_field(e.data, "sha256", want) || !json_is_integer(size) || json_integer_value(size) < 0;
	c->program_size = rc ? 0 : (uint64_t)json_integer_value(size);
	event_clear(&e);
	if (rc)
		return SEQ("event log record %zu (program): not {sha256, size}", e.recnum);
	if (memcmp(want, c->program_sha256, 32))
		return MAN("task manifest disagrees with the event log: program sha256 differs from PCR 4");
	if ((rc = expect(w, 8, "arguments", 0, &e)))
		return rc;
	if (arguments_digest(c, want))
		return evidence_fail(err, errlen, EVIDENCE_E_NOMEM, "out of memory");
	if (memcmp(want, e.sha256, 32))
		return MAN("task manifest disagrees with the event log: argument digest differs from PCR 8");
	memcpy(c->arguments_sha256, e.sha256, 32);
	for (size_t i = 0; i < c->n_inputs; i++) {
		if ((rc = expect(w, 10, "input", 1, &e)))
			return rc == EVIDENCE_E_EVENTS ? (int)MAN("task manifest disagrees with the event log: "
							     "%zu inputs, log has fewer", c->n_inputs) : rc;
		same = json_equal(e.data, json_array_get(json_object_get(m, "inputs"), i));
		event_clear(&e);
		if (!same)
			return MAN("task manifest disagrees with the event log: input %zu differs from PCR 10", i);
	}
	if (take(w, 10, "input", 0, &e) == 0)
		return MAN("task manifest disagrees with the event log: the log has more than %zu inputs",
			   c->n_inputs);
	return 0;
}

static int check_result(struct walk *w, struct evidence_claims *c)
{
	char *err = w->err;
	size_t errlen = w->errlen;
	struct event e = {0};
	int rc;
	while ((rc = take(w, 11, "output", 1, &e)) == 0) {
		if (c->n_outputs == EVIDENCE_FILES_MAX) {
			event_clear(&e);
			return SEQ("event log: more than %d outputs", EVIDENCE_FILES_MAX);
		}
		rc = file_entry(e.data, &c->outputs[c->n_outputs]);
		event_clear(&e);
		if (rc)
			return SEQ("event log record %zu (output): not {name, sha256, size}", e.recnum);
		c->n_outputs++;
	}
	if (rc != -1)
		return rc;
	if ((rc = expect(w, 11, "result", 1, &e)))
		return rc;
	const char *status = json_string_value(json_object_get(e.data, "status"));
	json_t *code = json_object_get(e.data, "exit_code");
	rc = json_object_size(e.data) != 4 || !status || strlen(status) >= sizeof c->result.status ||
	     !json_is_integer(code) || json_integer_value(code) < -1 || json_integer_value(code) > 255 ||
	     sha_field(e.data, "stdout_sha256", c->result.stdout_sha256) ||
	     sha_field(e.data, "stderr_sha256", c->result.stderr_sha256);
	if (!rc) {
		strcpy(c->result.status, status);
		c->result.exit_code = (int)json_integer_value(code);
	}
	event_clear(&e);
	if (rc)
		return SEQ("event log record %zu (result): not {status, exit_code, stdout_sha256, "
			   "stderr_sha256}", e.recnum);
	if (w->next != json_array_size(w->log))
		return SEQ("event log record %zu: nothing may follow the result", w->next);
	return 0;
}

enum evidence_result events_check(json_t *log, const char *manifest, size_t manifest_len,
				  struct evidence_claims *c, char *err, size_t errlen)
{
	json_t *m = NULL;
	struct walk w = {log, 0, err, errlen};
	int rc = manifest_parse(manifest, manifest_len, &m, c, err, errlen);
	if (!rc)
		rc = check_launch(&w, m, c);
	if (!rc)
		rc = check_result(&w, c);
	json_decref(m);
	return (enum evidence_result)rc;
}
