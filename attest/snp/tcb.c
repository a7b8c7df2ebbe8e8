/* SPDX-License-Identifier: Apache-2.0 */
/* TCB_VERSION: eight bytes whose meaning depends on the processor
 * generation. Milan and Genoa share one split; Turin moved the fields and
 * added the FMC (first mutable code) level. */
#include "attest/snp/snp_report.h"

#include <string.h>

enum snp_gen snp_report_gen(const struct snp_report *r)
{
	if (r->version >= 3 && r->cpuid_fam_id != 0) {
		uint8_t fam = r->cpuid_fam_id, mod = r->cpuid_mod_id;
		if (fam == 0x19 && mod <= 0x0f)
			return SNP_GEN_MILAN;
		if (fam == 0x19 && ((mod >= 0x10 && mod <= 0x1f) ||
				    (mod >= 0xa0 && mod <= 0xaf)))
			return SNP_GEN_GENOA;
		if (fam == 0x1a && mod <= 0x11)
			return SNP_GEN_TURIN;
		return SNP_GEN_UNKNOWN;
	}
	/* A v2 report has no CPUID fields. Turin's chip id is 8 bytes, the
	 * rest zero; a masked chip id (all zero) says nothing. */
	static const uint8_t zero[SNP_CHIP_ID_SIZE];
	if (memcmp(r->chip_id, zero, 8) != 0 &&
	    memcmp(r->chip_id + 8, zero, SNP_CHIP_ID_SIZE - 8) == 0)
		return SNP_GEN_TURIN;
	return SNP_GEN_UNKNOWN;
}

const char *snp_gen_name(enum snp_gen gen)
{
	switch (gen) {
	case SNP_GEN_MILAN:
		return "Milan";
	case SNP_GEN_GENOA:
		return "Genoa";
	case SNP_GEN_TURIN:
		return "Turin";
	default:
		return "unknown";
	}
}

void snp_tcb_split(uint64_t raw, enum snp_gen gen, struct snp_tcb *out)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(raw >> (8 * i));
	memset(out, 0, sizeof(*out));
	if (gen == SNP_GEN_TURIN) {
		out->fmc = b[0];
		out->bootloader = b[1];
		out->tee = b[2];
		out->snp = b[3];
	} else {
		out->bootloader = b[0];
		out->tee = b[1];
		out->snp = b[6];
	}
	out->microcode = b[7];
}

uint64_t snp_tcb_join(const struct snp_tcb *t, enum snp_gen gen)
{
	uint8_t b[8] = {0};
	if (gen == SNP_GEN_TURIN) {
		b[0] = t->fmc;
		b[1] = t->bootloader;
		b[2] = t->tee;
		b[3] = t->snp;
	} else {
		b[0] = t->bootloader;
		b[1] = t->tee;
		b[6] = t->snp;
	}
	b[7] = t->microcode;
	uint64_t raw = 0;
	for (int i = 0; i < 8; i++)
		raw |= (uint64_t)b[i] << (8 * i);
	return raw;
}
