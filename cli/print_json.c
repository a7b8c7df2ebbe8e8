/* SPDX-License-Identifier: Apache-2.0 */
/* Every command's result is JSON on stdout, and a failure to print it is
 * reported the same way. */
#include "cli/cli.h"

#include <stdio.h>

int cli_print_json(json_t *j, size_t flags, const char *what)
{
	int rc = j && json_dumpf(j, stdout, flags) == 0 && putchar('\n') != EOF &&
			 fflush(stdout) == 0
		 ? CLI_EXIT_OK
		 : CLI_EXIT_FAIL;
	json_decref(j);
	if (rc)
		fprintf(stderr, "kettle: cannot print the %s\n", what);
	return rc;
}
