/* SPDX-License-Identifier: Apache-2.0 */
/* Verifying a kettle-vmm evidence bundle (format in vmm/README.md
 * "Evidence") and returning what it proves about one task.
 *
 * Checks, in this order, each with its own result (README.md says why):
 * bundle well-formed → certificate chain → report signature → report
 * policy → measurement in the reference values → REPORT_DATA binds the AK
 * and the nonce → nonce is the expected one → quote verifies with the AK
 * → the event log replays to the quoted PCRs → HOST_DATA is the task
 * manifest's digest and the manifest agrees with the event log.
 *
 * OpenSSL, jansson and the libtpms-free verifier parts of attest/tpm and
 * attest/snp only: no TPM, no KVM. */
#ifndef KETTLE_ATTEST_EVIDENCE_H
#define KETTLE_ATTEST_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "attest/snp/snp_report.h"

/* Bounds on what a bundle may hold, so no input decides an allocation. */
#define EVIDENCE_NONCE_MAX 64
#define EVIDENCE_AK_MAX 1024      /* TPMT_PUBLIC, RSA-4096 fits */
#define EVIDENCE_ATTEST_MAX 1024  /* TPMS_ATTEST */
#define EVIDENCE_SIG_MAX 1024     /* TPMT_SIGNATURE */
#define EVIDENCE_CHAIN_MAX (64 * 1024)
#define EVIDENCE_MANIFEST_MAX (1024 * 1024)
#define EVIDENCE_LOG_MAX 1024     /* event log records */
#define EVIDENCE_FILES_MAX 64     /* inputs, outputs: kettle-vmm's limits */
#define EVIDENCE_NAME_MAX 255
/* A bundle file larger than this is refused before parsing. */
#define EVIDENCE_BUNDLE_MAX (16u * 1024 * 1024)

enum evidence_result {
	EVIDENCE_OK = 0,
	EVIDENCE_E_MALFORMED,        /* a field is missing, mistyped or too long */
	EVIDENCE_E_CHAIN,            /* ARK → ASK → VCEK does not hold */
	EVIDENCE_E_REPORT_SIGNATURE, /* report signature does not verify */
	EVIDENCE_E_REPORT_TCB,       /* REPORTED_TCB / CHIP_ID vs the VCEK */
	EVIDENCE_E_REPORT_POLICY,    /* debug allowed, VMPL not 0, ... */
	EVIDENCE_E_MEASUREMENT,      /* not in the reference values */
	EVIDENCE_E_REPORT_DATA,      /* REPORT_DATA != SHA-512(AK ‖ nonce) */
	EVIDENCE_E_NONCE,            /* not the nonce the caller expects */
	EVIDENCE_E_QUOTE,            /* quote does not verify with the AK */
	EVIDENCE_E_QUOTE_NONCE,      /* quote extraData is not the nonce */
	EVIDENCE_E_QUOTE_PCRS,       /* bundle's PCR values are not the quoted ones */
	EVIDENCE_E_EVENT_LOG,        /* a record is malformed or mis-digested */
	EVIDENCE_E_PCR,              /* a quoted PCR differs from the replay */
	EVIDENCE_E_HOST_DATA,        /* HOST_DATA != SHA-256(task_manifest) */
	EVIDENCE_E_EVENTS,           /* the log is not kettle-vmm's sequence */
	EVIDENCE_E_MANIFEST,         /* manifest disagrees with the event log */
	EVIDENCE_E_NOMEM,            /* out of memory or crypto library failure */
};

/* One fixed line per result, e.g. "report signature does not verify". */
const char *evidence_strerror(enum evidence_result r);

struct evidence_policy {
	/* Trust anchor. NULL: the bundle's own ARK (self-consistent only:
	 * anyone can make a chain; pin the ARK in production). */
	X509 *ca_ark;
	/* Accepted launch measurements; checked only when has_refs. */
	const uint8_t (*measurements)[48];
	size_t n_measurements;
	int has_refs;
	/* The nonce the caller sent; NULL accepts the bundle's own. */
	const uint8_t *nonce;
	size_t nonce_len;
};

struct evidence_file {
	char name[EVIDENCE_NAME_MAX + 1];
	uint8_t sha256[32];
	uint64_t size;
};

struct evidence_claims {
	int ark_from_ca; /* 1: chain anchored at policy->ca_ark */
	uint8_t measurement[48];
	uint8_t program_sha256[32];
	uint64_t program_size;
	uint8_t arguments_sha256[32]; /* the PCR 8 record's SHA-256 digest */
	json_t *argv, *env;           /* arrays of strings, from the manifest */
	json_t *config;               /* {max_output, mem, timeout_ms, xcr0} */
	struct evidence_file inputs[EVIDENCE_FILES_MAX];
	size_t n_inputs;
	struct evidence_file outputs[EVIDENCE_FILES_MAX];
	size_t n_outputs;
	struct {
		char status[32];
		int exit_code;
		uint8_t stdout_sha256[32], stderr_sha256[32];
	} result;
	uint8_t nonce[EVIDENCE_NONCE_MAX];
	size_t nonce_len;
	struct snp_report report; /* the verified report, every field */
	uint8_t task_manifest_sha256[32];
};

/* 0 (claims filled) or the first failed check, with one line in err that
 * names it and the detail (e.g. "PCR 11 differs from the replayed event
 * log"). Free the claims with evidence_claims_clear() either way. */
enum evidence_result evidence_verify(const json_t *bundle,
				     const struct evidence_policy *p,
				     struct evidence_claims *out, char *err,
				     size_t errlen);

void evidence_claims_clear(struct evidence_claims *c);

/* The claims as a JSON object (new reference), NULL without memory. */
json_t *evidence_claims_json(const struct evidence_claims *c);

/* A reference-values document {"measurements": ["<96 hex>", ...]} (other
 * keys ignored) into a malloc'd array; 0 or -EINVAL (err says why) or
 * -ENOMEM. At most 4096 measurements. */
int evidence_refs_parse(const json_t *refs, uint8_t (**out)[48], size_t *n,
			char *err, size_t errlen);

#endif
