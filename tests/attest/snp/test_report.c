/* SPDX-License-Identifier: Apache-2.0 */
/* The report layout: parse/serialise round trips, field offsets, the TCB
 * split per generation, and rejection of malformed input. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "attest/snp/snp_report.h"
#include "attest/snp/snp_json.h"
#include "lib/bytes.h"
#include "tests/tap.h"

static size_t read_file(const char *dir, const char *name, uint8_t *buf,
			size_t cap)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void fill_pattern(uint8_t *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 31u + seed);
}

/* A synthetic report (every byte distinct-ish, a valid version): fields
 * at the offsets of the ABI table, and a byte-for-byte round trip. */
static void test_synthetic_layout(void)
{
	uint8_t raw[SNP_REPORT_SIZE], back[SNP_REPORT_SIZE];
	fill_pattern(raw, sizeof(raw), 7);
	raw[0] = 2, raw[1] = raw[2] = raw[3] = 0;
	struct snp_report r;
	CHECK(snp_report_parse(raw, sizeof(raw), &r) == 0, "parse a synthetic v2 report");
	snp_report_serialise(&r, back);
	CHECK(memcmp(raw, back, sizeof(raw)) == 0, "synthetic report round-trips byte for byte");

	/* Fields land at the offsets of the ABI table. */
	CHECK(r.version == 2, "VERSION at 0x000");
	CHECK(r.guest_svn == ((uint32_t)raw[4] | (uint32_t)raw[5] << 8 |
			      (uint32_t)raw[6] << 16 | (uint32_t)raw[7] << 24),
	      "GUEST_SVN little-endian at 0x004");
	CHECK(r.vmpl == ((uint32_t)raw[0x30] | (uint32_t)raw[0x31] << 8 |
			 (uint32_t)raw[0x32] << 16 | (uint32_t)raw[0x33] << 24),
	      "VMPL at 0x030");
	CHECK(memcmp(r.report_data, raw + 0x50, 64) == 0, "REPORT_DATA at 0x050");
	CHECK(memcmp(r.measurement, raw + 0x90, 48) == 0, "MEASUREMENT at 0x090");
	CHECK(memcmp(r.host_data, raw + 0xC0, 32) == 0, "HOST_DATA at 0x0C0");
	CHECK(memcmp(r.report_id_ma, raw + 0x160, 32) == 0, "REPORT_ID_MA at 0x160");
	CHECK(r.cpuid_fam_id == raw[0x188] && r.cpuid_step == raw[0x18A], "CPUID fields at 0x188..0x18A");
	CHECK(memcmp(r.chip_id, raw + 0x1A0, 64) == 0, "CHIP_ID at 0x1A0");
	CHECK(r.current_build == raw[0x1E8] && r.current_major == raw[0x1EA], "CURRENT_BUILD/MAJOR at 0x1E8/0x1EA");
	CHECK(r.committed_minor == raw[0x1ED], "COMMITTED_MINOR at 0x1ED");
	CHECK(memcmp(r.sig_r, raw + 0x2A0, 72) == 0 && memcmp(r.sig_s, raw + 0x2E8, 72) == 0,
	      "signature r at 0x2A0, s at 0x2E8");

	/* Changing a field changes exactly its bytes. */
	r.vmpl = 0x01020304;
	snp_report_serialise(&r, back);
	CHECK(back[0x30] == 4 && back[0x33] == 1 && memcmp(back, raw, 0x30) == 0 &&
	      memcmp(back + 0x34, raw + 0x34, sizeof(raw) - 0x34) == 0,
	      "serialising a changed VMPL touches only 0x030..0x033");
}

static void test_malformed(void)
{
	uint8_t raw[SNP_REPORT_SIZE];
	struct snp_report r;
	fill_pattern(raw, sizeof(raw), 7);
	raw[0] = 2, raw[1] = raw[2] = raw[3] = 0;
	CHECK(snp_report_parse(raw, sizeof(raw) - 1, &r) == -EINVAL, "1183 bytes rejected");
	CHECK(snp_report_parse(raw, sizeof(raw) + 1, &r) == -EINVAL, "1185 bytes rejected");
	raw[0] = 1;
	CHECK(snp_report_parse(raw, sizeof(raw), &r) == -EINVAL, "version 1 rejected");
	raw[0] = 6;
	CHECK(snp_report_parse(raw, sizeof(raw), &r) == -EINVAL, "version 6 rejected");
	CHECK(snp_report_parse(NULL, SNP_REPORT_SIZE, &r) == -EINVAL, "NULL buffer rejected");
}

/* Genuine reports round-trip and split their TCBs as their VCEKs say. */
static void test_genuine_reports(const char *dir)
{
	uint8_t back[SNP_REPORT_SIZE];
	static const struct {
		const char *file;
		uint32_t version;
		enum snp_gen gen;
		struct snp_tcb tcb; /* reported TCB, from the VCEK's SPLs */
	} genuine[] = {
		{"milan-v2-virtee.report.bin", 2, SNP_GEN_UNKNOWN, {0, 3, 0, 8, 115}},
		{"milan-v2-gosevguest.report.bin", 2, SNP_GEN_UNKNOWN, {0, 2, 0, 5, 68}},
		{"milan-v3-azure.report.bin", 3, SNP_GEN_MILAN, {0, 4, 0, 24, 219}},
		{"genoa-v3-azure.report.bin", 3, SNP_GEN_GENOA, {0, 10, 0, 23, 84}},
	};
	for (size_t i = 0; i < ARRAY_SIZE(genuine); i++) {
		uint8_t g[SNP_REPORT_SIZE + 1];
		size_t n = read_file(dir, genuine[i].file, g, sizeof(g));
		struct snp_report gr;
		int ok = n == SNP_REPORT_SIZE && snp_report_parse(g, n, &gr) == 0;
		CHECK(ok, "%s parses", genuine[i].file);
		if (!ok)
			continue;
		snp_report_serialise(&gr, back);
		CHECK(memcmp(g, back, SNP_REPORT_SIZE) == 0, "%s round-trips", genuine[i].file);
		CHECK(gr.version == genuine[i].version, "%s is version %u", genuine[i].file, genuine[i].version);
		CHECK(snp_report_gen(&gr) == genuine[i].gen, "%s generation is %s", genuine[i].file,
		      snp_gen_name(genuine[i].gen));
		struct snp_tcb t;
		snp_tcb_split(gr.reported_tcb, snp_report_gen(&gr), &t);
		CHECK(memcmp(&t, &genuine[i].tcb, sizeof(t)) == 0,
		      "%s REPORTED_TCB splits to bl=%u tee=%u snp=%u ucode=%u", genuine[i].file,
		      genuine[i].tcb.bootloader, genuine[i].tcb.tee, genuine[i].tcb.snp,
		      genuine[i].tcb.microcode);
		CHECK(snp_tcb_join(&t, snp_report_gen(&gr)) == gr.reported_tcb,
		      "%s TCB joins back to the raw value", genuine[i].file);
		json_t *j = snp_report_to_json(&gr);
		CHECK(j && json_integer_value(json_object_get(j, "version")) == genuine[i].version &&
			      json_object_get(j, "chip_id") && json_object_get(j, "launch_tcb"),
		      "%s renders as JSON", genuine[i].file);
		json_decref(j);
	}
}

/* Turin moves the fields: FMC byte 0, BL 1, TEE 2, SNP 3, ucode 7. */
static void test_tcb_layouts(void)
{
	struct snp_tcb t;
	snp_tcb_split(0x4800000000030201ull, SNP_GEN_TURIN, &t);
	CHECK(t.fmc == 1 && t.bootloader == 2 && t.tee == 3 && t.snp == 0 && t.microcode == 0x48,
	      "Turin TCB split");
	snp_tcb_split(0x4815000000000201ull, SNP_GEN_GENOA, &t);
	CHECK(t.fmc == 0 && t.bootloader == 1 && t.tee == 2 && t.snp == 0x15 && t.microcode == 0x48,
	      "Genoa TCB split");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";

	test_synthetic_layout();
	test_malformed();
	test_genuine_reports(dir);
	test_tcb_layouts();
	TAP_DONE();
}
