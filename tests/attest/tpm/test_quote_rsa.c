/* SPDX-License-Identifier: Apache-2.0 */
/* The verifier on an RSA-2048 AK with RSASSA-PKCS1-v1_5 SHA-256, the kind
 * Azure's vTPM uses. No TPM here makes such quotes, so the test builds the
 * TPMT_PUBLIC, TPMS_ATTEST and TPMT_SIGNATURE itself from the TPM 2.0
 * structure definitions and signs with OpenSSL; it also feeds every
 * truncation of each structure to the verifier, which must reject it
 * without reading out of bounds (the sanitizer build checks that). */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "attest/tpm/quote_verify.h"
#include "tests/tap.h"

struct buf {
	uint8_t b[1024];
	size_t n;
};

static void u8(struct buf *w, uint8_t v) { w->b[w->n++] = v; }
static void u16(struct buf *w, uint16_t v) { u8(w, v >> 8); u8(w, (uint8_t)v); }
static void u32(struct buf *w, uint32_t v) { u16(w, v >> 16); u16(w, (uint16_t)v); }
static void u64(struct buf *w, uint64_t v) { u32(w, v >> 32); u32(w, (uint32_t)v); }
static void bytes(struct buf *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}
static void b2(struct buf *w, const void *p, uint16_t n)
{
	u16(w, n);
	bytes(w, p, n);
}

/* TPMT_PUBLIC: RSA, nameAlg SHA-256, AK attributes, no policy, no
 * symmetric, RSASSA-SHA256, 2048 bits, default exponent, modulus. */
static void rsa_public(EVP_PKEY *key, uint32_t attrs, struct buf *w)
{
	BIGNUM *n = NULL;
	uint8_t mod[256];

	EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
	BN_bn2binpad(n, mod, sizeof(mod));
	BN_free(n);
	w->n = 0;
	u16(w, 0x0001);
	u16(w, 0x000B);
	u32(w, attrs);
	u16(w, 0);
	u16(w, 0x0010);
	u16(w, 0x0014);
	u16(w, 0x000B);
	u16(w, 2048);
	u32(w, 0);
	b2(w, mod, sizeof(mod));
}

static void sha256(const void *d, size_t n, uint8_t out[32])
{
	unsigned int len;

	EVP_Digest(d, n, out, &len, EVP_sha256(), NULL);
}

/* TPMS_ATTEST for a quote of SHA-256 PCRs 0-2 with the given values. */
static void attest(const uint8_t *nonce, size_t nonce_len,
		   const uint8_t pcrs[24][32], struct buf *w)
{
	uint8_t name[34] = {0x00, 0x0B}, concat[3 * 32], digest[32];

	memset(name + 2, 0x42, 32);
	memcpy(concat, pcrs, sizeof(concat));
	sha256(concat, sizeof(concat), digest);
	w->n = 0;
	u32(w, 0xff544347);
	u16(w, 0x8018);
	b2(w, name, sizeof(name));
	b2(w, nonce, (uint16_t)nonce_len);
	u64(w, 123456);  /* clock */
	u32(w, 1);       /* resetCount */
	u32(w, 0);       /* restartCount */
	u8(w, 1);        /* safe */
	u64(w, 0x20191023); /* firmwareVersion */
	u32(w, 1);
	u16(w, 0x000B);
	u8(w, 3);
	u8(w, 0x07);
	u8(w, 0);
	u8(w, 0);
	b2(w, digest, sizeof(digest));
}

static void sign(EVP_PKEY *key, const struct buf *msg, struct buf *w)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	uint8_t sig[256];
	size_t len = sizeof(sig);

	EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, key);
	EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
	EVP_DigestSign(ctx, sig, &len, msg->b, msg->n);
	EVP_MD_CTX_free(ctx);
	w->n = 0;
	u16(w, 0x0014);
	u16(w, 0x000B);
	b2(w, sig, (uint16_t)len);
}

/* An Azure-like RSA AK, a quote over PCRs 0-2 and its signature, shared by
 * the tests below; `ex` expects exactly that quote. */
static const uint8_t nonce[16] = "azure-like-nonce";
static struct buf pub, att, sig, bad;
static uint8_t pcrs[24][32];
static EVP_PKEY *key;
static struct quote_expect ex;

static enum quote_result check(const struct buf *p, const struct buf *a, const struct buf *s,
			       const struct quote_expect *e)
{
	return quote_verify(p->b, p->n, a->b, a->n, s->b, s->n, e, NULL);
}

static void test_genuine_quote(void)
{
	struct quote_info info;
	enum quote_result r = quote_verify(pub.b, pub.n, att.b, att.n, sig.b,
					   sig.n, &ex, &info);
	CHECK(r == QUOTE_OK, "RSASSA quote verifies (%s)", quote_strerror(r));
	CHECK(info.clock == 123456 && info.firmware_version == 0x20191023 &&
		      info.pcr_mask == 0x7,
	      "quote info read back");

	char *pem = NULL;
	CHECK(quote_ak_pem(pub.b, pub.n, &pem) == 0 && pem &&
		      strstr(pem, "BEGIN PUBLIC KEY"),
	      "RSA AK as PEM");
	free(pem);
}

static void test_bytes_flipped(void)
{
	int all = 1;
	for (size_t i = 0; i < att.n; i++) {
		bad = att;
		bad.b[i] ^= 0x20;
		all &= check(&pub, &bad, &sig, &ex) == QUOTE_E_SIGNATURE;
	}
	CHECK(all, "each attest byte flipped: signature does not verify");

	all = 1;
	for (size_t i = 0; i < sig.n; i++) {
		bad = sig;
		bad.b[i] ^= 0x20;
		enum quote_result r = check(&pub, &att, &bad, &ex);
		all &= r == QUOTE_E_SIGNATURE || r == QUOTE_E_SIG_MALFORMED ||
		       r == QUOTE_E_SIG_SCHEME;
	}
	CHECK(all, "each signature byte flipped: rejected");

	/* a modulus byte: same shape, other key */
	bad = pub;
	bad.b[100] ^= 0x20;
	CHECK(check(&bad, &att, &sig, &ex) == QUOTE_E_SIGNATURE,
	      "changed modulus: signature does not verify");
}

static void test_expectations(void)
{
	uint8_t wrong[16];
	memcpy(wrong, nonce, 16);
	wrong[0] ^= 1;
	struct quote_expect ex2 = ex;
	ex2.nonce = wrong;
	CHECK(check(&pub, &att, &sig, &ex2) == QUOTE_E_NONCE, "wrong nonce");
	uint8_t other[24][32];
	memcpy(other, pcrs, sizeof(other));
	other[2][31] ^= 1;
	ex2 = ex;
	ex2.pcrs = other;
	CHECK(check(&pub, &att, &sig, &ex2) == QUOTE_E_PCR_DIGEST,
	      "other PCR values: PCR digest does not match");
	ex2 = ex;
	ex2.pcr_mask = 0xF;
	CHECK(check(&pub, &att, &sig, &ex2) == QUOTE_E_PCR_SELECTION,
	      "requiring PCR 3 which is not quoted");
	ex2 = ex;
	ex2.ak_hierarchy = 0x40000001;
	CHECK(check(&pub, &att, &sig, &ex2) == QUOTE_E_SIGNER,
	      "signer name checked when a hierarchy is given");
}

/* Structures the key really signed, which are still not quotes. */
static void test_signed_but_wrong(void)
{
	/* not restricted, and a decrypt key */
	rsa_public(key, 0x00040072, &bad);
	CHECK(check(&bad, &att, &sig, &ex) == QUOTE_E_AK_ATTRIBUTES,
	      "unrestricted key refused as an AK");

	/* signed, but not a quote: a TPMS_ATTEST of another type */
	bad = att;
	bad.b[5] = 0x17; /* TPM_ST_ATTEST_CERTIFY */
	bad.n = 4 + 2 + 2 + 34 + 2 + 16 + 17 + 8;
	sign(key, &bad, &sig);
	CHECK(check(&pub, &bad, &sig, &ex) == QUOTE_E_NOT_QUOTE,
	      "a signed certify structure is not a quote");
	bad = att;
	bad.b[0] = 0;
	sign(key, &bad, &sig);
	CHECK(check(&pub, &bad, &sig, &ex) == QUOTE_E_NOT_TPM_GENERATED,
	      "a signed structure without TPM_GENERATED_VALUE");
	bad = att;
	bad.b[bad.n++] = 0;
	sign(key, &bad, &sig);
	CHECK(check(&pub, &bad, &sig, &ex) == QUOTE_E_ATTEST_MALFORMED,
	      "trailing bytes after the quote: malformed");
}

/* every truncation, and a huge claimed length */
static void test_truncations(void)
{
	sign(key, &att, &sig);
	int all = 1;
	for (size_t n = 0; n < pub.n; n++)
		all &= quote_verify(pub.b, n, att.b, att.n, sig.b, sig.n, &ex,
				    NULL) == QUOTE_E_AK_MALFORMED;
	CHECK(all, "every truncated AK public: malformed");
	all = 1;
	for (size_t n = 0; n < sig.n; n++)
		all &= quote_verify(pub.b, pub.n, att.b, att.n, sig.b, n, &ex,
				    NULL) != QUOTE_OK;
	CHECK(all, "every truncated signature: rejected");
	all = 1;
	for (size_t n = 0; n < att.n; n++) {
		bad = att;
		bad.n = n;
		sign(key, &bad, &sig);
		enum quote_result r = check(&pub, &bad, &sig, &ex);
		all &= r == QUOTE_E_ATTEST_MALFORMED || r == QUOTE_E_NOT_TPM_GENERATED ||
		       r == QUOTE_E_NOT_QUOTE;
	}
	CHECK(all, "every truncated (and signed) attest: malformed");
	bad = att;
	bad.b[6] = 0xff; /* qualifiedSigner size 0xff22 */
	sign(key, &bad, &sig);
	CHECK(check(&pub, &bad, &sig, &ex) == QUOTE_E_ATTEST_MALFORMED,
	      "a length field past the end: malformed");
}

int main(void)
{
	key = EVP_RSA_gen(2048);
	CHECK(key != NULL, "RSA-2048 key generated");
	if (!key)
		TAP_DONE();
	memset(pcrs[1], 0x11, 32);
	memset(pcrs[2], 0x22, 32);
	/* Azure's AK attributes: fixedTPM, stClear, fixedParent,
	 * sensitiveDataOrigin, userWithAuth, noDA, restricted, sign */
	rsa_public(key, 0x00050476, &pub);
	attest(nonce, sizeof(nonce), pcrs, &att);
	sign(key, &att, &sig);
	ex = (struct quote_expect){nonce, sizeof(nonce), (const uint8_t(*)[32])pcrs, 0x7, 0};

	test_genuine_quote();
	test_bytes_flipped();
	test_expectations();
	test_signed_but_wrong();
	test_truncations();
	EVP_PKEY_free(key);
	TAP_DONE();
}
