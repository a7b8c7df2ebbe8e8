/* SPDX-License-Identifier: Apache-2.0 */
/* Parse and serialise the 1184-byte ATTESTATION_REPORT. Every field is read
 * at its fixed little-endian offset; nothing is cast from the buffer, so a
 * report from any source is safe to parse once its length is checked. */
#include "attest/snp/snp_report.h"

#include <errno.h>
#include <string.h>

#include "lib/bytes.h"

/* One table drives both directions so parse and serialise cannot drift. */
enum kind { U32, U64, BYTES };
struct field {
	size_t off;
	size_t len;
	enum kind kind;
	size_t member;
};

#define F32(o, m) {o, 4, U32, offsetof(struct snp_report, m)}
#define F64(o, m) {o, 8, U64, offsetof(struct snp_report, m)}
#define FB(o, m) {o, sizeof(((struct snp_report *)0)->m), BYTES,             \
		  offsetof(struct snp_report, m)}

static const struct field fields[] = {
	F32(0x000, version),
	F32(0x004, guest_svn),
	F64(0x008, policy),
	FB(0x010, family_id),
	FB(0x020, image_id),
	F32(0x030, vmpl),
	F32(0x034, sig_algo),
	F64(0x038, current_tcb),
	F64(0x040, platform_info),
	F32(0x048, flags),
	F32(0x04C, reserved0),
	FB(0x050, report_data),
	FB(0x090, measurement),
	FB(0x0C0, host_data),
	FB(0x0E0, id_key_digest),
	FB(0x110, author_key_digest),
	FB(0x140, report_id),
	FB(0x160, report_id_ma),
	F64(0x180, reported_tcb),
	FB(0x188, cpuid_fam_id),
	FB(0x189, cpuid_mod_id),
	FB(0x18A, cpuid_step),
	FB(0x18B, reserved1),
	FB(0x1A0, chip_id),
	F64(0x1E0, committed_tcb),
	FB(0x1E8, current_build),
	FB(0x1E9, current_minor),
	FB(0x1EA, current_major),
	FB(0x1EB, reserved2),
	FB(0x1EC, committed_build),
	FB(0x1ED, committed_minor),
	FB(0x1EE, committed_major),
	FB(0x1EF, reserved3),
	F64(0x1F0, launch_tcb),
	FB(0x1F8, reserved4),
	FB(0x2A0, sig_r),
	FB(0x2E8, sig_s),
	FB(0x330, sig_reserved),
};

_Static_assert(0x330 + 368 == SNP_REPORT_SIZE, "report ends at 1184");
_Static_assert(0x1F8 + 168 == SNP_REPORT_SIGNED_SIZE, "signed region ends");

int snp_report_parse(const uint8_t *buf, size_t len, struct snp_report *out)
{
	if (!buf || !out || len != SNP_REPORT_SIZE)
		return -EINVAL;
	uint32_t version = le32_get(buf);
	if (version < SNP_REPORT_VERSION_MIN || version > SNP_REPORT_VERSION_MAX)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct field *f = &fields[i];
		uint8_t *m = (uint8_t *)out + f->member;
		if (f->kind == U32) {
			uint32_t v = le32_get(buf + f->off);
			memcpy(m, &v, sizeof(v));
		} else if (f->kind == U64) {
			uint64_t v = le64_get(buf + f->off);
			memcpy(m, &v, sizeof(v));
		} else {
			memcpy(m, buf + f->off, f->len);
		}
	}
	return 0;
}

void snp_report_serialise(const struct snp_report *r,
			  uint8_t out[SNP_REPORT_SIZE])
{
	memset(out, 0, SNP_REPORT_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct field *f = &fields[i];
		const uint8_t *m = (const uint8_t *)r + f->member;
		if (f->kind == U32) {
			uint32_t v;
			memcpy(&v, m, sizeof(v));
			le32_put(out + f->off, v);
		} else if (f->kind == U64) {
			uint64_t v;
			memcpy(&v, m, sizeof(v));
			le64_put(out + f->off, v);
		} else {
			memcpy(out + f->off, m, f->len);
		}
	}
}

uint64_t snp_report_launch_mit_vector(const struct snp_report *r)
{
	return r->version >= 5 ? le64_get(r->reserved4) : 0;
}

uint64_t snp_report_current_mit_vector(const struct snp_report *r)
{
	return r->version >= 5 ? le64_get(r->reserved4 + 8) : 0;
}
