/* SPDX-License-Identifier: Apache-2.0 */
/* A quote as the vTPM returns it: on its own so that the commands
 * (vtpm_cmd.c) fill it without including the vTPM above them (vtpm.h). */
#ifndef KETTLE_ATTEST_VTPM_QUOTE_H
#define KETTLE_ATTEST_VTPM_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#define VTPM_ATTEST_MAX 1024
#define VTPM_SIGNATURE_MAX 600

struct vtpm_quote {
	uint8_t attest[VTPM_ATTEST_MAX];       /* TPMS_ATTEST, as signed */
	size_t attest_len;
	uint8_t signature[VTPM_SIGNATURE_MAX]; /* TPMT_SIGNATURE */
	size_t signature_len;
	uint32_t pcr_mask;                     /* quoted SHA-256 PCRs */
	uint8_t pcrs[24][32];                  /* their values; others zero */
};

#endif
