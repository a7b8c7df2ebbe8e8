/* SPDX-License-Identifier: Apache-2.0 */
/* The AMD SEV-SNP ATTESTATION_REPORT (SEV-SNP Firmware ABI specification,
 * "ATTESTATION_REPORT Structure"; layout table in attest/README.md).
 *
 * struct snp_report holds every field, reserved regions included, so that
 * snp_report_serialise(snp_report_parse(x)) gives back x byte for byte: the
 * signature covers reserved bytes too. */
#ifndef KETTLE_SNP_REPORT_H
#define KETTLE_SNP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#define SNP_REPORT_SIZE 1184u
#define SNP_REPORT_SIGNED_SIZE 0x2A0u /* bytes 0x000..0x29F are signed */
#define SNP_SIG_COMPONENT_SIZE 72u    /* r and s, little-endian, zero-padded */
#define SNP_CHIP_ID_SIZE 64u
#define SNP_SIG_ALGO_ECDSA_P384_SHA384 1u

/* Report versions this code understands. 2 and 3 are what Milan/Genoa
 * firmware emits; 4 and 5 keep the v3 layout and add fields in reserved
 * space (5: mitigation vectors), so they parse the same way. */
#define SNP_REPORT_VERSION_MIN 2u
#define SNP_REPORT_VERSION_MAX 5u

/* GUEST_POLICY bits (ABI spec "Guest Policy Structure"). */
#define SNP_POLICY_ABI_MINOR(p) ((unsigned)((p) & 0xff))
#define SNP_POLICY_ABI_MAJOR(p) ((unsigned)(((p) >> 8) & 0xff))
#define SNP_POLICY_SMT (1ull << 16)
#define SNP_POLICY_RESERVED_ONE (1ull << 17) /* must be set */
#define SNP_POLICY_MIGRATE_MA (1ull << 18)
#define SNP_POLICY_DEBUG (1ull << 19)
#define SNP_POLICY_SINGLE_SOCKET (1ull << 20)

/* PLATFORM_INFO bits. */
#define SNP_PLATFORM_SMT_EN (1ull << 0)
#define SNP_PLATFORM_TSME_EN (1ull << 1)
#define SNP_PLATFORM_ECC_EN (1ull << 2)
#define SNP_PLATFORM_RAPL_DIS (1ull << 3)
#define SNP_PLATFORM_CIPHERTEXT_HIDING_EN (1ull << 4)
#define SNP_PLATFORM_ALIAS_CHECK_COMPLETE (1ull << 5)

/* The flags word at 0x048. */
#define SNP_FLAG_AUTHOR_KEY_EN (1u << 0)
#define SNP_FLAG_MASK_CHIP_KEY (1u << 1)
#define SNP_FLAG_SIGNING_KEY(f) (((f) >> 2) & 0x7u) /* 0 VCEK, 1 VLEK, 7 none */

enum snp_signing_key { SNP_SIGNING_KEY_VCEK = 0, SNP_SIGNING_KEY_VLEK = 1 };

/* The processor generation decides how a TCB_VERSION splits. */
enum snp_gen {
	SNP_GEN_UNKNOWN = 0, /* v2 report: treated with the Milan/Genoa split */
	SNP_GEN_MILAN,
	SNP_GEN_GENOA,
	SNP_GEN_TURIN,
};

/* One TCB_VERSION split into its security patch levels. Milan and Genoa:
 * byte 0 boot loader, 1 TEE, 2-5 reserved, 6 SNP, 7 microcode. Turin: byte
 * 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 4-6 reserved, 7 microcode. */
struct snp_tcb {
	uint8_t fmc; /* Turin only; 0 elsewhere */
	uint8_t bootloader;
	uint8_t tee;
	uint8_t snp;
	uint8_t microcode;
};

struct snp_report {
	uint32_t version;              /* 0x000 */
	uint32_t guest_svn;            /* 0x004 */
	uint64_t policy;               /* 0x008 */
	uint8_t family_id[16];         /* 0x010 */
	uint8_t image_id[16];          /* 0x020 */
	uint32_t vmpl;                 /* 0x030 */
	uint32_t sig_algo;             /* 0x034 */
	uint64_t current_tcb;          /* 0x038 */
	uint64_t platform_info;        /* 0x040 */
	uint32_t flags;                /* 0x048 */
	uint32_t reserved0;            /* 0x04C */
	uint8_t report_data[64];       /* 0x050 */
	uint8_t measurement[48];       /* 0x090 */
	uint8_t host_data[32];         /* 0x0C0 */
	uint8_t id_key_digest[48];     /* 0x0E0 */
	uint8_t author_key_digest[48]; /* 0x110 */
	uint8_t report_id[32];         /* 0x140 */
	uint8_t report_id_ma[32];      /* 0x160 */
	uint64_t reported_tcb;         /* 0x180 */
	uint8_t cpuid_fam_id;          /* 0x188, v3+ (reserved in v2) */
	uint8_t cpuid_mod_id;          /* 0x189, v3+ */
	uint8_t cpuid_step;            /* 0x18A, v3+ */
	uint8_t reserved1[21];         /* 0x18B */
	uint8_t chip_id[64];           /* 0x1A0 */
	uint64_t committed_tcb;        /* 0x1E0 */
	uint8_t current_build;         /* 0x1E8 */
	uint8_t current_minor;         /* 0x1E9 */
	uint8_t current_major;         /* 0x1EA */
	uint8_t reserved2;             /* 0x1EB */
	uint8_t committed_build;       /* 0x1EC */
	uint8_t committed_minor;       /* 0x1ED */
	uint8_t committed_major;       /* 0x1EE */
	uint8_t reserved3;             /* 0x1EF */
	uint64_t launch_tcb;           /* 0x1F0 */
	uint8_t reserved4[168];        /* 0x1F8; v5 puts mitigation vectors here */
	uint8_t sig_r[72];             /* 0x2A0, little-endian */
	uint8_t sig_s[72];             /* 0x2E8, little-endian */
	uint8_t sig_reserved[368];     /* 0x330 */
};

/* Parse len bytes; returns 0, or -EINVAL if len is not 1184 or the version
 * is outside SNP_REPORT_VERSION_MIN..MAX. */
int snp_report_parse(const uint8_t *buf, size_t len, struct snp_report *out);

/* Write the report back in its wire form. */
void snp_report_serialise(const struct snp_report *r,
			  uint8_t out[SNP_REPORT_SIZE]);

/* Generation from CPUID family/model (v3+), else a guess from CHIP_ID
 * (Turin uses only its first 8 bytes), else SNP_GEN_UNKNOWN. */
enum snp_gen snp_report_gen(const struct snp_report *r);
const char *snp_gen_name(enum snp_gen gen);

void snp_tcb_split(uint64_t raw, enum snp_gen gen, struct snp_tcb *out);
uint64_t snp_tcb_join(const struct snp_tcb *tcb, enum snp_gen gen);

/* v5 mitigation vectors (0 for earlier versions). */
uint64_t snp_report_launch_mit_vector(const struct snp_report *r);
uint64_t snp_report_current_mit_vector(const struct snp_report *r);

#endif
