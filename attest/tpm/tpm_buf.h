/* SPDX-License-Identifier: Apache-2.0 */
/* Big-endian TPM wire encoding with bounds checks.
 *
 * The reader never reads past its buffer: the first short read sets `err`
 * and every later read returns zeros, so a parser can read a whole
 * structure and check `err` once, without a partially parsed value ever
 * being trusted. The writer works the same way on a fixed buffer. */
#ifndef KETTLE_ATTEST_TPM_BUF_H
#define KETTLE_ATTEST_TPM_BUF_H

#include <stddef.h>
#include <stdint.h>

struct tpm_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	int err;
};

void tpm_rd_init(struct tpm_rd *r, const void *p, size_t len);
uint8_t tpm_rd_u8(struct tpm_rd *r);
uint16_t tpm_rd_u16(struct tpm_rd *r);
uint32_t tpm_rd_u32(struct tpm_rd *r);
uint64_t tpm_rd_u64(struct tpm_rd *r);
/* Points *data at the next n bytes (no copy); NULL on a short buffer. */
const uint8_t *tpm_rd_bytes(struct tpm_rd *r, size_t n);
/* A TPM2B: u16 size then that many bytes; a size above `max` is an error. */
const uint8_t *tpm_rd_tpm2b(struct tpm_rd *r, size_t max, uint16_t *size);
static inline size_t tpm_rd_left(const struct tpm_rd *r)
{
	return r->err ? 0 : r->len - r->off;
}

struct tpm_wr {
	uint8_t *p;
	size_t cap;
	size_t len;
	int err;
};

void tpm_wr_init(struct tpm_wr *w, void *p, size_t cap);
void tpm_wr_u8(struct tpm_wr *w, uint8_t v);
void tpm_wr_u16(struct tpm_wr *w, uint16_t v);
void tpm_wr_u32(struct tpm_wr *w, uint32_t v);
void tpm_wr_bytes(struct tpm_wr *w, const void *p, size_t n);
void tpm_wr_tpm2b(struct tpm_wr *w, const void *p, uint16_t n);
/* Overwrites a u16/u32 written earlier (sizes known only at the end). */
void tpm_wr_put_u16(struct tpm_wr *w, size_t at, uint16_t v);
void tpm_wr_put_u32(struct tpm_wr *w, size_t at, uint32_t v);

#endif
