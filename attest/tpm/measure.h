/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP-style launch measurement: a chained SHA-384 over every initial
 * guest page, computed exactly as the SNP firmware extends its launch
 * digest in SNP_LAUNCH_UPDATE (record layout in README.md). kettle-vmm
 * calls measure_page() while it loads a guest; `kettle image measure`
 * repeats the same calls offline to produce reference values. */
#ifndef KETTLE_ATTEST_MEASURE_H
#define KETTLE_ATTEST_MEASURE_H

#include <stdint.h>

#define MEASURE_DIGEST_SIZE 48
#define MEASURE_PAGE_SIZE 4096

enum measure_page_type {
	MEASURE_PAGE_NORMAL = 1,
	MEASURE_PAGE_VMSA = 2,
	MEASURE_PAGE_ZERO = 3,
	MEASURE_PAGE_UNMEASURED = 4,
	MEASURE_PAGE_SECRETS = 5,
	MEASURE_PAGE_CPUID = 6,
};

/* GPA the SNP firmware records for a VMSA page: (u64)-1, page aligned,
 * bits above 51 cleared. */
#define MEASURE_VMSA_GPA 0xFFFFFFFFF000ull

struct launch_measure {
	uint8_t digest[MEASURE_DIGEST_SIZE];
	int failed; /* a failed update poisons the chain: final() refuses */
};

void measure_init(struct launch_measure *m);

/* Folds one page into the digest. NORMAL and VMSA pages are measured by
 * content; for the other types the firmware measures only type and GPA,
 * and `page` may be NULL. 0, or -EINVAL for an unknown type, a GPA that
 * is not 4 KiB aligned or above 2^52, or a NULL page that must be read;
 * -EIO if OpenSSL fails. */
int measure_page(struct launch_measure *m, int page_type, uint64_t gpa,
		 const uint8_t page[MEASURE_PAGE_SIZE]);

/* 0, or -EIO if any measure_page() failed. */
int measure_final(const struct launch_measure *m,
		  uint8_t digest[MEASURE_DIGEST_SIZE]);

#endif
