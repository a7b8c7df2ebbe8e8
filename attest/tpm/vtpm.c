#include "attest/tpm/vtpm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <libtpms/tpm_memory.h>
#include <openssl/evp.h>

#include "attest/tpm/eventlog.h"
#include "attest/tpm/tpm_types.h"
#include "attest/tpm/vtpm_cmd.h"

/* libtpms is one TPM per process; this is the one. */
static struct vtpm *current;

/* Volatile state only. libtpms persists its NV through these callbacks;
 * Kettle keeps it in process memory, so a new vtpm is a freshly
 * manufactured TPM and nothing reaches the disk. Dropping the writes is
 * not enough: right after manufacturing, libtpms reads its NV back, and
 * an empty read leaves a TPM without PCR banks. */
#define NV_SLOTS 4

static struct nv_slot {
	char name[32];
	unsigned char *data;
	uint32_t len;
} nv[NV_SLOTS];

static struct nv_slot *nv_find(const char *name, int create)
{
	for (int i = 0; i < NV_SLOTS; i++)
		if (nv[i].data && !strcmp(nv[i].name, name))
			return &nv[i];
	for (int i = 0; create && i < NV_SLOTS; i++)
		if (!nv[i].data && strlen(name) < sizeof(nv[i].name)) {
			strcpy(nv[i].name, name);
			return &nv[i];
		}
	return NULL;
}

static void nv_clear(void)
{
	for (int i = 0; i < NV_SLOTS; i++) {
		TPM_Free(nv[i].data);
		memset(&nv[i], 0, sizeof(nv[i]));
	}
}

static TPM_RESULT nv_init(void) { return TPM_SUCCESS; }

static TPM_RESULT nv_load(unsigned char **data, uint32_t *length,
			  uint32_t tpm_number, const char *name)
{
	struct nv_slot *s = nv_find(name, 0);

	(void)tpm_number;
	*data = NULL;
	*length = 0;
	if (!s)
		return TPM_RETRY; /* "nothing stored": manufacture */
	if (TPM_Malloc(data, s->len) != TPM_SUCCESS)
		return TPM_FAIL;
	memcpy(*data, s->data, s->len);
	*length = s->len;
	return TPM_SUCCESS;
}

static TPM_RESULT nv_store(const unsigned char *data, uint32_t length,
			   uint32_t tpm_number, const char *name)
{
	struct nv_slot *s = nv_find(name, 1);
	unsigned char *copy = NULL;

	(void)tpm_number;
	if (!s || TPM_Malloc(&copy, length ? length : 1) != TPM_SUCCESS)
		return TPM_FAIL;
	memcpy(copy, data, length);
	TPM_Free(s->data);
	s->data = copy;
	s->len = length;
	return TPM_SUCCESS;
}

static TPM_RESULT nv_delete(uint32_t tpm_number, const char *name,
			    TPM_BOOL must_exist)
{
	struct nv_slot *s = nv_find(name, 0);

	(void)tpm_number;
	if (!s)
		return must_exist ? TPM_FAIL : TPM_SUCCESS;
	TPM_Free(s->data);
	memset(s, 0, sizeof(*s));
	return TPM_SUCCESS;
}

static TPM_RESULT io_init(void) { return TPM_SUCCESS; }

static TPM_RESULT io_locality(TPM_MODIFIER_INDICATOR *locality,
			      uint32_t tpm_number)
{
	(void)tpm_number;
	*locality = 0;
	return TPM_SUCCESS;
}

static TPM_RESULT io_presence(TPM_BOOL *present, uint32_t tpm_number)
{
	(void)tpm_number;
	*present = 0;
	return TPM_SUCCESS;
}

/* The TPM answers RETRY/TESTING/YIELDED when it had to run a self-test of
 * an algorithm first (libtpms tests each algorithm on first use); the
 * command itself was not run, so sending it again is what a TPM driver
 * does. */
#define TPM_RC_YIELDED 0x908u
#define TPM_RC_TESTING 0x90Au
#define TPM_RC_RETRY 0x922u
#define MAX_RETRIES 8

static int send_once(struct vtpm *v, struct tpm_wr *cmd, struct tpm_rd *body,
		     uint32_t *rc)
{
	uint32_t resp_len = 0;

	if (TPMLIB_Process(&v->resp, &resp_len, &v->resp_cap, cmd->p,
			   (uint32_t)cmd->len) != TPM_SUCCESS)
		return -EIO;
	tpm_rd_init(body, v->resp, resp_len);
	tpm_rd_u16(body); /* tag */
	uint32_t size = tpm_rd_u32(body);
	*rc = tpm_rd_u32(body);
	return body->err || size != resp_len ? -EIO : 0;
}

int vtpm_transact(struct vtpm *v, struct tpm_wr *cmd, struct tpm_rd *body)
{
	uint32_t rc = 0;
	int err;

	tpm_wr_put_u32(cmd, 2, (uint32_t)cmd->len);
	if (cmd->err)
		return -EINVAL;
	for (int i = 0; i < MAX_RETRIES; i++) {
		if ((err = send_once(v, cmd, body, &rc)))
			return err;
		if (rc != TPM_RC_RETRY && rc != TPM_RC_TESTING &&
		    rc != TPM_RC_YIELDED)
			break;
	}
	if (rc) {
		v->last_rc = rc;
		return -EIO;
	}
	return 0;
}

static int start_library(void)
{
	static struct libtpms_callbacks cbs = {
		.sizeOfStruct = sizeof(struct libtpms_callbacks),
		.tpm_nvram_init = nv_init,
		.tpm_nvram_loaddata = nv_load,
		.tpm_nvram_storedata = nv_store,
		.tpm_nvram_deletename = nv_delete,
		.tpm_io_init = io_init,
		.tpm_io_getlocality = io_locality,
		.tpm_io_getphysicalpresence = io_presence,
	};

	if (TPMLIB_ChooseTPMVersion(TPMLIB_TPM_VERSION_2) != TPM_SUCCESS ||
	    TPMLIB_RegisterCallbacks(&cbs) != TPM_SUCCESS ||
	    TPMLIB_MainInit() != TPM_SUCCESS)
		return -EIO;
	return 0;
}

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
	if ((rc = start_library()))
		goto err_lib;
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
	TPMLIB_Terminate();
err_lib:
	nv_clear();
	TPM_Free(v->resp);
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
	return v->last_rc;
}

void vtpm_free(struct vtpm *v)
{
	if (!v)
		return;
	TPMLIB_Terminate();
	nv_clear();
	TPM_Free(v->resp);
	json_decref(v->log);
	if (current == v)
		current = NULL;
	free(v);
}
