/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/services/access_control/peer_cert.h"

#include <errno.h>
#include <stdio.h>

#include <openssl/pem.h>

#include "services/platform/pki.h"

static int load_ca(const char *dir, struct pki_ca *ca)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/keys/ca.key", dir);
	FILE *f = fopen(path, "r");
	ca->key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	f = fopen(path, "r");
	ca->cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return ca->key && ca->cert ? 0 : -ENOENT;
}

int peer_cert_issue(const char *dir, const char *cn, const char *file)
{
	struct pki_ca ca = { 0 };
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char path[4096];
	int rc = load_ca(dir, &ca);
	if (!rc)
		rc = pki_issue(&ca, cn, 1, 30, &key, &cert);
	snprintf(path, sizeof(path), "%s/certs/%s.key", dir, file);
	if (!rc)
		rc = pki_write_key(path, key);
	snprintf(path, sizeof(path), "%s/certs/%s.pem", dir, file);
	if (!rc)
		rc = pki_write_cert(path, cert);
	EVP_PKEY_free(key);
	X509_free(cert);
	pki_ca_free(&ca);
	return rc;
}
