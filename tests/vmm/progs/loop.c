/* SPDX-License-Identifier: Apache-2.0 */
int main(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}
