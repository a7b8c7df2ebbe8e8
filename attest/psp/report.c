/* SPDX-License-Identifier: Apache-2.0 */
/* One report, filled the way SEV-SNP firmware fills it for a guest with no
 * ID block and no migration agent; README.md lists the values. */
#include "attest/psp/psp.h"
#include "attest/snp/snp_verify.h"

#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>

/* SMT allowed plus the reserved bit that must be one. */
#define PSP_DEFAULT_POLICY 0x30000ull
#define PSP_PLATFORM_INFO SNP_PLATFORM_SMT_EN
#define PSP_FW_MAJOR 1
#define PSP_FW_MINOR 55
#define PSP_FW_BUILD 21

static int sign(EVP_PKEY *key, uint8_t raw[SNP_REPORT_SIZE])
{
	unsigned char der[160];
	size_t der_len = sizeof(der);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, key) == 1 &&
		 EVP_DigestSign(ctx, der, &der_len, raw, SNP_REPORT_SIGNED_SIZE) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	if (!ok)
		return -EIO;
	return snp_sig_from_der(der, der_len, raw + 0x2A0, raw + 0x2E8);
}

int psp_report_make(const struct psp_state *st, const struct psp_request *req,
		    uint8_t out[SNP_REPORT_SIZE])
{
	if (req->has_vmpl && req->vmpl > 3)
		return -EINVAL;
	if (req->has_policy && !(req->policy & SNP_POLICY_RESERVED_ONE))
		return -EINVAL;
	struct snp_report r;
	memset(&r, 0, sizeof(r));
	uint64_t tcb = snp_tcb_join(&st->tcb, SNP_GEN_UNKNOWN);
	r.version = 2;
	r.policy = req->has_policy ? req->policy : PSP_DEFAULT_POLICY;
	r.vmpl = req->has_vmpl ? req->vmpl : 0;
	r.sig_algo = SNP_SIG_ALGO_ECDSA_P384_SHA384;
	r.current_tcb = r.reported_tcb = r.committed_tcb = r.launch_tcb = tcb;
	r.platform_info = PSP_PLATFORM_INFO;
	r.flags = 0; /* signed by the VCEK, chip id not masked, no author key */
	memcpy(r.report_data, req->report_data, sizeof(r.report_data));
	memcpy(r.measurement, req->measurement, sizeof(r.measurement));
	memcpy(r.host_data, req->host_data, sizeof(r.host_data));
	/* Real firmware keeps one REPORT_ID per guest; kettle-psp does not
	 * track guests, so each report gets a fresh one. */
	if (RAND_bytes(r.report_id, sizeof(r.report_id)) != 1)
		return -EIO;
	memset(r.report_id_ma, 0xff, sizeof(r.report_id_ma));
	memcpy(r.chip_id, st->chip_id, sizeof(r.chip_id));
	r.current_major = r.committed_major = PSP_FW_MAJOR;
	r.current_minor = r.committed_minor = PSP_FW_MINOR;
	r.current_build = r.committed_build = PSP_FW_BUILD;
	snp_report_serialise(&r, out);
	return sign(st->vcek_key, out);
}
