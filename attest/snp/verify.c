#include "snp_verify.h"

#include <openssl/err.h>

enum snp_status snp_verify(const uint8_t *raw, size_t len, X509 *vcek,
			   X509 *ask, X509 *ark, struct snp_report *out)
{
	if (snp_report_parse(raw, len, out) != 0)
		return SNP_E_REPORT_FORMAT;
	enum snp_status st = snp_chain_verify(ark, ask, vcek);
	ERR_clear_error();
	if (st != SNP_OK)
		return st;
	st = snp_report_verify_signature(raw, len, vcek);
	if (st != SNP_OK)
		return st;
	return snp_report_check_vcek(out, vcek);
}
