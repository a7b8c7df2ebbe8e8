/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates arrive as PEM (AMD's KDS cert_chain, kettle-psp) or DER
 * (KDS's vcek endpoint); accept both so users need not convert. */
#include "attest/snp/snp_verify.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "lib/io.h"

#define CERT_FILE_MAX (64 * 1024)

int snp_cert_from_mem(const void *buf, size_t len, X509 **out)
{
	if (!buf || !out || len == 0 || len > INT_MAX)
		return -EINVAL;
	*out = NULL;
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio)
		return -ENOMEM;
	X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!cert) {
		const unsigned char *p = buf;
		cert = d2i_X509(NULL, &p, (long)len);
	}
	ERR_clear_error();
	if (!cert)
		return -EBADMSG;
	*out = cert;
	return 0;
}

int snp_cert_load(const char *path, X509 **out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = read_file_max(path, CERT_FILE_MAX, &buf, &len);
	if (rc == 0)
		rc = len ? snp_cert_from_mem(buf, len, out) : -EBADMSG;
	free(buf);
	return rc;
}
