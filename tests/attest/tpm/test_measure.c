/* SPDX-License-Identifier: Apache-2.0 */
/* Launch measurement: known answers from an independent Python hashlib
 * computation (measure_ref.py), and sensitivity to order, GPA, type and
 * content. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "attest/tpm/measure.h"
#include "lib/bytes.h"
#include "tests/tap.h"

struct step {
	int type;
	uint64_t gpa;
	int fill; /* -1: no contents passed */
};

static void fill_page(uint8_t *page, int fill)
{
	for (int j = 0; j < MEASURE_PAGE_SIZE; j++)
		page[j] = (uint8_t)(fill + 31 * j);
}

static int run(const struct step *steps, size_t n, uint8_t out[48])
{
	static uint8_t page[MEASURE_PAGE_SIZE];
	struct launch_measure m;
	int rc;

	measure_init(&m);
	for (size_t i = 0; i < n; i++) {
		if (steps[i].fill >= 0)
			fill_page(page, steps[i].fill);
		rc = measure_page(&m, steps[i].type, steps[i].gpa,
				  steps[i].fill >= 0 ? page : NULL);
		if (rc)
			return rc;
	}
	return measure_final(&m, out);
}

static void to_hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Runs the reference script on the same steps; 0 on success. */
static int reference(const char *python, const char *script,
		     const struct step *steps, size_t n, char out[97])
{
	char cmd[4096];
	int len = snprintf(cmd, sizeof(cmd), "%s %s", python, script);

	for (size_t i = 0; i < n; i++)
		len += snprintf(cmd + len, sizeof(cmd) - (size_t)len,
				" %d:0x%llx:%d", steps[i].type,
				(unsigned long long)steps[i].gpa, steps[i].fill);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	char line[256];
	int ok = fgets(line, sizeof(line), p) != NULL &&
		 strlen(line) == 97 && line[96] == '\n';
	while (fgets(cmd, sizeof(cmd), p)) /* drain, so it never sees EPIPE */
		ok = 0;
	if (ok) {
		memcpy(out, line, 96);
		out[96] = '\0';
	}
	return pclose(p) == 0 && ok ? 0 : -1;
}

static int differs(const struct step *a, size_t na, const struct step *b,
		   size_t nb)
{
	uint8_t da[48], db[48];

	if (run(a, na, da) || run(b, nb, db))
		return 0;
	return memcmp(da, db, 48) != 0;
}

/* a small guest: code pages, a zero-filled stack, the special pages, and
 * the VMSA last, as kettle-vmm orders them */
static const struct step guest[] = {
	{MEASURE_PAGE_NORMAL, 0x100000, 1},
	{MEASURE_PAGE_NORMAL, 0x101000, 2},
	{MEASURE_PAGE_NORMAL, 0x102000, 200},
	{MEASURE_PAGE_ZERO, 0x200000, -1},
	{MEASURE_PAGE_ZERO, 0x201000, -1},
	{MEASURE_PAGE_UNMEASURED, 0x300000, -1},
	{MEASURE_PAGE_SECRETS, 0x400000, -1},
	{MEASURE_PAGE_CPUID, 0x401000, -1},
	{MEASURE_PAGE_VMSA, MEASURE_VMSA_GPA, 77},
};
static const size_t n = ARRAY_SIZE(guest);

/* Known answers from measure_ref.py (python, script). */
static void test_reference(const char *python, const char *script)
{
	uint8_t d[48];
	char hex[97], ref[97];

	CHECK(run(guest, n, d) == 0, "measure a 9-page guest");
	to_hex(d, 48, hex);
	CHECK(reference(python, script, guest, n, ref) == 0,
	      "python reference ran");
	CHECK(strcmp(hex, ref) == 0, "digest matches hashlib PAGE_INFO chain");
	printf("# kettle %s\n# python %s\n", hex, ref);

	CHECK(run(guest, 1, d) == 0 &&
		      reference(python, script, guest, 1, ref) == 0 &&
		      (to_hex(d, 48, hex), strcmp(hex, ref) == 0),
	      "single-page digest matches hashlib");

	struct launch_measure m;
	measure_init(&m);
	CHECK(measure_final(&m, d) == 0 && memcmp(d, (uint8_t[48]){0}, 48) == 0,
	      "no pages: the all-zero initial digest");
}

/* Order, GPA, type and content each change the digest. */
static void test_sensitivity(void)
{
	uint8_t d2[48];

	/* order */
	struct step swapped[9];
	memcpy(swapped, guest, sizeof(guest));
	swapped[0] = guest[1];
	swapped[1] = guest[0];
	CHECK(differs(guest, n, swapped, n), "swapping two pages changes it");

	/* GPA */
	struct step moved[9];
	memcpy(moved, guest, sizeof(guest));
	moved[2].gpa += 0x1000;
	CHECK(differs(guest, n, moved, n), "moving one page changes it");
	memcpy(moved, guest, sizeof(guest));
	moved[3].gpa += 0x1000; /* a zero page: GPA still counts */
	CHECK(differs(guest, n, moved, n), "moving a zero page changes it");

	/* type */
	struct step retyped[9];
	memcpy(retyped, guest, sizeof(guest));
	retyped[0].type = MEASURE_PAGE_VMSA;
	CHECK(differs(guest, n, retyped, n), "NORMAL vs VMSA with same content");
	memcpy(retyped, guest, sizeof(guest));
	retyped[5].type = MEASURE_PAGE_ZERO;
	CHECK(differs(guest, n, retyped, n), "UNMEASURED vs ZERO at same GPA");

	/* content */
	struct step edited[9];
	memcpy(edited, guest, sizeof(guest));
	edited[1].fill = 3;
	CHECK(differs(guest, n, edited, n), "changing a page's bytes changes it");
	memcpy(edited, guest, sizeof(guest));
	edited[3].fill = 9; /* bytes handed for a ZERO page are ignored */
	CHECK(!differs(guest, n, edited, n) && run(edited, n, d2) == 0,
	      "ZERO page contents are not measured");

	/* dropping a page */
	CHECK(differs(guest, n, guest, n - 1), "dropping the VMSA changes it");
}

static void test_bad_input(void)
{
	struct launch_measure m;
	uint8_t d[48];

	static uint8_t page[MEASURE_PAGE_SIZE];
	measure_init(&m);
	CHECK(measure_page(&m, 0, 0x1000, page) == -EINVAL, "type 0 rejected");
	CHECK(measure_page(&m, 7, 0x1000, page) == -EINVAL, "type 7 rejected");
	CHECK(measure_page(&m, MEASURE_PAGE_NORMAL, 0x1001, page) == -EINVAL,
	      "unaligned GPA rejected");
	CHECK(measure_page(&m, MEASURE_PAGE_NORMAL, 1ull << 52, page) == -EINVAL,
	      "GPA beyond 52 bits rejected");
	CHECK(measure_page(&m, MEASURE_PAGE_NORMAL, 0x1000, NULL) == -EINVAL,
	      "NORMAL page without contents rejected");
	CHECK(measure_final(&m, d) == 0 && memcmp(d, (uint8_t[48]){0}, 48) == 0,
	      "rejected pages leave the digest untouched");
}

int main(int argc, char **argv)
{
	if (argc != 3)
		TAP_SKIP_ALL("usage: test-measure PYTHON measure_ref.py");
	test_reference(argv[1], argv[2]);
	test_sensitivity();
	test_bad_input();
	TAP_DONE();
}
