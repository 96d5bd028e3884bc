/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

int main(int argc, char **argv)
{
	fputs("ckubeadm: not built yet\n", stderr);
	return 1;
}
