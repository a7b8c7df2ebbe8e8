/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm/vtpm_cmd.h"

#include <errno.h>
#include <string.h>

#include "attest/tpm/tpm_types.h"
#include "attest/tpm/vtpm_libtpms.h"

#define CMD_MAX 1024

/* The AK template. Restricted + sign means the TPM only signs digests it
 * computed itself (quotes), so a verifier can trust TPM_GENERATED_VALUE;
 * userWithAuth with an empty auth value lets the VMM use it with a
 * password session and no policy. */
#define AK_ATTRIBUTES                                                         \
	(TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |                     \
	 TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |         \
	 TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN)

static void begin(struct tpm_wr *w, uint16_t tag, uint32_t cc)
{
	tpm_wr_u16(w, tag);
	tpm_wr_u32(w, 0); /* size, patched by libtpms_transact */
	tpm_wr_u32(w, cc);
}

/* One password session with the empty auth value every Kettle object
 * and hierarchy has. */
static void password_auth(struct tpm_wr *w)
{
	tpm_wr_u32(w, 9);
	tpm_wr_u32(w, TPM_RS_PW);
	tpm_wr_u16(w, 0); /* nonceCaller */
	tpm_wr_u8(w, 0);  /* sessionAttributes */
	tpm_wr_u16(w, 0); /* hmac = authValue */
}

static void pcr_selection(struct tpm_wr *w, uint16_t bank, uint32_t mask)
{
	tpm_wr_u32(w, 1);
	tpm_wr_u16(w, bank);
	tpm_wr_u8(w, 3);
	tpm_wr_u8(w, (uint8_t)mask);
	tpm_wr_u8(w, (uint8_t)(mask >> 8));
	tpm_wr_u8(w, (uint8_t)(mask >> 16));
}

int tpm2_startup(struct vtpm *v)
{
	uint8_t buf[CMD_MAX];
	struct tpm_wr w;
	struct tpm_rd r;

	tpm_wr_init(&w, buf, sizeof(buf));
	begin(&w, TPM_ST_NO_SESSIONS, TPM_CC_Startup);
	tpm_wr_u16(&w, TPM_SU_CLEAR);
	return libtpms_transact(&v->tpm, &w, &r);
}

static void ak_template(struct tpm_wr *w)
{
	size_t at = w->len;

	tpm_wr_u16(w, 0); /* TPM2B_PUBLIC size, patched below */
	tpm_wr_u16(w, TPM_ALG_ECC);
	tpm_wr_u16(w, TPM_ALG_SHA256); /* nameAlg */
	tpm_wr_u32(w, AK_ATTRIBUTES);
	tpm_wr_u16(w, 0);              /* authPolicy: none */
	tpm_wr_u16(w, TPM_ALG_NULL);   /* symmetric: a signing key has none */
	tpm_wr_u16(w, TPM_ALG_ECDSA);
	tpm_wr_u16(w, TPM_ALG_SHA256);
	tpm_wr_u16(w, TPM_ECC_NIST_P256);
	tpm_wr_u16(w, TPM_ALG_NULL);   /* kdf */
	tpm_wr_u16(w, 0);              /* unique.x */
	tpm_wr_u16(w, 0);              /* unique.y */
	tpm_wr_put_u16(w, at, (uint16_t)(w->len - at - 2));
}

int tpm2_create_ak(struct vtpm *v)
{
	uint8_t buf[CMD_MAX];
	struct tpm_wr w;
	struct tpm_rd r;
	uint16_t pub_len;
	int rc;

	tpm_wr_init(&w, buf, sizeof(buf));
	begin(&w, TPM_ST_SESSIONS, TPM_CC_CreatePrimary);
	tpm_wr_u32(&w, TPM_RH_ENDORSEMENT);
	password_auth(&w);
	tpm_wr_u16(&w, 4); /* inSensitive: empty userAuth and data */
	tpm_wr_u16(&w, 0);
	tpm_wr_u16(&w, 0);
	ak_template(&w);
	tpm_wr_u16(&w, 0); /* outsideInfo */
	tpm_wr_u32(&w, 0); /* creationPCR: none */
	if ((rc = libtpms_transact(&v->tpm, &w, &r)))
		return rc;

	v->ak_handle = tpm_rd_u32(&r);
	tpm_rd_u32(&r); /* parameterSize */
	const uint8_t *pub = tpm_rd_tpm2b(&r, sizeof(v->ak_public), &pub_len);
	if (!pub || pub_len == 0)
		return -EIO;
	memcpy(v->ak_public, pub, pub_len);
	v->ak_public_len = pub_len;
	return 0;
}

int tpm2_pcr_extend(struct vtpm *v, unsigned pcr, const uint8_t sha256[32],
		    const uint8_t *sha384)
{
	uint8_t buf[CMD_MAX];
	struct tpm_wr w;
	struct tpm_rd r;

	tpm_wr_init(&w, buf, sizeof(buf));
	begin(&w, TPM_ST_SESSIONS, TPM_CC_PCR_Extend);
	tpm_wr_u32(&w, pcr); /* PCR handles are the PCR numbers */
	password_auth(&w);
	tpm_wr_u32(&w, sha384 ? 2 : 1);
	tpm_wr_u16(&w, TPM_ALG_SHA256);
	tpm_wr_bytes(&w, sha256, 32);
	if (sha384) {
		tpm_wr_u16(&w, TPM_ALG_SHA384);
		tpm_wr_bytes(&w, sha384, 48);
	}
	return libtpms_transact(&v->tpm, &w, &r);
}

/* TPML_PCR_SELECTION in a response: the mask selected for `bank`. */
static uint32_t read_selection(struct tpm_rd *r, uint16_t bank)
{
	uint32_t count = tpm_rd_u32(r), mask = 0;

	if (count > 16) {
		r->err = 1;
		return 0;
	}
	for (uint32_t i = 0; i < count && !r->err; i++) {
		uint16_t hash = tpm_rd_u16(r);
		uint8_t size = tpm_rd_u8(r);
		const uint8_t *sel = tpm_rd_bytes(r, size);
		for (unsigned j = 0; sel && j < size && j < 3; j++)
			if (hash == bank)
				mask |= (uint32_t)sel[j] << (8 * j);
	}
	return mask;
}

/* TPM2_PCR_Read returns at most 8 digests per call, so read until every
 * requested PCR came back. `values` may be NULL to only probe a bank. */
int tpm2_pcr_read(struct vtpm *v, uint16_t bank, uint32_t mask,
		  uint8_t (*values)[32], uint32_t *read_mask)
{
	uint32_t pending = mask;
	uint8_t buf[CMD_MAX];
	struct tpm_wr w;
	struct tpm_rd r;
	int rc;

	*read_mask = 0;
	while (pending) {
		tpm_wr_init(&w, buf, sizeof(buf));
		begin(&w, TPM_ST_NO_SESSIONS, TPM_CC_PCR_Read);
		pcr_selection(&w, bank, pending);
		if ((rc = libtpms_transact(&v->tpm, &w, &r)))
			return rc;
		tpm_rd_u32(&r); /* pcrUpdateCounter */
		uint32_t got = read_selection(&r, bank) & pending;
		uint32_t count = tpm_rd_u32(&r);
		if (r.err || !got || count != (uint32_t)__builtin_popcount(got))
			return got || r.err ? -EIO : 0; /* empty: bank not allocated */
		for (unsigned pcr = 0; pcr < 24; pcr++) {
			if (!(got & (1u << pcr)))
				continue;
			uint16_t len;
			const uint8_t *d = tpm_rd_tpm2b(&r, 64, &len);
			if (!d)
				return -EIO;
			if (values && len == 32)
				memcpy(values[pcr], d, 32);
		}
		pending &= ~got;
		*read_mask |= got;
	}
	return 0;
}

int tpm2_quote(struct vtpm *v, const uint8_t *nonce, size_t nonce_len,
	       uint32_t mask, struct vtpm_quote *out)
{
	uint8_t buf[CMD_MAX];
	struct tpm_wr w;
	struct tpm_rd r;
	uint16_t attest_len;
	int rc;

	tpm_wr_init(&w, buf, sizeof(buf));
	begin(&w, TPM_ST_SESSIONS, TPM_CC_Quote);
	tpm_wr_u32(&w, v->ak_handle);
	password_auth(&w);
	tpm_wr_tpm2b(&w, nonce, (uint16_t)nonce_len);
	tpm_wr_u16(&w, TPM_ALG_NULL); /* inScheme: the AK's own */
	pcr_selection(&w, TPM_ALG_SHA256, mask);
	if ((rc = libtpms_transact(&v->tpm, &w, &r)))
		return rc;

	uint32_t param_size = tpm_rd_u32(&r);
	size_t start = r.off;
	const uint8_t *attest = tpm_rd_tpm2b(&r, sizeof(out->attest), &attest_len);
	size_t used = r.off - start;
	if (!attest || param_size < used)
		return -EIO;
	size_t sig_len = param_size - used;
	const uint8_t *sig = tpm_rd_bytes(&r, sig_len);
	if (!sig || sig_len > sizeof(out->signature))
		return -EIO;
	memcpy(out->attest, attest, attest_len);
	out->attest_len = attest_len;
	memcpy(out->signature, sig, sig_len);
	out->signature_len = sig_len;
	return 0;
}
