/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/snp/snp_verify.h"

#include <openssl/err.h>

/* The signature is checked on the raw bytes before anything in them is
 * interpreted: a changed byte anywhere in the signed region, VERSION
 * included, is reported as a signature failure. */
enum snp_status snp_verify(const uint8_t *raw, size_t len, X509 *vcek,
			   X509 *ask, X509 *ark, struct snp_report *out)
{
	if (!raw || len != SNP_REPORT_SIZE)
		return SNP_E_REPORT_FORMAT;
	enum snp_status st = snp_chain_verify(ark, ask, vcek);
	ERR_clear_error();
	if (st != SNP_OK)
		return st;
	st = snp_report_verify_signature(raw, len, vcek);
	if (st != SNP_OK)
		return st;
	if (snp_report_parse(raw, len, out) != 0)
		return SNP_E_REPORT_FORMAT;
	return snp_report_check_vcek(out, vcek);
}
