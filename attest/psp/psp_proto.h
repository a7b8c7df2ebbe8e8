/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-psp wire format, little-endian, one request and one reply per
 * connection. Every message is a u32 body length then the body:
 *
 * request body (164 bytes, exactly):
 *   u32 magic "KPSQ"  u32 flags (bit 0 policy given, bit 1 vmpl given)
 *   measurement[48] report_data[64] host_data[32]  u64 policy  u32 vmpl
 * reply body (1196 + chain_len bytes):
 *   u32 magic "KPSR"  u32 status (0 ok, else a positive errno)
 *   report[1184]  u32 chain_len  chain_pem[chain_len]
 * A refused request gets a reply with status set, a zero report and no
 * chain. */
#ifndef KETTLE_PSP_PROTO_H
#define KETTLE_PSP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "attest/psp/psp_client.h"

#define PSP_REQ_MAGIC 0x5153504bu /* "KPSQ" */
#define PSP_REPLY_MAGIC 0x5253504bu /* "KPSR" */
#define PSP_REQ_BODY_SIZE 164u
#define PSP_REPORT_SIZE 1184u
#define PSP_REPLY_FIXED_SIZE (4u + 4u + PSP_REPORT_SIZE + 4u)
#define PSP_CHAIN_MAX (32u * 1024u)
#define PSP_FLAG_POLICY 1u
#define PSP_FLAG_VMPL 2u
#define PSP_IO_TIMEOUT_S 10

int psp_req_encode(const struct psp_request *req,
		   uint8_t out[4 + PSP_REQ_BODY_SIZE]);
/* Validates magic, flags and VMPL; -EINVAL when malformed. */
int psp_req_decode(const uint8_t *body, size_t len, struct psp_request *req);

/* SO_RCVTIMEO and SO_SNDTIMEO, so lib/io.h's read_all()/write_all() on
 * the socket end in -ETIMEDOUT instead of waiting forever. */
int psp_set_timeouts(int fd, int seconds);

#endif
