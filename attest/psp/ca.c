/* SPDX-License-Identifier: Apache-2.0 */
/* `kettle-psp init`: a stand-in for AMD's ARK -> ASK -> VCEK chain. The
 * VCEK carries AMD's TCB and hwID extensions so the same verifier checks
 * simulated and genuine reports. Only the VCEK key is kept: a real PSP
 * never holds the ARK or ASK keys, and a new TCB means a new `init`. */
#include "attest/psp/psp.h"
#include "attest/snp/snp_verify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "lib/bytes.h"

#define CA_DAYS (25 * 365)
#define VCEK_DAYS (7 * 365)

static EVP_PKEY *keygen(enum psp_ca_kind kind)
{
	if (kind == PSP_CA_RSA_PSS)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
}

static int set_name(X509_NAME *name, const char *cn)
{
	return X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_ASC,
					  (const unsigned char *)"kettle-psp (simulated)", -1, -1, 0) == 1 &&
	       X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					  (const unsigned char *)"Kettle", -1, -1, 0) == 1 &&
	       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					  (const unsigned char *)cn, -1, -1, 0) == 1;
}

static int add_std_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return 0;
	int ok = X509_add_ext(cert, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok;
}

/* An extension whose value is the DER encoding in der[0..len). */
static int add_raw_ext(X509 *cert, const char *oid, const unsigned char *der,
		       int len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *val = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext = NULL;
	int ok = obj && val && ASN1_OCTET_STRING_set(val, der, len) == 1 &&
		 (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, val)) &&
		 X509_add_ext(cert, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(val);
	ASN1_OBJECT_free(obj);
	return ok;
}

static int add_int_ext(X509 *cert, const char *oid, long v)
{
	ASN1_INTEGER *i = ASN1_INTEGER_new();
	unsigned char *der = NULL;
	int len = -1;
	if (i && ASN1_INTEGER_set(i, v) == 1)
		len = i2d_ASN1_INTEGER(i, &der);
	int ok = len > 0 && add_raw_ext(cert, oid, der, len);
	OPENSSL_free(der);
	ASN1_INTEGER_free(i);
	return ok;
}

static int add_vcek_ext(X509 *cert, const struct snp_tcb *tcb,
			const uint8_t chip_id[SNP_CHIP_ID_SIZE])
{
	static const unsigned char product[] = {0x16, 0x0a, 'K', 'e', 't', 't', 'l', 'e',
						'-', 'S', 'i', 'm'}; /* IA5String */
	return add_raw_ext(cert, SNP_OID_PRODUCT_NAME, product, sizeof(product)) &&
	       add_int_ext(cert, SNP_OID_BL_SPL, tcb->bootloader) &&
	       add_int_ext(cert, SNP_OID_TEE_SPL, tcb->tee) &&
	       add_int_ext(cert, SNP_OID_SNP_SPL, tcb->snp) &&
	       add_int_ext(cert, SNP_OID_UCODE_SPL, tcb->microcode) &&
	       /* AMD's KDS puts the 64 hwID bytes in the extension as they are,
	        * without an OCTET STRING header; do the same. */
	       add_raw_ext(cert, SNP_OID_HWID, chip_id, SNP_CHIP_ID_SIZE);
}

/* RSA issuers sign with RSASSA-PSS, SHA-384, MGF1-SHA-384, 48-byte salt,
 * exactly AMD's parameters; EC issuers with ECDSA SHA-384. */
static int sign_cert(X509 *cert, EVP_PKEY *issuer_key)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = md && EVP_DigestSignInit(md, &pctx, EVP_sha384(), NULL, issuer_key) == 1;
	if (ok && EVP_PKEY_get_base_id(issuer_key) == EVP_PKEY_RSA)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) == 1;
	ok = ok && X509_sign_ctx(cert, md) > 0;
	EVP_MD_CTX_free(md);
	return ok;
}

/* issuer NULL means self-signed. */
static X509 *make_cert(const char *cn, EVP_PKEY *subject_key, X509 *issuer,
		       int days, int is_ca)
{
	X509 *cert = X509_new();
	uint8_t serial[16];
	BIGNUM *bn = NULL;
	int ok = cert && X509_set_version(cert, 2) == 1 &&
		 RAND_bytes(serial, sizeof(serial)) == 1;
	if (ok) {
		serial[0] &= 0x7f; /* positive */
		bn = BN_bin2bn(serial, sizeof(serial), NULL);
		ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
	}
	ok = ok && set_name(X509_get_subject_name(cert), cn) &&
	     X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer)
					       : X509_get_subject_name(cert)) == 1 &&
	     X509_gmtime_adj(X509_getm_notBefore(cert), -3600) &&
	     X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400) &&
	     X509_set_pubkey(cert, subject_key) == 1;
	X509 *ext_issuer = issuer ? issuer : cert;
	if (ok && is_ca)
		ok = add_std_ext(cert, ext_issuer, NID_basic_constraints, "critical,CA:TRUE") &&
		     add_std_ext(cert, ext_issuer, NID_key_usage, "critical,keyCertSign,cRLSign") &&
		     add_std_ext(cert, ext_issuer, NID_subject_key_identifier, "hash");
	else if (ok)
		ok = add_std_ext(cert, ext_issuer, NID_basic_constraints, "critical,CA:FALSE") &&
		     add_std_ext(cert, ext_issuer, NID_key_usage, "critical,digitalSignature");
	BN_free(bn);
	if (!ok) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

static int write_pem(const char *dir, const char *name, X509 *cert,
		     EVP_PKEY *key)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		      key ? 0600 : 0644);
	if (fd < 0)
		return -errno;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int e = -errno;
		close(fd);
		return e;
	}
	int ok = key ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1
		     : PEM_write_X509(f, cert) == 1;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -EIO;
}

static int dir_ready(const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	static const char *const files[] = {PSP_ARK_FILE, PSP_ASK_FILE, PSP_VCEK_FILE,
					    PSP_VCEK_KEY_FILE};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[4096];
		if (snprintf(path, sizeof(path), "%s/%s", dir, files[i]) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		if (access(path, F_OK) == 0)
			return -EEXIST;
	}
	return 0;
}

int psp_init(const char *dir, const struct psp_init_opts *opts)
{
	int rc = dir_ready(dir);
	if (rc)
		return rc;
	uint8_t chip_id[SNP_CHIP_ID_SIZE];
	EVP_PKEY *ark_key = NULL, *ask_key = NULL, *vcek_key = NULL;
	X509 *ark = NULL, *ask = NULL, *vcek = NULL;
	rc = -EIO;
	if (RAND_bytes(chip_id, sizeof(chip_id)) != 1)
		goto out;
	ark_key = keygen(opts->ca_kind);
	ask_key = keygen(opts->ca_kind);
	vcek_key = keygen(PSP_CA_P384);
	if (!ark_key || !ask_key || !vcek_key)
		goto out;
	ark = make_cert("ARK-Kettle", ark_key, NULL, CA_DAYS, 1);
	if (!ark || !sign_cert(ark, ark_key))
		goto out;
	ask = make_cert("SEV-Kettle", ask_key, ark, CA_DAYS, 1);
	if (!ask || !sign_cert(ask, ark_key))
		goto out;
	vcek = make_cert("SEV-VCEK", vcek_key, ask, VCEK_DAYS, 0);
	if (!vcek || !add_vcek_ext(vcek, &opts->tcb, chip_id) || !sign_cert(vcek, ask_key))
		goto out;
	/* Key first: a directory with a chain but no key is useless. */
	rc = write_pem(dir, PSP_VCEK_KEY_FILE, NULL, vcek_key);
	if (!rc)
		rc = write_pem(dir, PSP_VCEK_FILE, vcek, NULL);
	if (!rc)
		rc = write_pem(dir, PSP_ASK_FILE, ask, NULL);
	if (!rc)
		rc = write_pem(dir, PSP_ARK_FILE, ark, NULL);
out:
	ERR_clear_error();
	X509_free(vcek);
	X509_free(ask);
	X509_free(ark);
	EVP_PKEY_free(vcek_key);
	EVP_PKEY_free(ask_key);
	EVP_PKEY_free(ark_key);
	OPENSSL_cleanse(chip_id, sizeof(chip_id));
	return rc;
}
