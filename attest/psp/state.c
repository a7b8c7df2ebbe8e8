/* SPDX-License-Identifier: Apache-2.0 */
/* Load DIR once at start-up; everything a report needs comes from the VCEK
 * certificate itself (TCB and chip id from its extensions), so the reports
 * and the certificate cannot disagree. */
#include "attest/psp/psp.h"
#include "attest/snp/snp_verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "lib/io.h"

#define PEM_FILE_MAX (16 * 1024)

/* Reads DIR/name, a non-empty regular file of at most PEM_FILE_MAX bytes,
 * into a NUL-terminated buffer; *mode (if asked) is its mode. The mode is
 * a hint to the operator, not a defence: whoever can replace files in DIR
 * between the stat and the read can replace the key itself. */
static int read_text(const char *dir, const char *name, char **out,
		     size_t *len, mode_t *mode)
{
	char path[4096];
	struct stat sb;
	uint8_t *buf = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (mode && stat(path, &sb) != 0)
		return -errno;
	int rc = read_file_max(path, PEM_FILE_MAX, &buf, len);
	if (rc == 0 && *len == 0)
		rc = -EINVAL;
	if (rc) {
		free(buf);
		return rc;
	}
	*out = (char *)buf;
	if (mode)
		*mode = sb.st_mode;
	return 0;
}

static X509 *cert_of(const char *pem, size_t len)
{
	X509 *x = NULL;
	return snp_cert_from_mem(pem, len, &x) == 0 ? x : NULL;
}

int psp_state_load(const char *dir, struct psp_state *st, const char **why)
{
	char *ark_pem = NULL, *ask_pem = NULL, *vcek_pem = NULL, *key_pem = NULL;
	size_t ark_len = 0, ask_len = 0, vcek_len = 0, key_len = 0;
	X509 *ark = NULL, *ask = NULL, *vcek = NULL;
	mode_t key_mode = 0;
	int rc;
	memset(st, 0, sizeof(*st));

	*why = "cannot read the chain in DIR (run `kettle-psp init DIR` first)";
	if ((rc = read_text(dir, PSP_ARK_FILE, &ark_pem, &ark_len, NULL)) ||
	    (rc = read_text(dir, PSP_ASK_FILE, &ask_pem, &ask_len, NULL)) ||
	    (rc = read_text(dir, PSP_VCEK_FILE, &vcek_pem, &vcek_len, NULL)) ||
	    (rc = read_text(dir, PSP_VCEK_KEY_FILE, &key_pem, &key_len, &key_mode)))
		goto fail;
	rc = -EPERM;
	*why = "vcek-key.pem is readable by group or others (chmod 600 it)";
	if (key_mode & 077)
		goto fail;

	rc = -EBADMSG;
	*why = "a certificate in DIR does not parse";
	ark = cert_of(ark_pem, ark_len);
	ask = cert_of(ask_pem, ask_len);
	vcek = cert_of(vcek_pem, vcek_len);
	if (!ark || !ask || !vcek)
		goto fail;
	*why = "the chain in DIR does not verify (ARK -> ASK -> VCEK)";
	if (snp_chain_verify(ark, ask, vcek) != SNP_OK)
		goto fail;
	struct snp_vcek_ext ext;
	*why = "the VCEK lacks AMD's TCB/hwID extensions";
	if (snp_vcek_ext_read(vcek, &ext) != SNP_OK || ext.hwid_len != SNP_CHIP_ID_SIZE)
		goto fail;

	BIO *bio = BIO_new_mem_buf(key_pem, (int)key_len);
	st->vcek_key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	*why = "vcek-key.pem is not the VCEK's private key";
	if (!st->vcek_key || X509_check_private_key(vcek, st->vcek_key) != 1)
		goto fail;

	st->tcb = ext.tcb;
	memcpy(st->chip_id, ext.hwid, SNP_CHIP_ID_SIZE);
	st->chain_len = vcek_len + ask_len + ark_len;
	rc = -ENOMEM;
	*why = "out of memory";
	st->chain_pem = malloc(st->chain_len + 1);
	if (!st->chain_pem)
		goto fail;
	memcpy(st->chain_pem, vcek_pem, vcek_len);
	memcpy(st->chain_pem + vcek_len, ask_pem, ask_len);
	memcpy(st->chain_pem + vcek_len + ask_len, ark_pem, ark_len);
	st->chain_pem[st->chain_len] = '\0';
	rc = 0;
	*why = NULL;
	goto out;
fail:
	psp_state_free(st);
out:
	ERR_clear_error();
	X509_free(ark);
	X509_free(ask);
	X509_free(vcek);
	if (key_pem)
		OPENSSL_cleanse(key_pem, key_len);
	free(key_pem);
	free(vcek_pem);
	free(ask_pem);
	free(ark_pem);
	return rc;
}

void psp_state_free(struct psp_state *st)
{
	EVP_PKEY_free(st->vcek_key);
	free(st->chain_pem);
	memset(st, 0, sizeof(*st));
}
