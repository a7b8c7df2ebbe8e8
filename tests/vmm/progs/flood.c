/* SPDX-License-Identifier: Apache-2.0 */
/* Writes to stdout (or an output file with argv[1] = "file") forever. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char line[1024];
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	FILE *f = argc > 1 ? fopen("/output/flood", "w") : stdout;
	if (!f)
		return 1;
	for (;;)
		if (fwrite(line, 1, sizeof line, f) != sizeof line)
			return 2;
}
