#include "attest/psp/psp_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

void psp_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t psp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put64(uint8_t *p, uint64_t v)
{
	psp_put32(p, (uint32_t)v);
	psp_put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)psp_get32(p) | (uint64_t)psp_get32(p + 4) << 32;
}

int psp_req_encode(const struct psp_request *req,
		   uint8_t out[4 + PSP_REQ_BODY_SIZE])
{
	if (!req || (req->has_vmpl && req->vmpl > 3))
		return -EINVAL;
	uint8_t *b = out + 4;
	psp_put32(out, PSP_REQ_BODY_SIZE);
	psp_put32(b, PSP_REQ_MAGIC);
	psp_put32(b + 4, (req->has_policy ? PSP_FLAG_POLICY : 0) |
				 (req->has_vmpl ? PSP_FLAG_VMPL : 0));
	memcpy(b + 8, req->measurement, 48);
	memcpy(b + 56, req->report_data, 64);
	memcpy(b + 120, req->host_data, 32);
	put64(b + 152, req->has_policy ? req->policy : 0);
	psp_put32(b + 160, req->has_vmpl ? req->vmpl : 0);
	return 0;
}

int psp_req_decode(const uint8_t *b, size_t len, struct psp_request *req)
{
	if (len != PSP_REQ_BODY_SIZE || psp_get32(b) != PSP_REQ_MAGIC)
		return -EINVAL;
	uint32_t flags = psp_get32(b + 4);
	if (flags & ~(PSP_FLAG_POLICY | PSP_FLAG_VMPL))
		return -EINVAL;
	memset(req, 0, sizeof(*req));
	memcpy(req->measurement, b + 8, 48);
	memcpy(req->report_data, b + 56, 64);
	memcpy(req->host_data, b + 120, 32);
	req->has_policy = flags & PSP_FLAG_POLICY;
	req->policy = get64(b + 152);
	req->has_vmpl = flags & PSP_FLAG_VMPL;
	req->vmpl = psp_get32(b + 160);
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

int psp_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int psp_read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
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
