/* The content-addressed blob store. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "services/storage/blob.h"
#include "tests/harness/tmp.h"
#include "tests/tap.h"

int main(void)
{
	char dir[256], digest[BLOB_DIGEST_HEX_LEN + 1], path[512];
	const char *abc_digest =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	uint8_t *data = NULL;
	size_t len = 0;
	FILE *f;

	if (harness_temp_dir(dir, sizeof(dir), "blob") < 0)
		return 1;
	CHECK(blob_put(dir, "abc", 3, digest) == 0 &&
		      !strcmp(digest, abc_digest),
	      "the blob is named by its SHA-256");
	CHECK(blob_get(dir, digest, &data, &len) == 0 && len == 3 &&
		      !memcmp(data, "abc", 3),
	      "reading by digest returns the bytes");
	free(data);
	CHECK(blob_put(dir, "abc", 3, digest) == 0,
	      "storing the same bytes again succeeds");
	CHECK(blob_put(dir, "", 0, digest) == 0 &&
		      blob_get(dir, digest, &data, &len) == 0 && len == 0,
	      "an empty blob round-trips");
	free(data);
	CHECK(blob_get(dir, "../etc/passwd", &data, &len) == -EINVAL,
	      "a path in place of a digest is refused");
	CHECK(blob_get(dir, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		       &data, &len) == -EINVAL,
	      "an upper-case digest is refused");
	CHECK(blob_get(dir, "ba7816bf", &data, &len) == -EINVAL,
	      "a short digest is refused");
	CHECK(blob_get(dir,
		       "0000000000000000000000000000000000000000000000000000000000000000",
		       &data, &len) == -ENOENT,
	      "an unknown digest is -ENOENT");
	snprintf(path, sizeof(path), "%s/%s", dir, abc_digest);
	f = fopen(path, "w");
	fputs("abd", f);
	fclose(f);
	CHECK(blob_get(dir, abc_digest, &data, &len) == -EBADMSG,
	      "a blob whose bytes changed on disk is detected");
	CHECK(blob_put(dir, "x", BLOB_SIZE_MAX + 1, digest) == -E2BIG,
	      "a blob over BLOB_SIZE_MAX is refused");
	harness_remove_tree(dir);
	TAP_DONE();
}
