/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm/tpm_attest.h"

#include <errno.h>
#include <string.h>

#include "attest/tpm/tpm_buf.h"
#include "attest/tpm/tpm_types.h"

static void copy_tpm2b(struct tpm_rd *r, uint8_t *dst, size_t max,
		       uint16_t *len)
{
	const uint8_t *b = tpm_rd_tpm2b(r, max, len);

	if (b && *len)
		memcpy(dst, b, *len);
}

static void read_selection(struct tpm_rd *r, struct tpm_attest *out)
{
	out->bank_count = tpm_rd_u32(r);
	if (out->bank_count > TPM_MAX_BANKS) {
		r->err = 1;
		return;
	}
	for (uint32_t i = 0; i < out->bank_count && !r->err; i++) {
		struct tpm_pcr_bank_select *b = &out->banks[i];
		b->hash = tpm_rd_u16(r);
		uint8_t size = tpm_rd_u8(r);
		const uint8_t *sel = tpm_rd_bytes(r, size);
		b->mask = 0;
		for (unsigned j = 0; sel && j < size; j++) {
			/* a PCR past 23 does not exist on any PC-client TPM */
			if (j >= 3 && sel[j]) {
				r->err = 1;
				return;
			}
			if (j < 3)
				b->mask |= (uint32_t)sel[j] << (8 * j);
		}
	}
}

int tpm_attest_parse(const uint8_t *buf, size_t len, struct tpm_attest *out)
{
	struct tpm_rd r;

	memset(out, 0, sizeof(*out));
	tpm_rd_init(&r, buf, len);
	out->magic = tpm_rd_u32(&r);
	out->type = tpm_rd_u16(&r);
	copy_tpm2b(&r, out->signer, sizeof(out->signer), &out->signer_len);
	copy_tpm2b(&r, out->extra, sizeof(out->extra), &out->extra_len);
	out->clock = tpm_rd_u64(&r);
	out->reset_count = tpm_rd_u32(&r);
	out->restart_count = tpm_rd_u32(&r);
	out->safe = tpm_rd_u8(&r);
	out->firmware_version = tpm_rd_u64(&r);
	if (r.err)
		return -EINVAL;
	if (out->type != TPM_ST_ATTEST_QUOTE)
		return 0;
	read_selection(&r, out);
	copy_tpm2b(&r, out->pcr_digest, sizeof(out->pcr_digest),
		   &out->pcr_digest_len);
	if (r.err || tpm_rd_left(&r) != 0)
		return -EINVAL;
	return 0;
}

int tpm_signature_parse(const uint8_t *buf, size_t len,
			struct tpm_signature *out)
{
	struct tpm_rd r;

	memset(out, 0, sizeof(*out));
	tpm_rd_init(&r, buf, len);
	out->alg = tpm_rd_u16(&r);
	out->hash = tpm_rd_u16(&r);
	if (r.err)
		return -EINVAL;
	if (out->alg == TPM_ALG_ECDSA) {
		copy_tpm2b(&r, out->r, sizeof(out->r), &out->r_len);
		copy_tpm2b(&r, out->s, sizeof(out->s), &out->s_len);
	} else if (out->alg == TPM_ALG_RSASSA) {
		copy_tpm2b(&r, out->rsa, sizeof(out->rsa), &out->rsa_len);
	} else {
		return -ENOTSUP;
	}
	if (r.err || tpm_rd_left(&r) != 0)
		return -EINVAL;
	return 0;
}
