/* SPDX-License-Identifier: Apache-2.0 */
/* evidence_verify(): the checks in their order (README.md says why this
 * order). Each step trusts only what the steps before it established. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "attest/tpm/eventlog.h"
#include "attest/evidence/evidence_int.h"
#include "attest/tpm/quote_verify.h"
#include "attest/snp/snp_verify.h"
#include "attest/tpm/vtpm.h"

#define FAIL(r, ...) evidence_fail(err, errlen, r, __VA_ARGS__)

static enum evidence_result check_report(const struct evidence_bundle *b, const struct evidence_policy *p,
					 struct evidence_claims *c, char *err, size_t errlen)
{
	X509 *ark = p->ca_ark ? p->ca_ark : b->ark;
	c->ark_from_ca = p->ca_ark != NULL;
	enum snp_status st = snp_verify(b->report, sizeof b->report, b->vcek, b->ask, ark, &c->report);
	ERR_clear_error();
	switch (st) {
	case SNP_OK:
		break;
	case SNP_E_CERT_PARSE: case SNP_E_ARK: case SNP_E_ASK: case SNP_E_VCEK: case SNP_E_VCEK_KEY:
		return FAIL(EVIDENCE_E_CHAIN, "certificate chain does not verify (ARK from %s): %s",
			    p->ca_ark ? "--ca" : "the bundle", snp_status_str(st));
	case SNP_E_SIG_ALGO: case SNP_E_SIGNATURE:
		return FAIL(EVIDENCE_E_REPORT_SIGNATURE, "report signature does not verify: %s",
			    snp_status_str(st));
	case SNP_E_VCEK_EXT: case SNP_E_TCB: case SNP_E_CHIP_ID:
		return FAIL(EVIDENCE_E_REPORT_TCB, "report does not match its VCEK: %s", snp_status_str(st));
	case SNP_E_REPORT_FORMAT:
		return FAIL(EVIDENCE_E_REPORT_POLICY, "report policy: %s", snp_status_str(st));
	case SNP_E_NOMEM:
		return FAIL(EVIDENCE_E_NOMEM, "out of memory verifying the report");
	}
	const struct snp_report *r = &c->report;
	if (r->policy & SNP_POLICY_DEBUG)
		return FAIL(EVIDENCE_E_REPORT_POLICY, "report policy allows debugging (POLICY bit 19): the host "
			    "could read the guest");
	if (!(r->policy & SNP_POLICY_RESERVED_ONE))
		return FAIL(EVIDENCE_E_REPORT_POLICY, "report policy bit 17 (must be one) is clear");
	if (r->vmpl != 0)
		return FAIL(EVIDENCE_E_REPORT_POLICY, "report was requested at VMPL %u, not VMPL 0", r->vmpl);
	memcpy(c->measurement, r->measurement, 48);
	return EVIDENCE_OK;
}

static enum evidence_result check_measurement(const struct evidence_bundle *b, const struct evidence_policy *p,
					      const struct evidence_claims *c, char *err, size_t errlen)
{
	if (memcmp(b->measurement, c->measurement, 48))
		return FAIL(EVIDENCE_E_MEASUREMENT, "the bundle's measurement field differs from the report's");
	if (!p->has_refs)
		return EVIDENCE_OK;
	for (size_t i = 0; i < p->n_measurements; i++)
		if (memcmp(p->measurements[i], c->measurement, 48) == 0)
			return EVIDENCE_OK;
	return FAIL(EVIDENCE_E_MEASUREMENT, "measurement is not in the reference values (%zu given)",
		    p->n_measurements);
}

static enum evidence_result check_binding(const struct evidence_bundle *b, const struct evidence_policy *p,
					  struct evidence_claims *c, char *err, size_t errlen)
{
	uint8_t want[64];
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	int ok = h && EVP_DigestInit_ex(h, EVP_sha512(), NULL) && EVP_DigestUpdate(h, b->ak, b->ak_len) &&
		 EVP_DigestUpdate(h, b->nonce, b->nonce_len) && EVP_DigestFinal_ex(h, want, NULL);
	EVP_MD_CTX_free(h);
	if (!ok)
		return FAIL(EVIDENCE_E_NOMEM, "SHA-512 failed");
	if (CRYPTO_memcmp(want, c->report.report_data, 64))
		return FAIL(EVIDENCE_E_REPORT_DATA, "REPORT_DATA is not SHA-512(AK public || nonce): the report "
			    "does not vouch for this AK and nonce");
	if (p->nonce && (p->nonce_len != b->nonce_len || memcmp(p->nonce, b->nonce, b->nonce_len)))
		return FAIL(EVIDENCE_E_NONCE, "nonce does not match the expected one (a replayed bundle?)");
	memcpy(c->nonce, b->nonce, b->nonce_len);
	c->nonce_len = b->nonce_len;
	return EVIDENCE_OK;
}

static enum evidence_result check_quote(const struct evidence_bundle *b, char *err, size_t errlen)
{
	struct quote_expect ex = {
		.nonce = b->nonce,
		.nonce_len = b->nonce_len,
		.pcrs = b->pcrs,
		.pcr_mask = EVENTLOG_PCR_MASK,
		.ak_hierarchy = VTPM_AK_HIERARCHY,
	};
	struct quote_info info;
	enum quote_result q = quote_verify(b->ak, b->ak_len, b->attest, b->attest_len, b->sig, b->sig_len,
					   &ex, &info);
	ERR_clear_error();
	switch (q) {
	case QUOTE_OK:
		break;
	case QUOTE_E_NONCE:
		return FAIL(EVIDENCE_E_QUOTE_NONCE, "quote nonce does not match the bundle's nonce");
	case QUOTE_E_PCR_SELECTION: case QUOTE_E_PCR_DIGEST:
		return FAIL(EVIDENCE_E_QUOTE_PCRS, "quoted PCRs: %s", quote_strerror(q));
	case QUOTE_E_INTERNAL:
		return FAIL(EVIDENCE_E_NOMEM, "quote: %s", quote_strerror(q));
	default:
		return FAIL(EVIDENCE_E_QUOTE, "quote does not verify with the AK: %s", quote_strerror(q));
	}
	if (info.pcr_mask != b->pcr_mask)
		return FAIL(EVIDENCE_E_QUOTE_PCRS, "quoted PCRs: the bundle's pcr_mask 0x%x is not the quote's 0x%x",
			    b->pcr_mask, info.pcr_mask);
	return EVIDENCE_OK;
}

static enum evidence_result check_log(const struct evidence_bundle *b, char *err, size_t errlen)
{
	uint8_t pcrs[24][32];
	char why[256];
	if (eventlog_replay_err(b->event_log, pcrs, why, sizeof why))
		return FAIL(EVIDENCE_E_EVENT_LOG, "event log does not replay: %s", why);
	enum evidence_result r = log_check_digests(b->event_log, err, errlen);
	if (r)
		return r;
	for (unsigned i = 0; i < 24; i++)
		if ((b->pcr_mask & (1u << i)) && memcmp(pcrs[i], b->pcrs[i], 32))
			return FAIL(EVIDENCE_E_PCR, "PCR %u differs from the replayed event log", i);
	return EVIDENCE_OK;
}

static enum evidence_result check_manifest(const struct evidence_bundle *b, struct evidence_claims *c,
					   char *err, size_t errlen)
{
	if (!EVP_Digest(b->manifest, b->manifest_len, c->task_manifest_sha256, NULL, EVP_sha256(), NULL))
		return FAIL(EVIDENCE_E_NOMEM, "SHA-256 failed");
	if (CRYPTO_memcmp(c->task_manifest_sha256, c->report.host_data, 32))
		return FAIL(EVIDENCE_E_HOST_DATA, "HOST_DATA is not SHA-256(task_manifest): the manifest is not "
			    "the one the task was launched with");
	return events_check(b->event_log, b->manifest, b->manifest_len, c, err, errlen);
}

enum evidence_result evidence_verify(const json_t *bundle, const struct evidence_policy *p,
				     struct evidence_claims *out, char *err, size_t errlen)
{
	static const struct evidence_policy none;
	struct evidence_bundle *b = malloc(sizeof *b);
	memset(out, 0, sizeof *out);
	if (err && errlen)
		err[0] = '\0';
	if (!b)
		return FAIL(EVIDENCE_E_NOMEM, "out of memory");
	if (!p)
		p = &none;
	enum evidence_result r = bundle_parse(bundle, b, err, errlen);
	if (!r)
		r = check_report(b, p, out, err, errlen);
	if (!r)
		r = check_measurement(b, p, out, err, errlen);
	if (!r)
		r = check_binding(b, p, out, err, errlen);
	if (!r)
		r = check_quote(b, err, errlen);
	if (!r)
		r = check_log(b, err, errlen);
	if (!r)
		r = check_manifest(b, out, err, errlen);
	bundle_clear(b);
	free(b);
	return r;
}
