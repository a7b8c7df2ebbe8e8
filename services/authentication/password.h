/* SPDX-License-Identifier: Apache-2.0 */
/* Password hashing with Argon2id (libargon2), stored in the PHC encoded
 * form ($argon2id$v=19$m=...,t=...,p=...$salt$hash) so parameters can be
 * raised later without breaking existing hashes.
 *
 * Default cost: t=2 passes, m=19 MiB, p=1 lane, 16-byte salt, 32-byte hash
 * (the OWASP minimum for Argon2id): about 25-40 ms per hash on one core of
 * the development VMs, which bounds a login storm to a few dozen hashes per
 * second per core and an offline guess to the same. */
#ifndef KETTLE_AUTHN_PASSWORD_H
#define KETTLE_AUTHN_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#define PASSWORD_HASH_MAX 160 /* encoded form incl. NUL */

struct password_cost {
	uint32_t t_cost;  /* passes */
	uint32_t m_cost;  /* KiB */
	uint32_t lanes;
};

extern const struct password_cost password_cost_default;

/* Hashes pw with a fresh random salt into encoded (PASSWORD_HASH_MAX). */
int password_hash(const struct password_cost *cost, const char *pw,
		  size_t pw_len, char encoded[PASSWORD_HASH_MAX]);

/* 0 on match, -EACCES on mismatch, -EINVAL for a malformed hash. */
int password_verify(const char *encoded, const char *pw, size_t pw_len);

/* A random password for reset-password: 24 chars of [A-Za-z0-9]. */
int password_generate(char out[25]);

#endif
