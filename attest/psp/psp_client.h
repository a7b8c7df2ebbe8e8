/* SPDX-License-Identifier: Apache-2.0 */
/* Asking kettle-psp for a signed SEV-SNP report (used by kettle-vmm). */
#ifndef KETTLE_PSP_CLIENT_H
#define KETTLE_PSP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

struct psp_request {
	uint8_t measurement[48]; /* MEASUREMENT: the launch measurement */
	uint8_t report_data[64]; /* REPORT_DATA: SHA-512(AK public || nonce) */
	uint8_t host_data[32];   /* HOST_DATA: the task digest */
	bool has_policy;         /* else the PSP's default 0x30000 */
	uint64_t policy;         /* guest policy; bit 17 must be set */
	bool has_vmpl;           /* else VMPL 0 */
	uint32_t vmpl;           /* 0..3 */
};

/* Connect to the kettle-psp socket, send the request and receive the
 * 1184-byte report and the certificate chain (VCEK, ASK, ARK as one
 * NUL-terminated PEM string the caller frees). Returns 0, a negative errno
 * for socket trouble (-ETIMEDOUT after 10 s without progress), -EPROTO for
 * a malformed reply, or -EINVAL / -EIO when the PSP refused the request. */
int psp_request_report(const char *socket_path, const struct psp_request *req,
		       uint8_t report[1184], char **chain_pem);

#endif
