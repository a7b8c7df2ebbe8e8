/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/cli.h"

#include <errno.h>
#include <string.h>

int cli_parse(int argc, char **argv, struct cli_opt *opts, size_t n_opts,
	      const char **pos, size_t max_pos, size_t *n_pos)
{
	*n_pos = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0) {
			if (*n_pos == max_pos)
				return -EINVAL;
			pos[(*n_pos)++] = a;
			continue;
		}
		size_t k = 0;
		while (k < n_opts && strcmp(opts[k].name, a) != 0)
			k++;
		if (k == n_opts || i + 1 >= argc || opts[k].value)
			return -EINVAL; /* unknown, no value, or given twice */
		opts[k].value = argv[++i];
	}
	return 0;
}
