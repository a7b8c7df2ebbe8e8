/* SPDX-License-Identifier: Apache-2.0 */
/* The platform's certificate authority, made with the OpenSSL API:
 * ECDSA P-256 keys, a self-signed CA, and one certificate per service whose
 * subject CN is the service name (the identity the RPC allowlists check). */
#ifndef KETTLE_PLATFORM_PKI_H
#define KETTLE_PLATFORM_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>

struct pki_ca {
	EVP_PKEY *key;
	X509 *cert;
};

/* A new CA named cn, valid for `days`. 0 or -errno. */
int pki_ca_create(struct pki_ca *ca, const char *cn, int days);
void pki_ca_free(struct pki_ca *ca);

/* A new key and a certificate for cn issued by ca, with subjectAltName
 * IP:127.0.0.1 and DNS:localhost and the given extended key usages
 * (server: serverAuth and clientAuth; otherwise clientAuth only). */
int pki_issue(const struct pki_ca *ca, const char *cn, int server, int days,
	      EVP_PKEY **key_out, X509 **cert_out);

/* Write PEM files: the key with mode 0600, the certificate 0644. Both
 * refuse to overwrite an existing file (O_EXCL). */
int pki_write_key(const char *path, EVP_PKEY *key);
int pki_write_cert(const char *path, X509 *cert);

#endif
