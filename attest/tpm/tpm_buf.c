/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm/tpm_buf.h"

#include <string.h>

void tpm_rd_init(struct tpm_rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->off = 0;
	r->err = 0;
}

const uint8_t *tpm_rd_bytes(struct tpm_rd *r, size_t n)
{
	if (r->err || n > r->len - r->off) {
		r->err = 1;
		return NULL;
	}
	const uint8_t *at = r->p + r->off;
	r->off += n;
	return at;
}

static uint64_t rd_be(struct tpm_rd *r, size_t n)
{
	const uint8_t *b = tpm_rd_bytes(r, n);
	uint64_t v = 0;

	if (!b)
		return 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

uint8_t tpm_rd_u8(struct tpm_rd *r) { return (uint8_t)rd_be(r, 1); }
uint16_t tpm_rd_u16(struct tpm_rd *r) { return (uint16_t)rd_be(r, 2); }
uint32_t tpm_rd_u32(struct tpm_rd *r) { return (uint32_t)rd_be(r, 4); }
uint64_t tpm_rd_u64(struct tpm_rd *r) { return rd_be(r, 8); }

const uint8_t *tpm_rd_tpm2b(struct tpm_rd *r, size_t max, uint16_t *size)
{
	uint16_t n = tpm_rd_u16(r);

	*size = 0;
	if (r->err || n > max) {
		r->err = 1;
		return NULL;
	}
	const uint8_t *b = tpm_rd_bytes(r, n);
	if (b)
		*size = n;
	return b;
}

void tpm_wr_init(struct tpm_wr *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

void tpm_wr_bytes(struct tpm_wr *w, const void *p, size_t n)
{
	if (w->err || n > w->cap - w->len) {
		w->err = 1;
		return;
	}
	if (n)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void wr_be(struct tpm_wr *w, uint64_t v, size_t n)
{
	uint8_t b[8];

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	tpm_wr_bytes(w, b, n);
}

void tpm_wr_u8(struct tpm_wr *w, uint8_t v) { wr_be(w, v, 1); }
void tpm_wr_u16(struct tpm_wr *w, uint16_t v) { wr_be(w, v, 2); }
void tpm_wr_u32(struct tpm_wr *w, uint32_t v) { wr_be(w, v, 4); }

void tpm_wr_tpm2b(struct tpm_wr *w, const void *p, uint16_t n)
{
	tpm_wr_u16(w, n);
	tpm_wr_bytes(w, p, n);
}

static void put_be(struct tpm_wr *w, size_t at, uint32_t v, size_t n)
{
	if (w->err || at > w->len || n > w->len - at) {
		w->err = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		w->p[at + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

void tpm_wr_put_u16(struct tpm_wr *w, size_t at, uint16_t v) { put_be(w, at, v, 2); }
void tpm_wr_put_u32(struct tpm_wr *w, size_t at, uint32_t v) { put_be(w, at, v, 4); }
