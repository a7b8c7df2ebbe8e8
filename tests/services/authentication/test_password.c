/* SPDX-License-Identifier: Apache-2.0 */
/* Argon2id password hashing and the id/password/role rules. */
#include <errno.h>
#include <string.h>

#include "services/authentication/ids.h"
#include "services/authentication/password.h"
#include "tests/tap.h"

int main(void)
{
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX], gen[25], gen2[25];
	char longid[10001];

	CHECK(password_hash(&password_cost_default, "correct horse", 13, h1) ==
		      0,
	      "hashing succeeds");
	CHECK(!strncmp(h1, "$argon2id$v=19$m=19456,t=2,p=1$", 31),
	      "the encoded hash names argon2id and the default cost");
	CHECK(password_verify(h1, "correct horse", 13) == 0,
	      "the right password verifies");
	CHECK(password_verify(h1, "correct horsf", 13) == -EACCES,
	      "a wrong password is -EACCES");
	CHECK(password_verify(h1, "correct horse", 12) == -EACCES,
	      "a prefix of the password is -EACCES");
	password_hash(&password_cost_default, "correct horse", 13, h2);
	CHECK(strcmp(h1, h2) != 0, "two hashes of one password differ (salt)");
	CHECK(password_verify("$2y$10$notargon", "x", 1) == -EINVAL,
	      "a non-argon2id hash is -EINVAL");
	CHECK(password_verify("$argon2id$garbage", "x", 1) == -EINVAL,
	      "a malformed hash is -EINVAL");
	CHECK(password_generate(gen) == 0 && strlen(gen) == 24 &&
		      strspn(gen, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
				  "tuvwxyz0123456789") == 24,
	      "a generated password is 24 alphanumerics");
	password_generate(gen2);
	CHECK(strcmp(gen, gen2) != 0, "two generated passwords differ");

	CHECK(authn_id_valid("alice", 5), "a plain id is valid");
	CHECK(authn_id_valid("a.b_c-d@example.org", 19), "id punctuation . _ - @");
	CHECK(!authn_id_valid("", 0), "an empty id is invalid");
	CHECK(!authn_id_valid(".", 1) && !authn_id_valid("..", 2),
	      "'.' and '..' are invalid ids");
	CHECK(!authn_id_valid("a/b", 3), "an id with '/' is invalid");
	CHECK(!authn_id_valid("a\0b", 3), "an id with NUL is invalid");
	CHECK(!authn_id_valid("a b", 3), "an id with a space is invalid");
	CHECK(!authn_id_valid("caf\xc3\xa9", 5), "a non-ASCII id is invalid");
	memset(longid, 'a', sizeof(longid));
	CHECK(authn_id_valid(longid, 64) && !authn_id_valid(longid, 65) &&
		      !authn_id_valid(longid, 10000),
	      "ids are at most 64 characters");
	CHECK(!authn_password_valid("short", 5) &&
		      authn_password_valid("eightch!", 8),
	      "passwords are at least 8 bytes");
	CHECK(authn_password_valid(longid, 256) &&
		      !authn_password_valid(longid, 257),
	      "passwords are at most 256 bytes");
	CHECK(!authn_password_valid("abc\0defgh", 9),
	      "a password with NUL is invalid");
	CHECK(authn_role_parse("data_owner") == ROLE_DATA_OWNER &&
		      authn_role_parse("platform_admin") == ROLE_PLATFORM_ADMIN &&
		      authn_role_parse("admin") == ROLE_NONE &&
		      authn_role_parse("") == ROLE_NONE,
	      "role names parse exactly");
	CHECK(!strcmp(authn_role_name(ROLE_DATA_OWNER_MANAGER),
		      "data_owner_manager"),
	      "role names print");
	TAP_DONE();
}
