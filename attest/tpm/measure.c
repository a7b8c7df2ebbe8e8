/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm/measure.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

/* PAGE_INFO (SNP firmware ABI, SNP_LAUNCH_UPDATE): all fields little
 * endian, 0x70 bytes in total. */
#define PAGE_INFO_LEN 0x70
#define GPA_LIMIT (1ull << 52)

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void measure_init(struct launch_measure *m)
{
	memset(m, 0, sizeof(*m));
}

static int sha384(const void *data, size_t len, uint8_t out[48])
{
	unsigned int n = 0;

	return EVP_Digest(data, len, out, &n, EVP_sha384(), NULL) == 1 &&
			       n == 48
		       ? 0
		       : -EIO;
}

static int is_measured_by_content(int type)
{
	return type == MEASURE_PAGE_NORMAL || type == MEASURE_PAGE_VMSA;
}

int measure_page(struct launch_measure *m, int page_type, uint64_t gpa,
		 const uint8_t page[MEASURE_PAGE_SIZE])
{
	uint8_t info[PAGE_INFO_LEN] = {0};

	if (page_type < MEASURE_PAGE_NORMAL || page_type > MEASURE_PAGE_CPUID ||
	    (gpa & (MEASURE_PAGE_SIZE - 1)) || gpa >= GPA_LIMIT ||
	    (is_measured_by_content(page_type) && !page))
		return -EINVAL;

	memcpy(info, m->digest, MEASURE_DIGEST_SIZE);            /* DIGEST_CUR */
	if (is_measured_by_content(page_type) &&                 /* CONTENTS */
	    sha384(page, MEASURE_PAGE_SIZE, info + 0x30)) {
		m->failed = 1;
		return -EIO;
	}
	put_le(info + 0x60, PAGE_INFO_LEN, 2);                   /* LENGTH */
	info[0x62] = (uint8_t)page_type;                         /* PAGE_TYPE */
	/* 0x63 IMI_PAGE, 0x64..0x66 VMPL3/2/1 permissions, 0x67 reserved:
	 * all zero, Kettle launches no IMI pages and grants no lower VMPL
	 * access. */
	put_le(info + 0x68, gpa, 8);                             /* GPA */

	if (sha384(info, sizeof(info), m->digest)) {
		m->failed = 1;
		return -EIO;
	}
	return 0;
}

int measure_final(const struct launch_measure *m,
		  uint8_t digest[MEASURE_DIGEST_SIZE])
{
	if (m->failed)
		return -EIO;
	memcpy(digest, m->digest, MEASURE_DIGEST_SIZE);
	return 0;
}
