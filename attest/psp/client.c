/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/psp/psp_client.h"
#include "attest/psp/psp_proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/bytes.h"
#include "lib/io.h"

static int connect_to(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (!path || strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = psp_set_timeouts(fd, PSP_IO_TIMEOUT_S);
	if (rc == 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		rc = -errno;
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int psp_request_report(const char *socket_path, const struct psp_request *req,
		       uint8_t report[1184], char **chain_pem)
{
	uint8_t msg[4 + PSP_REQ_BODY_SIZE];
	uint8_t head[4 + PSP_REPLY_FIXED_SIZE];
	char *chain = NULL;
	if (!report || !chain_pem)
		return -EINVAL;
	*chain_pem = NULL;
	int rc = psp_req_encode(req, msg);
	if (rc)
		return rc;
	int fd = connect_to(socket_path);
	if (fd < 0)
		return fd;
	rc = write_all(fd, msg, sizeof(msg));
	if (rc)
		goto out;
	rc = read_all(fd, head, 4);
	if (rc)
		goto out;
	uint32_t len = le32_get(head);
	rc = -EPROTO;
	if (len < PSP_REPLY_FIXED_SIZE || len > PSP_REPLY_FIXED_SIZE + PSP_CHAIN_MAX)
		goto out;
	rc = read_all(fd, head + 4, PSP_REPLY_FIXED_SIZE);
	if (rc)
		goto out;
	const uint8_t *b = head + 4;
	uint32_t status = le32_get(b + 4);
	uint32_t chain_len = le32_get(b + 8 + PSP_REPORT_SIZE);
	rc = -EPROTO;
	if (le32_get(b) != PSP_REPLY_MAGIC ||
	    chain_len != len - PSP_REPLY_FIXED_SIZE)
		goto out;
	if (status != 0) {
		rc = status == EINVAL ? -EINVAL : -EIO;
		goto out;
	}
	if (chain_len == 0)
		goto out;
	chain = malloc((size_t)chain_len + 1);
	if (!chain) {
		rc = -ENOMEM;
		goto out;
	}
	rc = read_all(fd, chain, chain_len);
	if (rc)
		goto out;
	chain[chain_len] = '\0';
	rc = -EPROTO;
	if (strlen(chain) != chain_len) /* a PEM text has no NUL inside */
		goto out;
	memcpy(report, b + 8, PSP_REPORT_SIZE);
	*chain_pem = chain;
	chain = NULL;
	rc = 0;
out:
	free(chain);
	close(fd);
	return rc;
}
