/* SPDX-License-Identifier: Apache-2.0 */
/* Every command that takes a certificate reports a bad one the same way. */
#include "cli/cli.h"
#include "attest/snp/snp_verify.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int cli_load_cert(const char *what, const char *path, X509 **out)
{
	int rc = snp_cert_load(path, out);
	if (rc)
		fprintf(stderr, "kettle: %s %s: %s\n", what, path,
			rc == -EBADMSG ? "not a PEM or DER X.509 certificate"
				       : strerror(-rc));
	return rc;
}
