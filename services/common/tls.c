/* SPDX-License-Identifier: Apache-2.0 */
/* TLS contexts: TLS 1.3 inside the platform, TLS 1.2 AEAD or 1.3 outside, platform CA verification, peer CN. */
#include "services/common/tls.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

static void ssl_error(char *err, size_t errlen, const char *what,
		      const char *path)
{
	unsigned long e = ERR_get_error();
	char detail[160] = "";
	if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	ERR_clear_error();
	if (err && errlen)
		snprintf(err, errlen, "%s %s: %s", what, path ? path : "",
			 detail[0] ? detail : "unknown TLS error");
}

static SSL_CTX *new_ctx(const SSL_METHOD *method, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(method);
	if (!ctx) {
		ssl_error(err, errlen, "cannot create a TLS context", NULL);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* TLS 1.2 only with forward-secret AEAD suites: no CBC, no SHA-1 MACs,
	 * no static RSA key exchange. (TLS 1.3 suites are all AEAD.) */
	if (SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL") != 1) {
		ssl_error(err, errlen, "cannot restrict the TLS 1.2 cipher suites", NULL);
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* No renegotiation, no compression: nothing a client needs here. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	return ctx;
}

static int load_identity(SSL_CTX *ctx, const char *cert, const char *key,
			 char *err, size_t errlen)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		ssl_error(err, errlen, "cannot load the certificate", cert);
		return -EINVAL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		ssl_error(err, errlen, "cannot load the private key", key);
		return -EINVAL;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ssl_error(err, errlen, "the key does not match the certificate", key);
		return -EINVAL;
	}
	return 0;
}

static int load_ca(SSL_CTX *ctx, const char *ca, char *err, size_t errlen)
{
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		ssl_error(err, errlen, "cannot load the CA certificate", ca);
		return -EINVAL;
	}
	return 0;
}

SSL_CTX *tls_server_ctx(const char *cert, const char *key, const char *ca,
			int require_client_cert, char *err, size_t errlen)
{
	SSL_CTX *ctx = new_ctx(TLS_server_method(), err, errlen);
	if (!ctx)
		return NULL;
	if (load_identity(ctx, cert, key, err, errlen))
		goto fail;
	if (require_client_cert) {
		/* Inside the platform every peer is ours: TLS 1.3 only. */
		SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
		if (load_ca(ctx, ca, err, errlen))
			goto fail;
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca);
		if (names)
			SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
				   NULL);
		SSL_CTX_set_verify_depth(ctx, 2);
		/* Session resumption would need an id context per listener;
		 * the platform's connections are long-lived, so skip it. */
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
		SSL_CTX_set_num_tickets(ctx, 0); /* TLS 1.3 would send two anyway */
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *tls_client_ctx(const char *cert, const char *key, const char *ca,
			char *err, size_t errlen)
{
	SSL_CTX *ctx = new_ctx(TLS_client_method(), err, errlen);
	if (!ctx)
		return NULL;
	if (load_ca(ctx, ca, err, errlen))
		goto fail;
	if (cert && key && load_identity(ctx, cert, key, err, errlen))
		goto fail;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

int tls_cert_cn(X509 *cert, char *out, size_t len)
{
	if (!cert || len == 0)
		return -ENOENT;
	X509_NAME *name = X509_get_subject_name(cert);
	int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (idx < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, idx) >= 0)
		return -ENOENT; /* none, or ambiguous */
	ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, data);
	if (n <= 0)
		return -ENOENT;
	int rc = 0;
	if ((size_t)n >= len || memchr(utf8, '\0', (size_t)n))
		rc = -ENOENT;
	else {
		memcpy(out, utf8, (size_t)n);
		out[n] = '\0';
	}
	OPENSSL_free(utf8);
	return rc;
}

int tls_peer_cn(SSL *ssl, char *out, size_t len)
{
	if (!ssl || SSL_get_verify_result(ssl) != X509_V_OK)
		return -ENOENT;
	return tls_cert_cn(SSL_get0_peer_certificate(ssl), out, len);
}
