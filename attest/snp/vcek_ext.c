/* SPDX-License-Identifier: Apache-2.0 */
/* The VCEK names the exact TCB it was derived for (blSPL, teeSPL, snpSPL,
 * ucodeSPL, and fmcSPL on Turin) and the chip (hwID). A report is only
 * bound to the chip and TCB if these equal REPORTED_TCB and CHIP_ID. */
#include "attest/snp/snp_verify.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

static const ASN1_OCTET_STRING *ext_value(X509 *cert, const char *oid_txt)
{
	ASN1_OBJECT *oid = OBJ_txt2obj(oid_txt, 1);
	if (!oid)
		return NULL;
	int idx = X509_get_ext_by_OBJ(cert, oid, -1);
	ASN1_OBJECT_free(oid);
	if (idx < 0)
		return NULL;
	X509_EXTENSION *ext = X509_get_ext(cert, idx);
	return ext ? X509_EXTENSION_get_data(ext) : NULL;
}

/* 1 present and read, 0 absent, -1 malformed. The value is a DER INTEGER
 * 0..255 (AMD encodes 219 as 02 02 00 DB). */
static int spl_read(X509 *cert, const char *oid, uint8_t *out)
{
	const ASN1_OCTET_STRING *v = ext_value(cert, oid);
	if (!v)
		return 0;
	const unsigned char *p = ASN1_STRING_get0_data(v);
	long len = ASN1_STRING_length(v);
	ASN1_INTEGER *i = d2i_ASN1_INTEGER(NULL, &p, len);
	if (!i)
		return -1;
	int64_t val = -1;
	int ok = ASN1_INTEGER_get_int64(&val, i) == 1 && val >= 0 && val <= 255;
	ASN1_INTEGER_free(i);
	if (!ok)
		return -1;
	*out = (uint8_t)val;
	return 1;
}

/* hwID is 64 bytes (8 on Turin). AMD's KDS puts the bytes in the
 * extension as they are; some issuers wrap them in an OCTET STRING. */
static int hwid_read(X509 *cert, struct snp_vcek_ext *out)
{
	const ASN1_OCTET_STRING *v = ext_value(cert, SNP_OID_HWID);
	if (!v)
		return 0;
	const unsigned char *p = ASN1_STRING_get0_data(v);
	long len = ASN1_STRING_length(v);
	/* Raw bytes: 64 (Milan, Genoa) or 8 (Turin). A DER-wrapped hwID is
	 * 66 or 10 bytes long, so the lengths cannot be confused. */
	if (len == SNP_CHIP_ID_SIZE || len == 8) {
		memcpy(out->hwid, p, (size_t)len);
		out->hwid_len = (size_t)len;
		return 1;
	}
	const unsigned char *q = p;
	ASN1_OCTET_STRING *inner = d2i_ASN1_OCTET_STRING(NULL, &q, len);
	if (!inner)
		return -1;
	int n = ASN1_STRING_length(inner);
	int ok = q == p + len && (n == SNP_CHIP_ID_SIZE || n == 8);
	if (ok) {
		memcpy(out->hwid, ASN1_STRING_get0_data(inner), (size_t)n);
		out->hwid_len = (size_t)n;
	}
	ASN1_OCTET_STRING_free(inner);
	return ok ? 1 : -1;
}

enum snp_status snp_vcek_ext_read(X509 *vcek, struct snp_vcek_ext *out)
{
	memset(out, 0, sizeof(*out));
	if (!vcek)
		return SNP_E_VCEK_EXT;
	int ok = spl_read(vcek, SNP_OID_BL_SPL, &out->tcb.bootloader) == 1 &&
		 spl_read(vcek, SNP_OID_TEE_SPL, &out->tcb.tee) == 1 &&
		 spl_read(vcek, SNP_OID_SNP_SPL, &out->tcb.snp) == 1 &&
		 spl_read(vcek, SNP_OID_UCODE_SPL, &out->tcb.microcode) == 1;
	int fmc = spl_read(vcek, SNP_OID_FMC_SPL, &out->tcb.fmc);
	int hw = hwid_read(vcek, out);
	ERR_clear_error();
	if (!ok || fmc < 0 || hw < 0)
		return SNP_E_VCEK_EXT;
	out->has_fmc = fmc == 1;
	return SNP_OK;
}

enum snp_status snp_report_check_vcek(const struct snp_report *r, X509 *vcek)
{
	struct snp_vcek_ext ext;
	enum snp_status st = snp_vcek_ext_read(vcek, &ext);
	if (st != SNP_OK)
		return st;

	/* The VCEK itself says Turin when it carries fmcSPL; a v2 report
	 * cannot say it. */
	enum snp_gen gen = snp_report_gen(r);
	if (ext.has_fmc)
		gen = SNP_GEN_TURIN;
	struct snp_tcb tcb;
	snp_tcb_split(r->reported_tcb, gen, &tcb);
	if (tcb.bootloader != ext.tcb.bootloader || tcb.tee != ext.tcb.tee ||
	    tcb.snp != ext.tcb.snp || tcb.microcode != ext.tcb.microcode ||
	    (gen == SNP_GEN_TURIN && tcb.fmc != ext.tcb.fmc))
		return SNP_E_TCB;

	/* A VLEK is shared by many chips and has no hwID; a report signed by
	 * one names it in SIGNING_KEY and may carry a masked chip id. */
	if (SNP_FLAG_SIGNING_KEY(r->flags) == SNP_SIGNING_KEY_VLEK &&
	    ext.hwid_len == 0)
		return SNP_OK;
	if (ext.hwid_len == 0)
		return SNP_E_VCEK_EXT;
	if (memcmp(ext.hwid, r->chip_id, ext.hwid_len) != 0)
		return SNP_E_CHIP_ID;
	return SNP_OK;
}
