/* SPDX-License-Identifier: Apache-2.0 */
/* Verifying an SEV-SNP report: the AMD certificate chain ARK -> ASK -> VCEK,
 * the report signature with the VCEK, and the VCEK's AMD extensions against
 * the report's REPORTED_TCB and CHIP_ID. Works for AMD's real chains (RSA-4096
 * RSASSA-PSS ARK/ASK) and for kettle-psp's simulated ones (PSS or P-384). */
#ifndef KETTLE_SNP_VERIFY_H
#define KETTLE_SNP_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "attest/snp/snp_report.h"

/* One value per check so a caller (and a test) knows which one failed. */
enum snp_status {
	SNP_OK = 0,
	SNP_E_REPORT_FORMAT,  /* wrong size or unsupported version */
	SNP_E_CERT_PARSE,     /* not a PEM or DER X.509 certificate */
	SNP_E_ARK,            /* ARK is not self-signed */
	SNP_E_ASK,            /* ASK is not signed by the ARK */
	SNP_E_VCEK,           /* VCEK is not signed by the ASK */
	SNP_E_VCEK_KEY,       /* VCEK key is not ECDSA P-384 */
	SNP_E_SIG_ALGO,       /* SIGNATURE_ALGO is not ECDSA P-384 SHA-384 */
	SNP_E_SIGNATURE,      /* report signature does not verify */
	SNP_E_VCEK_EXT,       /* AMD extension missing or malformed */
	SNP_E_TCB,            /* REPORTED_TCB differs from the VCEK's SPLs */
	SNP_E_CHIP_ID,        /* CHIP_ID differs from the VCEK's hwID */
	SNP_E_NOMEM,
};

/* One line naming the failed check, e.g. "report signature: ...". */
const char *snp_status_str(enum snp_status st);

/* A certificate in PEM or DER. snp_cert_load reads at most 64 KiB. Both
 * return 0 or a negative errno (-EBADMSG for something not a certificate). */
int snp_cert_from_mem(const void *buf, size_t len, X509 **out);
int snp_cert_load(const char *path, X509 **out);

/* The AMD extensions of a VCEK (or of kettle-psp's VCEK). hwid_len is 64
 * (Milan, Genoa) or 8 (Turin); has_fmc says whether fmcSPL was present. */
struct snp_vcek_ext {
	struct snp_tcb tcb;
	int has_fmc;
	uint8_t hwid[SNP_CHIP_ID_SIZE];
	size_t hwid_len;
};
enum snp_status snp_vcek_ext_read(X509 *vcek, struct snp_vcek_ext *out);

/* ARK self-signed, ASK signed by ARK, VCEK signed by ASK (issuer names must
 * match too). Validity periods are not checked here. */
enum snp_status snp_chain_verify(X509 *ark, X509 *ask, X509 *vcek);

/* ECDSA P-384 / SHA-384 over bytes 0x000..0x29F with the VCEK's key. */
enum snp_status snp_report_verify_signature(const uint8_t *raw, size_t len,
					    X509 *vcek);

/* REPORTED_TCB and CHIP_ID against the VCEK's extensions. */
enum snp_status snp_report_check_vcek(const struct snp_report *r, X509 *vcek);

/* All of the above in order: size, chain, signature (on the raw bytes),
 * version, TCB, chip id. *out holds the parsed report once the signature
 * and version checks passed. */
enum snp_status snp_verify(const uint8_t *raw, size_t len, X509 *vcek,
			   X509 *ask, X509 *ark, struct snp_report *out);

/* r and s between the report's 72-byte little-endian form and a DER
 * ECDSA-Sig-Value, so kettle-psp signs with the same conversion the
 * verifier reads. Return 0 or a negative errno. */
int snp_sig_to_der(const uint8_t r_le[SNP_SIG_COMPONENT_SIZE],
		   const uint8_t s_le[SNP_SIG_COMPONENT_SIZE],
		   unsigned char **der, size_t *der_len);
int snp_sig_from_der(const unsigned char *der, size_t der_len,
		     uint8_t r_le[SNP_SIG_COMPONENT_SIZE],
		     uint8_t s_le[SNP_SIG_COMPONENT_SIZE]);

/* AMD's OIDs (1.3.6.1.4.1.3704 is AMD's enterprise arc). */
#define SNP_OID_BL_SPL "1.3.6.1.4.1.3704.1.3.1"
#define SNP_OID_TEE_SPL "1.3.6.1.4.1.3704.1.3.2"
#define SNP_OID_SNP_SPL "1.3.6.1.4.1.3704.1.3.3"
#define SNP_OID_UCODE_SPL "1.3.6.1.4.1.3704.1.3.8"
#define SNP_OID_FMC_SPL "1.3.6.1.4.1.3704.1.3.9"
#define SNP_OID_HWID "1.3.6.1.4.1.3704.1.4"
#define SNP_OID_PRODUCT_NAME "1.3.6.1.4.1.3704.1.2"

#endif
