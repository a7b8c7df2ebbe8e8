/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/snp/snp_verify.h"

const char *snp_status_str(enum snp_status st)
{
	switch (st) {
	case SNP_OK:
		return "ok";
	case SNP_E_REPORT_FORMAT:
		return "report format: not a 1184-byte SEV-SNP report of version 2 to 5";
	case SNP_E_CERT_PARSE:
		return "certificate: cannot parse it as PEM or DER X.509";
	case SNP_E_ARK:
		return "chain: ARK is not self-signed (check the --ark file)";
	case SNP_E_ASK:
		return "chain: ASK is not signed by the ARK (check --ask and --ark are the same product)";
	case SNP_E_VCEK:
		return "chain: VCEK is not signed by the ASK (check the VCEK belongs to this ASK)";
	case SNP_E_VCEK_KEY:
		return "VCEK key: not an ECDSA P-384 public key";
	case SNP_E_SIG_ALGO:
		return "report signature: SIGNATURE_ALGO is not 1 (ECDSA P-384 with SHA-384)";
	case SNP_E_SIGNATURE:
		return "report signature: does not verify with the VCEK (report altered or wrong VCEK)";
	case SNP_E_VCEK_EXT:
		return "VCEK extensions: an AMD TCB or hwID extension is missing or malformed";
	case SNP_E_TCB:
		return "reported TCB: does not match the VCEK's TCB extensions (fetch the VCEK for this TCB)";
	case SNP_E_CHIP_ID:
		return "chip id: does not match the VCEK's hwID extension (VCEK of another chip)";
	case SNP_E_NOMEM:
		return "out of memory";
	}
	return "unknown error";
}
