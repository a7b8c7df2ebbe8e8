/* SPDX-License-Identifier: Apache-2.0 */
/* The TPM 2.0 commands the vTPM sends, marshalled by hand (TPM 2.0 Part 3
 * command layouts) with tpm_buf. Internal to attest/tpm. */
#ifndef KETTLE_ATTEST_VTPM_CMD_H
#define KETTLE_ATTEST_VTPM_CMD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "attest/tpm/tpm_buf.h"
#include "attest/tpm/vtpm_libtpms.h"
#include "attest/tpm/vtpm_quote.h"

#define VTPM_AK_PUBLIC_MAX 256

struct vtpm {
	uint32_t ak_handle;
	uint8_t ak_public[VTPM_AK_PUBLIC_MAX];
	size_t ak_public_len;
	int sha384_bank; /* the SHA-384 PCR bank is allocated */
	json_t *log;
	struct libtpms_conn tpm;
};

/* Each returns 0, or -EIO on a TPM error (v->tpm.last_rc says which). */

int tpm2_startup(struct vtpm *v);
int tpm2_create_ak(struct vtpm *v);
int tpm2_pcr_extend(struct vtpm *v, unsigned pcr, const uint8_t sha256[32],
		    const uint8_t *sha384);
int tpm2_pcr_read(struct vtpm *v, uint16_t bank, uint32_t mask,
		  uint8_t (*values)[32], uint32_t *read_mask);
int tpm2_quote(struct vtpm *v, const uint8_t *nonce, size_t nonce_len,
	       uint32_t mask, struct vtpm_quote *out);

#endif
