/* SPDX-License-Identifier: Apache-2.0 */
/* The HCL report Azure's paravisor writes into the vTPM's NV index:
 *   0x000 "HCLA", u32 version, u32 report_size, u32 request_type,
 *         u32 status, 12 reserved
 *   0x020 the hardware report (SEV-SNP: 1184 bytes)
 *   0x4C0 IGVM request data: u32 data_size, u32 version, u32 report_type
 *         (2 = SNP), u32 report_data_hash_type, u32 variable_data_size,
 *         then the variable data (runtime claims JSON). */
#include "attest/azure/azure.h"
#include "lib/bytes.h"

#include <errno.h>
#include <string.h>

#define HCL_HEADER 32u
#define IGVM_HEADER 20u
#define IGVM_REPORT_TYPE_SNP 2u

int hcl_report_parse(const uint8_t *buf, size_t len, struct hcl_report *out)
{
	const size_t igvm = HCL_HEADER + SNP_REPORT_SIZE;
	if (!buf || len < igvm + IGVM_HEADER || memcmp(buf, "HCLA", 4) != 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->version = le32_get(buf + 4);
	out->snp_report = buf + HCL_HEADER;
	const uint8_t *h = buf + igvm;
	uint32_t data_size = le32_get(h), report_type = le32_get(h + 8);
	uint32_t var_size = le32_get(h + 16);
	out->hash_type = le32_get(h + 12);
	if (report_type != IGVM_REPORT_TYPE_SNP)
		return -EINVAL;
	/* Both sizes must fit the buffer and agree with each other. */
	if (var_size > len - igvm - IGVM_HEADER || data_size != IGVM_HEADER + var_size)
		return -EINVAL;
	if (out->hash_type < 1 || out->hash_type > 3 || var_size == 0)
		return -EINVAL;
	out->claims = h + IGVM_HEADER;
	out->claims_len = var_size;
	return 0;
}
