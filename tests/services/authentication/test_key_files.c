/* SPDX-License-Identifier: Apache-2.0 */
/* authentication's key files: made 0600 at first start, read back the
 * same, refused when others may read them or when the token key is the
 * TLS key (issue 7: tokens were signed with the TLS key). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "services/authentication/key_files.h"
#include "services/authentication/token.h"
#include "tests/services/storage/test_util.h"
#include "tests/harness/tmp.h"
#include "tests/tap.h"

static int mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

int main(void)
{
	char dirbuf[128], *dir = harness_temp_dir(dirbuf, sizeof(dirbuf), "test") == 0 ? dirbuf : NULL;
	char rec[256], tok[256], hex[256];
	uint8_t k1[32], k2[32], k3[32];
	struct token_signer *s1 = NULL, *s2 = NULL, *s3 = NULL;
	struct token_claims c = { .sub = "alice", .role = ROLE_DATA_OWNER,
				  .iat = 100, .exp = 200, .gen = 1 }, got;
	char *t = NULL;
	FILE *f;

	if (!dir)
		return 1;
	snprintf(rec, sizeof(rec), "%s/record.key", dir);
	snprintf(tok, sizeof(tok), "%s/token.pem", dir);
	snprintf(hex, sizeof(hex), "%s/given.key", dir);
	CHECK(key_file_secret(rec, k1) == 0 && mode_of(rec) == 0600,
	      "a missing record key is made with mode 0600");
	CHECK(key_file_secret(rec, k2) == 0 && !memcmp(k1, k2, 32),
	      "and reads back the same at the next start");
	f = fopen(hex, "w");
	fputs("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", f);
	fclose(f);
	chmod(hex, 0600);
	CHECK(key_file_secret(hex, k3) == 0 && k3[0] == 0 && k3[31] == 0x1f,
	      "a key the platform wrote as 64 hex digits reads");
	chmod(hex, 0644);
	CHECK(key_file_secret(hex, k3) == -EPERM,
	      "a key file others may read is refused");
	strcpy(c.epoch, "00112233445566778899aabbccddeeff");
	CHECK(key_file_token_signer(tok, NULL, &s1) == 0 && mode_of(tok) == 0600,
	      "a missing token key is made with mode 0600");
	CHECK(key_file_token_signer(tok, NULL, &s2) == 0 &&
		      token_issue(s1, &c, &t) == 0 &&
		      token_verify(s2, t, 150, &got) == 0,
	      "tokens signed before a restart verify after it");
	CHECK(key_file_token_signer(tok, tok, &s3) == -EEXIST,
	      "the TLS key itself is refused as the token key");
	free(t);
	token_signer_free(s1);
	token_signer_free(s2);
	harness_remove_tree(dir);
	TAP_DONE();
}
