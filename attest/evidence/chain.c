/* SPDX-License-Identifier: Apache-2.0 */
/* The bundle's cert_chain: VCEK, ASK, ARK as PEM, in that order. */
#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "attest/evidence/evidence_int.h"

int chain_split(const char *pem, size_t len, X509 **vcek, X509 **ask, X509 **ark)
{
	X509 *c[3] = {NULL, NULL, NULL};
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	int rc = -ENOMEM;
	if (!bio)
		goto out;
	rc = -EINVAL;
	for (int i = 0; i < 3; i++)
		if (!(c[i] = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
			goto out;
	/* Nothing but whitespace may follow: a fourth certificate or stray
	 * text would be unverified data riding along. */
	char rest[64];
	int n;
	while ((n = BIO_read(bio, rest, sizeof rest)) > 0)
		for (int i = 0; i < n; i++)
			if (!rest[i] || !strchr(" \t\r\n", rest[i]))
				goto out;
	*vcek = c[0], *ask = c[1], *ark = c[2];
	c[0] = c[1] = c[2] = NULL;
	rc = 0;
out:
	ERR_clear_error();
	for (int i = 0; i < 3; i++)
		X509_free(c[i]);
	BIO_free(bio);
	return rc;
}
