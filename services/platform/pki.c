/* SPDX-License-Identifier: Apache-2.0 */
/* Platform CA and service certificates with the OpenSSL 3 API. */
#include "services/platform/pki.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

static EVP_PKEY *new_p256_key(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static int set_serial(X509 *cert)
{
	unsigned char bytes[16];
	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return -EIO;
	bytes[0] &= 0x7f; /* a positive serial */
	BIGNUM *bn = BN_bin2bn(bytes, sizeof(bytes), NULL);
	int ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
	BN_free(bn);
	return ok ? 0 : -EIO;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext)
		return -EINVAL;
	int ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -EINVAL;
}

/* Common fields: version 3, serial, validity, subject CN, public key. */
static X509 *new_cert(const char *cn, EVP_PKEY *key, int days)
{
	X509 *cert = X509_new();
	if (!cert)
		return NULL;
	X509_NAME *name = X509_get_subject_name(cert);
	if (!X509_set_version(cert, 2) || set_serial(cert) ||
	    !X509_gmtime_adj(X509_getm_notBefore(cert), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_pubkey(cert, key)) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

int pki_ca_create(struct pki_ca *ca, const char *cn, int days)
{
	memset(ca, 0, sizeof(*ca));
	ca->key = new_p256_key();
	if (!ca->key)
		return -EIO;
	ca->cert = new_cert(cn, ca->key, days);
	if (!ca->cert ||
	    !X509_set_issuer_name(ca->cert, X509_get_subject_name(ca->cert)) ||
	    add_ext(ca->cert, ca->cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
	    add_ext(ca->cert, ca->cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    add_ext(ca->cert, ca->cert, NID_subject_key_identifier, "hash") ||
	    !X509_sign(ca->cert, ca->key, EVP_sha256())) {
		pki_ca_free(ca);
		return -EIO;
	}
	return 0;
}

void pki_ca_free(struct pki_ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	memset(ca, 0, sizeof(*ca));
}

int pki_issue(const struct pki_ca *ca, const char *cn, int server, int days,
	      EVP_PKEY **key_out, X509 **cert_out)
{
	*key_out = NULL;
	*cert_out = NULL;
	EVP_PKEY *key = new_p256_key();
	if (!key)
		return -EIO;
	X509 *cert = new_cert(cn, key, days);
	if (!cert ||
	    !X509_set_issuer_name(cert, X509_get_subject_name(ca->cert)) ||
	    add_ext(cert, ca->cert, NID_basic_constraints, "critical,CA:FALSE") ||
	    add_ext(cert, ca->cert, NID_key_usage, "critical,digitalSignature") ||
	    add_ext(cert, ca->cert, NID_ext_key_usage,
		    server ? "serverAuth,clientAuth" : "clientAuth") ||
	    add_ext(cert, ca->cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") ||
	    add_ext(cert, ca->cert, NID_authority_key_identifier, "keyid:always") ||
	    !X509_sign(cert, ca->key, EVP_sha256())) {
		X509_free(cert);
		EVP_PKEY_free(key);
		return -EIO;
	}
	*key_out = key;
	*cert_out = cert;
	return 0;
}

static FILE *create_exclusive(const char *path, mode_t mode, int *rc)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		*rc = -errno;
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		*rc = -errno;
		close(fd);
	}
	return f;
}

int pki_write_key(const char *path, EVP_PKEY *key)
{
	int rc = 0;
	FILE *f = create_exclusive(path, 0600, &rc);
	if (!f)
		return rc;
	int ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -EIO;
}

int pki_write_cert(const char *path, X509 *cert)
{
	int rc = 0;
	FILE *f = create_exclusive(path, 0644, &rc);
	if (!f)
		return rc;
	int ok = PEM_write_X509(f, cert);
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -EIO;
}
