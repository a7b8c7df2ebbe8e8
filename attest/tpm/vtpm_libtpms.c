/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm/vtpm_libtpms.h"

#include <errno.h>
#include <string.h>

#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <libtpms/tpm_memory.h>

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

static int send_once(struct libtpms_conn *c, struct tpm_wr *cmd,
		     struct tpm_rd *body, uint32_t *rc)
{
	uint32_t resp_len = 0;

	if (TPMLIB_Process(&c->resp, &resp_len, &c->resp_cap, cmd->p,
			   (uint32_t)cmd->len) != TPM_SUCCESS)
		return -EIO;
	tpm_rd_init(body, c->resp, resp_len);
	tpm_rd_u16(body); /* tag */
	uint32_t size = tpm_rd_u32(body);
	*rc = tpm_rd_u32(body);
	return body->err || size != resp_len ? -EIO : 0;
}

int libtpms_transact(struct libtpms_conn *c, struct tpm_wr *cmd,
		     struct tpm_rd *body)
{
	uint32_t rc = 0;
	int err;

	tpm_wr_put_u32(cmd, 2, (uint32_t)cmd->len);
	if (cmd->err)
		return -EINVAL;
	for (int i = 0; i < MAX_RETRIES; i++) {
		if ((err = send_once(c, cmd, body, &rc)))
			return err;
		if (rc != TPM_RC_RETRY && rc != TPM_RC_TESTING &&
		    rc != TPM_RC_YIELDED)
			break;
	}
	if (rc) {
		c->last_rc = rc;
		return -EIO;
	}
	return 0;
}

int libtpms_start(void)
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
	    TPMLIB_MainInit() != TPM_SUCCESS) {
		nv_clear();
		return -EIO;
	}
	return 0;
}

void libtpms_stop(struct libtpms_conn *c)
{
	TPMLIB_Terminate();
	nv_clear();
	TPM_Free(c->resp);
	c->resp = NULL;
	c->resp_cap = 0;
}
