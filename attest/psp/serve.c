/* SPDX-License-Identifier: Apache-2.0 */
/* `kettle-psp serve`: one request per connection, answered in order. A
 * request is small and signing takes about a millisecond, so one thread is
 * enough; per-connection timeouts keep a stuck client from holding it. */
#include "attest/psp/psp.h"
#include "attest/psp/psp_proto.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/bytes.h"
#include "lib/io.h"

#define CONN_TIMEOUT_S 5

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int send_reply(int fd, uint32_t status, const uint8_t *report,
		      const char *chain, size_t chain_len)
{
	uint8_t head[4 + PSP_REPLY_FIXED_SIZE];
	memset(head, 0, sizeof(head));
	le32_put(head, (uint32_t)(PSP_REPLY_FIXED_SIZE + chain_len));
	le32_put(head + 4, PSP_REPLY_MAGIC);
	le32_put(head + 8, status);
	if (report)
		memcpy(head + 12, report, PSP_REPORT_SIZE);
	le32_put(head + 12 + PSP_REPORT_SIZE, (uint32_t)chain_len);
	int rc = write_all(fd, head, sizeof(head));
	if (!rc && chain_len)
		rc = write_all(fd, chain, chain_len);
	return rc;
}

static void handle(const struct psp_state *st, int fd)
{
	uint8_t len_buf[4], body[PSP_REQ_BODY_SIZE], report[PSP_REPORT_SIZE];
	struct psp_request req;
	if (psp_set_timeouts(fd, CONN_TIMEOUT_S) != 0 || read_all(fd, len_buf, 4) != 0)
		return;
	/* The length is checked before anything is read into the body. */
	if (le32_get(len_buf) != PSP_REQ_BODY_SIZE) {
		fprintf(stderr, "kettle-psp: refused a request of %u bytes (expected %u)\n",
			le32_get(len_buf), PSP_REQ_BODY_SIZE);
		send_reply(fd, EINVAL, NULL, NULL, 0);
		return;
	}
	if (read_all(fd, body, sizeof(body)) != 0)
		return;
	if (psp_req_decode(body, sizeof(body), &req) != 0) {
		fprintf(stderr, "kettle-psp: refused a malformed request\n");
		send_reply(fd, EINVAL, NULL, NULL, 0);
		return;
	}
	int rc = psp_report_make(st, &req, report);
	if (rc) {
		fprintf(stderr, "kettle-psp: cannot sign a report: %s\n", strerror(-rc));
		send_reply(fd, (uint32_t)-rc, NULL, NULL, 0);
		return;
	}
	send_reply(fd, 0, report, st->chain_pem, st->chain_len);
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	struct stat sb;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			return -EEXIST; /* never remove something that is not ours */
		unlink(path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	mode_t old = umask(0117); /* socket 0660: the VMM's group may connect */
	int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (rc != 0 || listen(fd, 16) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int psp_serve(const struct psp_state *st, const char *socket_path)
{
	sigset_t block, orig;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	if (sigprocmask(SIG_BLOCK, &block, &orig) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);

	int lfd = listen_on(socket_path);
	if (lfd < 0)
		return lfd;
	int rc = psp_jail();
	if (rc)
		goto out;
	/* Signals are delivered only inside ppoll, so a SIGTERM can never
	 * slip in between the check of `stop` and the wait. */
	while (!stop) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		int n = ppoll(&p, 1, NULL, &orig);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		handle(st, cfd);
		close(cfd);
	}
out:
	close(lfd);
	unlink(socket_path);
	return rc;
}
