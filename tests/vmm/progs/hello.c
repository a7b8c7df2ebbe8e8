/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
int main(void)
{
	printf("hello from a kettle guest\n");
	return 0;
}
