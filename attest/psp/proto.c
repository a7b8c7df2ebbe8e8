/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/psp/psp_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "lib/bytes.h"

int psp_req_encode(const struct psp_request *req,
		   uint8_t out[4 + PSP_REQ_BODY_SIZE])
{
	if (!req || (req->has_vmpl && req->vmpl > 3))
		return -EINVAL;
	uint8_t *b = out + 4;
	le32_put(out, PSP_REQ_BODY_SIZE);
	le32_put(b, PSP_REQ_MAGIC);
	le32_put(b + 4, (req->has_policy ? PSP_FLAG_POLICY : 0) |
				 (req->has_vmpl ? PSP_FLAG_VMPL : 0));
	memcpy(b + 8, req->measurement, 48);
	memcpy(b + 56, req->report_data, 64);
	memcpy(b + 120, req->host_data, 32);
	le64_put(b + 152, req->has_policy ? req->policy : 0);
	le32_put(b + 160, req->has_vmpl ? req->vmpl : 0);
	return 0;
}

int psp_req_decode(const uint8_t *b, size_t len, struct psp_request *req)
{
	if (len != PSP_REQ_BODY_SIZE || le32_get(b) != PSP_REQ_MAGIC)
		return -EINVAL;
	uint32_t flags = le32_get(b + 4);
	if (flags & ~(PSP_FLAG_POLICY | PSP_FLAG_VMPL))
		return -EINVAL;
	memset(req, 0, sizeof(*req));
	memcpy(req->measurement, b + 8, 48);
	memcpy(req->report_data, b + 56, 64);
	memcpy(req->host_data, b + 120, 32);
	req->has_policy = flags & PSP_FLAG_POLICY;
	req->policy = le64_get(b + 152);
	req->has_vmpl = flags & PSP_FLAG_VMPL;
	req->vmpl = le32_get(b + 160);
	/* Absent fields must be zero so one request has one encoding. */
	if ((!req->has_policy && req->policy) || (!req->has_vmpl && req->vmpl))
		return -EINVAL;
	if (req->vmpl > 3)
		return -EINVAL;
	/* Bit 17 of a guest policy is reserved and must be one. */
	if (req->has_policy && !(req->policy & (1ull << 17)))
		return -EINVAL;
	return 0;
}

int psp_set_timeouts(int fd, int seconds)
{
	struct timeval tv = {.tv_sec = seconds};
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		return -errno;
	return 0;
}
