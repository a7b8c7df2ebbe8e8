/* SPDX-License-Identifier: Apache-2.0 */
/* A guest program that fails an assertion: abort() must end the task with
 * code 134 after the message reached stderr, in both libcs. */
#include <assert.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argv;
	printf("before\n");
	fflush(stdout);
	assert(argc > 5);
	return 0;
}
