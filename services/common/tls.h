/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL contexts for Kettle's listeners and clients. */
#ifndef KETTLE_SERVICES_COMMON_TLS_H
#define KETTLE_SERVICES_COMMON_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

/* Server context with cert/key. With require_client_cert, the peer must
 * present a certificate chaining to ca (mutual TLS); otherwise ca may be
 * NULL. NULL and one line in err on failure. */
SSL_CTX *tls_server_ctx(const char *cert, const char *key, const char *ca,
			int require_client_cert, char *err, size_t errlen);
/* Client context trusting ca, presenting cert/key if both are non-NULL. */
SSL_CTX *tls_client_ctx(const char *cert, const char *key, const char *ca,
			char *err, size_t errlen);
/* Subject CN of the peer's verified certificate into out. Returns 0, or
 * -ENOENT (no certificate or no single, NUL-free CN). */
int tls_peer_cn(SSL *ssl, char *out, size_t len);
/* Subject CN of a certificate. Same return values. */
int tls_cert_cn(X509 *cert, char *out, size_t len);

#endif
