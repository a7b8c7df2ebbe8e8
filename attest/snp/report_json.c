/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/snp/snp_json.h"

#include <inttypes.h>
#include <stdio.h>

#include "lib/codec.h"

static json_t *hex(const uint8_t *p, size_t n)
{
	char buf[2 * 512 + 1];
	if (n > 512)
		return NULL;
	hex_encode(p, n, buf);
	return json_string(buf);
}

static json_t *hex64(uint64_t v)
{
	char buf[19];
	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	return json_string(buf);
}

static json_t *tcb(uint64_t raw, enum snp_gen gen)
{
	struct snp_tcb t;
	snp_tcb_split(raw, gen, &t);
	json_t *o = json_pack("{s:o,s:i,s:i,s:i,s:i}", "raw", hex64(raw),
			      "bootloader", t.bootloader, "tee", t.tee, "snp",
			      t.snp, "microcode", t.microcode);
	if (o && gen == SNP_GEN_TURIN)
		json_object_set_new(o, "fmc", json_integer(t.fmc));
	return o;
}

static json_t *version3(uint8_t major, uint8_t minor, uint8_t build)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%u.%u.%u", major, minor, build);
	return json_string(buf);
}

static json_t *policy(uint64_t p)
{
	return json_pack("{s:o,s:i,s:i,s:b,s:b,s:b,s:b}", "raw", hex64(p),
			 "abi_major", SNP_POLICY_ABI_MAJOR(p), "abi_minor",
			 SNP_POLICY_ABI_MINOR(p), "smt",
			 !!(p & SNP_POLICY_SMT), "migrate_ma",
			 !!(p & SNP_POLICY_MIGRATE_MA), "debug",
			 !!(p & SNP_POLICY_DEBUG), "single_socket",
			 !!(p & SNP_POLICY_SINGLE_SOCKET));
}

static json_t *platform(uint64_t p)
{
	return json_pack("{s:o,s:b,s:b,s:b,s:b,s:b,s:b}", "raw", hex64(p),
			 "smt_en", !!(p & SNP_PLATFORM_SMT_EN), "tsme_en",
			 !!(p & SNP_PLATFORM_TSME_EN), "ecc_en",
			 !!(p & SNP_PLATFORM_ECC_EN), "rapl_dis",
			 !!(p & SNP_PLATFORM_RAPL_DIS), "ciphertext_hiding_en",
			 !!(p & SNP_PLATFORM_CIPHERTEXT_HIDING_EN),
			 "alias_check_complete",
			 !!(p & SNP_PLATFORM_ALIAS_CHECK_COMPLETE));
}

static json_t *flags(uint32_t f)
{
	return json_pack("{s:b,s:b,s:i}", "author_key_en",
			 !!(f & SNP_FLAG_AUTHOR_KEY_EN), "mask_chip_key",
			 !!(f & SNP_FLAG_MASK_CHIP_KEY), "signing_key",
			 (int)SNP_FLAG_SIGNING_KEY(f));
}

json_t *snp_report_to_json(const struct snp_report *r)
{
	enum snp_gen gen = snp_report_gen(r);
	json_t *o = json_pack(
		"{s:i,s:s,s:I,s:o,s:o,s:o,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
		"s:o,s:o,s:o,s:o}",
		"version", (int)r->version, "generation", snp_gen_name(gen),
		"guest_svn", (json_int_t)r->guest_svn, "policy",
		policy(r->policy), "family_id", hex(r->family_id, 16),
		"image_id", hex(r->image_id, 16), "vmpl", (json_int_t)r->vmpl,
		"signature_algo", (json_int_t)r->sig_algo, "current_tcb",
		tcb(r->current_tcb, gen), "platform_info",
		platform(r->platform_info), "flags", flags(r->flags),
		"report_data", hex(r->report_data, 64), "measurement",
		hex(r->measurement, 48), "host_data", hex(r->host_data, 32),
		"id_key_digest", hex(r->id_key_digest, 48),
		"author_key_digest", hex(r->author_key_digest, 48),
		"report_id", hex(r->report_id, 32), "report_id_ma",
		hex(r->report_id_ma, 32), "reported_tcb",
		tcb(r->reported_tcb, gen));
	if (!o)
		return NULL;
	int rc = 0;
	if (r->version >= 3) {
		rc |= json_object_set_new(o, "cpuid_fam_id",
					  json_integer(r->cpuid_fam_id));
		rc |= json_object_set_new(o, "cpuid_mod_id",
					  json_integer(r->cpuid_mod_id));
		rc |= json_object_set_new(o, "cpuid_step",
					  json_integer(r->cpuid_step));
	}
	rc |= json_object_set_new(o, "chip_id", hex(r->chip_id, 64));
	rc |= json_object_set_new(o, "committed_tcb",
				  tcb(r->committed_tcb, gen));
	rc |= json_object_set_new(o, "current_version",
				  version3(r->current_major, r->current_minor,
					   r->current_build));
	rc |= json_object_set_new(o, "committed_version",
				  version3(r->committed_major,
					   r->committed_minor,
					   r->committed_build));
	rc |= json_object_set_new(o, "launch_tcb", tcb(r->launch_tcb, gen));
	if (r->version >= 5) {
		rc |= json_object_set_new(
			o, "launch_mit_vector",
			hex64(snp_report_launch_mit_vector(r)));
		rc |= json_object_set_new(
			o, "current_mit_vector",
			hex64(snp_report_current_mit_vector(r)));
	}
	rc |= json_object_set_new(
		o, "signature",
		json_pack("{s:o,s:o}", "r_le", hex(r->sig_r, 72), "s_le",
			  hex(r->sig_s, 72)));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}
