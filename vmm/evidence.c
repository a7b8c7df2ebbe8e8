/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence for one task. Before the guest runs: the launch measurement, a
 * fresh vTPM, and PCR extends for each launch component (each logged in the
 * event log). After it exits: extends for the outputs and the result, a TPM
 * quote over the caller's nonce, an SEV-SNP-layout report from kettle-psp
 * binding the AK, and one JSON bundle (format in vmm/README.md). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/encode.h"
#include "vmm/launch.h"
#include "vmm/layout.h"
#include "attest/psp/psp_client.h"
#include "vmm/task.h"
#include "attest/tpm/vtpm.h"

#define PCR_BOOT 0
#define PCR_CONFIG 1
#define PCR_PROGRAM 4
#define PCR_ARGUMENTS 8
#define PCR_INPUTS 10
#define PCR_OUTPUTS 11

static int extend_json(struct vmm_task *t, unsigned pcr, const char *type, json_t *event)
{
	char *text = event ? json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = text ? vtpm_extend(t->vtpm, pcr, type, text, strlen(text)) : -ENOMEM;
	free(text);
	json_decref(event);
	return rc;
}

static json_t *file_event(const char *name, const uint8_t sha256[32], uint64_t size)
{
	return json_pack("{s:s, s:o*, s:I}", "name", name, "sha256", vmm_json_hex(sha256, 32), "size",
			 (json_int_t)size);
}

static json_t *config_event(const struct vmm_task *t)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "mem", (json_int_t)t->o->mem, "timeout_ms",
			 (json_int_t)t->o->timeout_ms, "max_output", (json_int_t)t->o->max_output, "xcr0",
			 (json_int_t)t->start.xcr0);
}

static json_t *strings(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static int extend_launch(struct vmm_task *t)
{
	int rc;
	void *boot = gmem_ptr(&t->mem, GUEST_PAGE, GPA_BOOT_END - GUEST_PAGE);
	json_t *args = json_pack("{s:o*, s:o*}", "argv", strings(t->o->argv), "env", strings(t->o->envp));
	if ((rc = vtpm_extend(t->vtpm, PCR_BOOT, "boot-structures", boot, GPA_BOOT_END - GUEST_PAGE)) ||
	    (rc = extend_json(t, PCR_CONFIG, "vm-config", config_event(t))) ||
	    (rc = extend_json(t, PCR_PROGRAM, "program",
			      json_pack("{s:o*, s:I}", "sha256", vmm_json_hex(t->program_sha256, 32), "size",
					(json_int_t)t->program_size))) ||
	    (rc = extend_json(t, PCR_ARGUMENTS, "arguments", args)))
		return rc;
	for (size_t i = 0; i < t->o->ninputs; i++)
		if ((rc = extend_json(t, PCR_INPUTS, "input",
				      file_event(t->o->inputs[i].name, t->input_sha256[i], t->input_size[i]))))
			return rc;
	return 0;
}

/* Under --verbose, how long each step took: the budget is tight. */
static void phase(struct vmm_task *t, const char *what, int64_t *since)
{
	int64_t now = host_now_ns();
	if (t->o->verbose)
		fprintf(stderr, "kettle-vmm: attestation: %s %.3f ms\n", what, (double)(now - *since) / 1e6);
	*since = now;
}

int evidence_begin(struct vmm_task *t)
{
	int64_t t0 = host_now_ns(), step = t0;
	int rc = vmm_measure_launch(&t->mem, &t->start, t->r->measurement);
	phase(t, "launch measurement", &step);
	if (rc) {
		task_fail(t, VMM_ERROR, "cannot compute the launch measurement");
		return rc;
	}
	t->r->measured = 1;
	for (int i = 0; i < 2; i++) {
		t->stream_hash[i] = EVP_MD_CTX_new();
		if (!t->stream_hash[i] || !EVP_DigestInit_ex(t->stream_hash[i], EVP_sha256(), NULL)) {
			task_fail(t, VMM_ERROR, "cannot start hashing the guest's output");
			return -EIO;
		}
	}
	if ((rc = vtpm_start(&t->vtpm))) {
		task_fail(t, VMM_ERROR, "cannot start the vTPM: %s", strerror(-rc));
		return rc;
	}
	phase(t, "vTPM start and AK", &step);
	if ((rc = extend_launch(t))) {
		task_fail(t, VMM_ERROR, "cannot extend the vTPM's PCRs: %s (TPM rc 0x%x)", strerror(-rc),
			  vtpm_last_rc(t->vtpm));
		return rc;
	}
	phase(t, "launch PCR extends", &step);
	t->r->attest_ms += (double)(host_now_ns() - t0) / 1e6;
	return 0;
}

static int extend_result(struct vmm_task *t)
{
	uint8_t d[2][32];
	int rc;
	for (size_t i = 0; i < t->r->noutputs; i++)
		if ((rc = extend_json(t, PCR_OUTPUTS, "output",
				      file_event(t->r->outputs[i].name, t->r->outputs[i].sha256,
						 t->r->outputs[i].size))))
			return rc;
	for (int i = 0; i < 2; i++)
		if (!EVP_DigestFinal_ex(t->stream_hash[i], d[i], NULL))
			return -EIO;
	json_t *result = json_pack("{s:s, s:i, s:o*, s:o*}", "status", vmm_status_name(t->r->status), "exit_code",
				   t->r->status == VMM_OK ? t->r->exit_code : -1, "stdout_sha256",
				   vmm_json_hex(d[0], 32), "stderr_sha256", vmm_json_hex(d[1], 32));
	return extend_json(t, PCR_OUTPUTS, "result", result);
}

/* The task manifest whose SHA-256 is the report's HOST_DATA: what was asked
 * to run, independent of what it produced. */
static char *task_manifest(struct vmm_task *t)
{
	json_t *inputs = json_array();
	for (size_t i = 0; inputs && i < t->o->ninputs; i++)
		json_array_append_new(inputs, file_event(t->o->inputs[i].name, t->input_sha256[i], t->input_size[i]));
	json_t *m = json_pack("{s:i, s:o*, s:o*, s:o*, s:o*, s:o*}", "version", 1, "program_sha256",
			      vmm_json_hex(t->program_sha256, 32), "argv", strings(t->o->argv), "env",
			      strings(t->o->envp), "config", config_event(t), "inputs", inputs);
	char *text = m ? json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(m);
	return text;
}

static json_t *quote_json(const struct vtpm_quote *q)
{
	json_t *pcrs = json_object();
	for (unsigned i = 0; pcrs && i < 24; i++) {
		char k[4];
		if (!(q->pcr_mask & (1u << i)))
			continue;
		snprintf(k, sizeof k, "%u", i);
		json_object_set_new(pcrs, k, vmm_json_hex(q->pcrs[i], 32));
	}
	return json_pack("{s:o*, s:o*, s:I, s:o*}", "attest", vmm_json_base64(q->attest, q->attest_len), "signature",
			 vmm_json_base64(q->signature, q->signature_len), "pcr_mask", (json_int_t)q->pcr_mask,
			 "pcrs", pcrs);
}

static int write_bundle(const char *path, json_t *bundle)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int rc = json_dumpfd(bundle, fd, JSON_INDENT(1) | JSON_SORT_KEYS) ? -EIO : 0;
	if (!rc && (write(fd, "\n", 1) != 1 || fsync(fd) < 0))
		rc = -EIO;
	close(fd);
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

/* REPORT_DATA = SHA-512(AK public area || nonce): the report vouches for
 * the AK, the AK's quote vouches for the PCRs, the PCRs for the log. */
static int report_data(const uint8_t *ak, size_t ak_len, const uint8_t *nonce, size_t nonce_len, uint8_t out[64])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, EVP_sha512(), NULL) && EVP_DigestUpdate(c, ak, ak_len) &&
		 EVP_DigestUpdate(c, nonce, nonce_len) && EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -EIO;
}

static int make_bundle(struct vmm_task *t, const char *manifest)
{
	const struct vmm_options *o = t->o;
	struct vtpm_quote q;
	struct psp_request req = { 0 };
	uint8_t report[1184], *ak = NULL;
	size_t ak_len = 0;
	char *chain = NULL;
	int rc;

	int64_t step = host_now_ns();
	if ((rc = vtpm_quote(t->vtpm, o->nonce, o->nonce_len, &q)) || (rc = vtpm_ak_public(t->vtpm, &ak, &ak_len))) {
		task_fail(t, VMM_ERROR, "the vTPM could not quote: %s", strerror(-rc));
		goto out;
	}
	phase(t, "quote", &step);
	memcpy(req.measurement, t->r->measurement, sizeof req.measurement);
	EVP_Digest(manifest, strlen(manifest), req.host_data, NULL, EVP_sha256(), NULL);
	if ((rc = report_data(ak, ak_len, o->nonce, o->nonce_len, req.report_data)))
		goto out;
	if ((rc = psp_request_report(o->psp_socket, &req, report, &chain))) {
		task_fail(t, VMM_ERROR, "kettle-psp at %s gave no report: %s; is `kettle-psp serve` running?",
			  o->psp_socket, strerror(-rc));
		goto out;
	}
	phase(t, "PSP report", &step);
	json_t *log = vtpm_event_log(t->vtpm);
	json_t *b = json_pack("{s:i, s:o*, s:o*, s:o*, s:s, s:o*, s:o*, s:o*, s:s}", "version", 1, "nonce",
			      vmm_json_hex(o->nonce, o->nonce_len), "measurement",
			      vmm_json_hex(t->r->measurement, 48), "report", vmm_json_base64(report, sizeof report),
			      "cert_chain", chain, "ak_public", vmm_json_base64(ak, ak_len), "quote", quote_json(&q),
			      "event_log", log, "task_manifest", manifest);
	if (!b) {
		rc = -ENOMEM;
		goto out;
	}
	rc = write_bundle(o->evidence_path, b);
	json_decref(b);
	phase(t, "bundle written (fsync)", &step);
	if (rc)
		task_fail(t, VMM_ERROR, "cannot write evidence to %s: %s", o->evidence_path, strerror(-rc));
out:
	if (rc && t->r->status != VMM_ERROR)
		task_fail(t, VMM_ERROR, "cannot produce evidence: %s", strerror(-rc));
	free(ak);
	free(chain);
	return rc;
}

int evidence_finish(struct vmm_task *t)
{
	int64_t t0 = host_now_ns();
	int rc = extend_result(t);
	if (rc) {
		task_fail(t, VMM_ERROR, "cannot extend the vTPM with the result: %s", strerror(-rc));
		return rc;
	}
	char *manifest = task_manifest(t);
	if (!manifest) {
		task_fail(t, VMM_ERROR, "cannot build the task manifest: out of memory");
		return -ENOMEM;
	}
	rc = make_bundle(t, manifest);
	free(manifest);
	t->r->attest_ms += (double)(host_now_ns() - t0) / 1e6;
	return rc;
}

void evidence_free(struct vmm_task *t)
{
	for (int i = 0; i < 2; i++) {
		EVP_MD_CTX_free(t->stream_hash[i]);
		t->stream_hash[i] = NULL;
	}
	vtpm_free(t->vtpm);
	t->vtpm = NULL;
}
