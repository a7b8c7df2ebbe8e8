/* SPDX-License-Identifier: Apache-2.0 */
/* Prints argv and the environment, one per line. */
#include <stdio.h>
extern char **environ;
int main(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		printf("arg[%d]=%s\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env %s\n", *e);
	return 0;
}
