/* SPDX-License-Identifier: Apache-2.0 */
/* The libtpms side of the vTPM: the callbacks that keep its NV in process
 * memory, starting and stopping the library, and one command round trip.
 * Internal to attest/tpm. It knows nothing of struct vtpm, so the commands
 * (vtpm_cmd.c) and the vTPM (vtpm.c) both sit above it. */
#ifndef KETTLE_ATTEST_VTPM_LIBTPMS_H
#define KETTLE_ATTEST_VTPM_LIBTPMS_H

#include <stdint.h>

#include "attest/tpm/tpm_buf.h"

struct libtpms_conn {
	unsigned char *resp; /* libtpms' response buffer, reused */
	uint32_t resp_cap;
	uint32_t last_rc;    /* response code of the last failed command */
};

/* Registers the callbacks and starts a TPM 2.0 with empty NV, which
 * libtpms then manufactures. 0 or -EIO (nothing is left to stop). */
int libtpms_start(void);

/* Terminates the TPM, forgets its NV and frees c's response buffer. */
void libtpms_stop(struct libtpms_conn *c);

/* Patches cmd's size field and runs it, again while the TPM answers that
 * it self-tested first; on success `body` reads the response after its
 * 10-byte header. -EINVAL for an overlong command, -EIO on a TPM error
 * (c->last_rc says which). */
int libtpms_transact(struct libtpms_conn *c, struct tpm_wr *cmd,
		     struct tpm_rd *body);

#endif
