/* SPDX-License-Identifier: Apache-2.0 */
/* Stands in for a test whose prerequisite meson did not find, so the test
 * stays registered under its own name and is counted: "1..0 # SKIP why",
 * and under CI=true a failure (tests/tap.h).
 * Usage: harness-skip WHY... */
#include "tests/tap.h"

int main(int argc, char **argv)
{
	char why[1024] = "";
	size_t used = 0;

	for (int i = 1; i < argc; i++) {
		int n = snprintf(why + used, sizeof(why) - used, "%s%s",
				 i > 1 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(why) - used)
			break;
		used += (size_t)n;
	}
	TAP_SKIP_ALL("%s", why[0] ? why : "a prerequisite is missing");
}
