/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/password.h"

#include <argon2.h>
#include <errno.h>
#include <string.h>

#include <openssl/rand.h>

#define SALT_LEN 16
#define HASH_LEN 32

const struct password_cost password_cost_default = {
	.t_cost = 2,
	.m_cost = 19 * 1024,
	.lanes = 1,
};

int password_hash(const struct password_cost *cost, const char *pw,
		  size_t pw_len, char encoded[PASSWORD_HASH_MAX])
{
	uint8_t salt[SALT_LEN];
	int rc;

	if (argon2_encodedlen(cost->t_cost, cost->m_cost, cost->lanes, SALT_LEN,
			      HASH_LEN, Argon2_id) > PASSWORD_HASH_MAX)
		return -EINVAL;
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return -EIO;
	rc = argon2id_hash_encoded(cost->t_cost, cost->m_cost, cost->lanes, pw,
				   pw_len, salt, sizeof(salt), HASH_LEN,
				   encoded, PASSWORD_HASH_MAX);
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return -ENOMEM;
	return rc == ARGON2_OK ? 0 : -EINVAL;
}

int password_verify(const char *encoded, const char *pw, size_t pw_len)
{
	int rc;

	if (!encoded || strncmp(encoded, "$argon2id$", 10))
		return -EINVAL;
	rc = argon2id_verify(encoded, pw, pw_len);
	if (rc == ARGON2_OK)
		return 0;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return -EACCES;
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return -ENOMEM;
	return -EINVAL;
}

int password_generate(char out[25])
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t rnd[24];
	size_t i = 0;

	/* Rejection sampling keeps every character equally likely. */
	while (i < 24) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return -EIO;
		for (size_t j = 0; j < sizeof(rnd) && i < 24; j++)
			if (rnd[j] < 248)
				out[i++] = alphabet[rnd[j] % 62];
	}
	out[24] = 0;
	return 0;
}
