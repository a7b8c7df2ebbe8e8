/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/services/storage/identity.h"

#include <stdio.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "services/platform/pki.h"

static int load_ca(const struct harness *h, struct pki_ca *ca)
{
	char path[HARNESS_PATH + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/keys/ca.key", h->dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	ca->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	f = fopen(h->ca, "re");
	if (!f)
		return -1;
	ca->cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return ca->key && ca->cert ? 0 : -1;
}

struct rpc_client *harness_client_as(const struct harness *h, const char *url,
				     const char *cn)
{
	char cert[HARNESS_PATH + 64], key[HARNESS_PATH + 64], err[256];
	struct pki_ca ca = { 0 };
	EVP_PKEY *k = NULL;
	X509 *c = NULL;
	struct rpc_client *client = NULL;

	snprintf(cert, sizeof(cert), "%s/certs/test-%s.pem", h->dir, cn);
	snprintf(key, sizeof(key), "%s/certs/test-%s.key", h->dir, cn);
	if (access(cert, R_OK) != 0) {
		if (load_ca(h, &ca) < 0 || pki_issue(&ca, cn, 0, 1, &k, &c) < 0 ||
		    pki_write_key(key, k) < 0 || pki_write_cert(cert, c) < 0) {
			fprintf(stderr, "# cannot issue a certificate for %s\n", cn);
			goto out;
		}
	}
	struct rpc_client_opts opts = {
		.url = url, .ca = h->ca, .cert = cert, .key = key,
		.timeout_ms = 30000,
	};
	client = rpc_client_new(&opts, err, sizeof(err));
	if (!client)
		fprintf(stderr, "# client as %s: %s\n", cn, err);
out:
	EVP_PKEY_free(k);
	X509_free(c);
	pki_ca_free(&ca);
	return client;
}
