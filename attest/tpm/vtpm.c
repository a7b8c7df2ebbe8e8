/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm/vtpm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "attest/tpm/eventlog.h"
#include "attest/tpm/tpm_types.h"
#include "attest/tpm/vtpm_cmd.h"
#include "attest/tpm/vtpm_libtpms.h"

/* libtpms is one TPM per process; this is the one. */
static struct vtpm *current;

int vtpm_start(struct vtpm **out)
{
	struct vtpm *v;
	uint32_t read = 0;
	int rc;

	*out = NULL;
	if (current)
		return -EBUSY;
	if (!(v = calloc(1, sizeof(*v))))
		return -ENOMEM;
	rc = -ENOMEM;
	if (!(v->log = eventlog_new()))
		goto err_free;
	if ((rc = libtpms_start()))
		goto err_log;
	if ((rc = tpm2_startup(v)) || (rc = tpm2_create_ak(v)))
		goto err_tpm;
	/* extend SHA-384 too when the bank is there */
	if ((rc = tpm2_pcr_read(v, TPM_ALG_SHA384, 1, NULL, &read)))
		goto err_tpm;
	v->sha384_bank = read == 1;
	current = v;
	*out = v;
	return 0;

err_tpm:
	libtpms_stop(&v->tpm);
err_log:
	json_decref(v->log);
err_free:
	free(v);
	return rc;
}

static int digest(const EVP_MD *md, const void *data, size_t len,
		  uint8_t *out)
{
	unsigned int n = 0;

	return EVP_Digest(data, len, out, &n, md, NULL) == 1 ? 0 : -EIO;
}

int vtpm_extend(struct vtpm *v, unsigned pcr, const char *event_type,
		const void *event, size_t len)
{
	uint8_t sha256[32], sha384[48];
	int rc;

	if (pcr >= 24 || !(EVENTLOG_PCR_MASK & (1u << pcr)) ||
	    (len && !event))
		return -EINVAL;
	if (digest(EVP_sha256(), event, len, sha256) ||
	    (v->sha384_bank && digest(EVP_sha384(), event, len, sha384)))
		return -EIO;
	rc = eventlog_append(v->log, pcr, event_type, event, len, sha256,
			     v->sha384_bank ? sha384 : NULL);
	if (rc)
		return rc;
	/* log first, then extend: if the TPM refuses, drop the record so
	 * the log never claims an extend that did not happen */
	rc = tpm2_pcr_extend(v, pcr, sha256, v->sha384_bank ? sha384 : NULL);
	if (rc)
		json_array_remove(v->log, json_array_size(v->log) - 1);
	return rc;
}

int vtpm_quote(struct vtpm *v, const uint8_t *nonce, size_t nonce_len,
	       struct vtpm_quote *out)
{
	uint32_t read = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (nonce_len > 64 || (nonce_len && !nonce))
		return -EINVAL;
	/* Read the values first: nothing extends between the two commands
	 * (one thread owns the vtpm), so they are the values quoted. */
	if ((rc = tpm2_pcr_read(v, TPM_ALG_SHA256, EVENTLOG_PCR_MASK,
				out->pcrs, &read)))
		return rc;
	if (read != EVENTLOG_PCR_MASK)
		return -EIO;
	if ((rc = tpm2_quote(v, nonce, nonce_len, EVENTLOG_PCR_MASK, out)))
		return rc;
	out->pcr_mask = EVENTLOG_PCR_MASK;
	return 0;
}

int vtpm_ak_public(struct vtpm *v, uint8_t **tpmt_public, size_t *len)
{
	if (!(*tpmt_public = malloc(v->ak_public_len)))
		return -ENOMEM;
	memcpy(*tpmt_public, v->ak_public, v->ak_public_len);
	*len = v->ak_public_len;
	return 0;
}

json_t *vtpm_event_log(const struct vtpm *v)
{
	return json_deep_copy(v->log);
}

uint32_t vtpm_last_rc(const struct vtpm *v)
{
	return v->tpm.last_rc;
}

void vtpm_free(struct vtpm *v)
{
	if (!v)
		return;
	libtpms_stop(&v->tpm);
	json_decref(v->log);
	if (current == v)
		current = NULL;
	free(v);
}
