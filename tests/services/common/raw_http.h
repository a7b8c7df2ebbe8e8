/* SPDX-License-Identifier: Apache-2.0 */
/* Raw TLS connections for the attack tests: requests, byte by byte if need
 * be, that rpc_client would never send. Loopback only. */
#ifndef KETTLE_TESTS_SERVICES_COMMON_RAW_HTTP_H
#define KETTLE_TESTS_SERVICES_COMMON_RAW_HTTP_H

#include <stddef.h>

#include <jansson.h>
#include <openssl/ssl.h>

/* A blocking TCP connection to 127.0.0.1:port from source address src
 * (NULL: any; "127.0.0.2" etc. stand for other peers), with 5 s send and
 * receive timeouts. fd or -1. */
int rh_tcp(const char *src, int port);
/* A client context trusting DIR/ca.pem, presenting DIR/certs/IDENTITY.pem
 * unless identity is NULL. */
SSL_CTX *rh_ctx(const char *dir, const char *identity);
/* Handshake on fd (owned by the SSL from then on); NULL on failure. */
SSL *rh_tls(SSL_CTX *ctx, int fd);
int rh_send(SSL *ssl, const void *buf, size_t len);
void rh_close(SSL *ssl);

struct rh_reply {
	int status;
	char head[8192];   /* status line and headers */
	char *body;        /* NUL-terminated */
	size_t body_len;
	json_t *json;      /* the body parsed, if it is JSON */
};
/* Read one reply (an interim 100 counts as one). 0 or -1. */
int rh_read_reply(SSL *ssl, struct rh_reply *r);
/* A header's value (copied into out) or NULL. */
const char *rh_header(const struct rh_reply *r, const char *name, char *out, size_t len);
/* Whether r is API.md's error: JSON {"error":{"code":code,"message":...}}. */
int rh_is_error(const struct rh_reply *r, int status, const char *code);
void rh_reply_clear(struct rh_reply *r);
/* Connect, handshake, send req, read the reply, close. 0 or -1. */
int rh_exchange(SSL_CTX *ctx, int port, const char *req, size_t len,
		struct rh_reply *r);
/* Whether the server has closed fd within ms (reads and drops bytes). */
int rh_closed_within(int fd, unsigned ms);

#endif
