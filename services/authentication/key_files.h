/* SPDX-License-Identifier: Apache-2.0 */
/* authentication's own secrets, each in its own file: the key that tags
 * user records (user.h) and the EC P-256 key that signs tokens, separate
 * from the TLS key (issue 7). A file that does not exist yet is created
 * with mode 0600 (first start); an existing one is refused if others may
 * read it. */
#ifndef KETTLE_AUTHN_KEY_FILES_H
#define KETTLE_AUTHN_KEY_FILES_H

#include <stddef.h>
#include <stdint.h>

struct token_signer;

/* 32 bytes from path (64 hex digits, optional newline), made if absent. */
int key_file_secret(const char *path, uint8_t key[32]);
/* A PEM EC P-256 private key from path, made if absent. -EEXIST if path
 * is the same file as tls_key (may be NULL): tokens must not be signed
 * with the key every TLS handshake uses. */
int key_file_token_signer(const char *path, const char *tls_key,
			  struct token_signer **out);

#endif
