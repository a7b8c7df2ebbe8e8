/* SPDX-License-Identifier: Apache-2.0 */
/* ARK -> ASK -> VCEK. Each link is the issuer's public key verifying the
 * subject's signature (X509_verify handles RSASSA-PSS parameters, which is
 * what AMD's RSA-4096 ARK and ASK use) plus the issuer name matching, so a
 * certificate cannot stand in for one it merely shares a key with. */
#include "attest/snp/snp_verify.h"

static int signed_by(X509 *subject, X509 *issuer)
{
	if (X509_NAME_cmp(X509_get_issuer_name(subject),
			  X509_get_subject_name(issuer)) != 0)
		return 0;
	EVP_PKEY *key = X509_get0_pubkey(issuer);
	return key && X509_verify(subject, key) == 1;
}

enum snp_status snp_chain_verify(X509 *ark, X509 *ask, X509 *vcek)
{
	if (!ark || !signed_by(ark, ark))
		return SNP_E_ARK;
	if (!ask || !signed_by(ask, ark))
		return SNP_E_ASK;
	if (!vcek || !signed_by(vcek, ask))
		return SNP_E_VCEK;
	return SNP_OK;
}
