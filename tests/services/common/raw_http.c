/* SPDX-License-Identifier: Apache-2.0 */
/* Raw TLS clients for the attack tests; see raw_http.h. */
#include "tests/services/common/raw_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int rh_tcp(const char *src, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	struct sockaddr_in a = { .sin_family = AF_INET };
	if (src) {
		inet_pton(AF_INET, src, &a.sin_addr);
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
			goto fail;
	}
	a.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	/* The handshake's flights are several writes: no delayed-ACK stalls. */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

SSL_CTX *rh_ctx(const char *dir, const char *identity)
{
	char ca[4096], cert[4096], key[4096];
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return NULL;
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		goto fail;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (identity) {
		snprintf(cert, sizeof(cert), "%s/certs/%s.pem", dir, identity);
		snprintf(key, sizeof(key), "%s/certs/%s.key", dir, identity);
		if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
			goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL *rh_tls(SSL_CTX *ctx, int fd)
{
	SSL *ssl = SSL_new(ctx);
	if (!ssl) {
		close(fd);
		return NULL;
	}
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1) {
		SSL_free(ssl);
		close(fd);
		return NULL;
	}
	return ssl;
}

int rh_send(SSL *ssl, const void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		int n = SSL_write(ssl, (const char *)buf + done, (int)(len - done));
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

void rh_close(SSL *ssl)
{
	if (!ssl)
		return;
	int fd = SSL_get_fd(ssl);
	SSL_free(ssl);
	close(fd);
}

static int read_some(SSL *ssl, char *buf, size_t len)
{
	int n = SSL_read(ssl, buf, (int)len);
	return n > 0 ? n : -1;
}

int rh_read_reply(SSL *ssl, struct rh_reply *r)
{
	memset(r, 0, sizeof(*r));
	size_t used = 0;
	char *end = NULL;
	/* Byte by byte up to the blank line, so the body stays unread. */
	while (!end) {
		if (used + 1 >= sizeof(r->head) || read_some(ssl, r->head + used, 1) < 0)
			return -1;
		used++;
		r->head[used] = '\0';
		end = used >= 4 ? strstr(r->head + used - 4, "\r\n\r\n") : NULL;
	}
	if (sscanf(r->head, "HTTP/1.1 %d", &r->status) != 1)
		return -1;
	char v[64];
	size_t len = rh_header(r, "Content-Length", v, sizeof(v)) ? strtoul(v, NULL, 10) : 0;
	if (len > (64u << 20))
		return -1;
	r->body = calloc(1, len + 1);
	if (!r->body)
		return -1;
	while (r->body_len < len) {
		int n = read_some(ssl, r->body + r->body_len, len - r->body_len);
		if (n < 0)
			return -1;
		r->body_len += (size_t)n;
	}
	r->json = json_loadb(r->body, r->body_len, 0, NULL);
	return 0;
}

const char *rh_header(const struct rh_reply *r, const char *name, char *out, size_t len)
{
	size_t n = strlen(name);
	const char *line = strstr(r->head, "\r\n");
	while (line && line[2] != '\r') {
		line += 2;
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			while (*v == ' ')
				v++;
			size_t vl = strcspn(v, "\r");
			snprintf(out, len, "%.*s", (int)vl, v);
			return out;
		}
		line = strstr(line, "\r\n");
	}
	return NULL;
}

int rh_is_error(const struct rh_reply *r, int status, const char *code)
{
	char ct[64];
	json_t *e = json_object_get(r->json, "error");
	const char *c = json_string_value(json_object_get(e, "code"));
	const char *m = json_string_value(json_object_get(e, "message"));
	return r->status == status && rh_header(r, "Content-Type", ct, sizeof(ct)) &&
	       strcmp(ct, "application/json") == 0 && c && strcmp(c, code) == 0 &&
	       m && *m;
}

void rh_reply_clear(struct rh_reply *r)
{
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

int rh_exchange(SSL_CTX *ctx, int port, const char *req, size_t len,
		struct rh_reply *r)
{
	memset(r, 0, sizeof(*r));
	int fd = rh_tcp(NULL, port);
	SSL *ssl = fd >= 0 ? rh_tls(ctx, fd) : NULL;
	int rc = ssl && rh_send(ssl, req, len) == 0 ? rh_read_reply(ssl, r) : -1;
	rh_close(ssl);
	return rc;
}

int rh_closed_within(int fd, unsigned ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= (long)ms)
			return 0;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)(ms - (unsigned)spent)) <= 0)
			continue;
		char buf[4096];
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return 1;
	}
}
