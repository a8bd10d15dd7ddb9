/* Test guest: an 8 MiB bss; writes its first and last byte and checks the
 * rest of it reads as zero at a few places. */
#include <stdio.h>

static volatile unsigned char big[8 << 20];

int main(void)
{
	for (unsigned i = 0; i < sizeof big; i += 1 << 20)
		if (big[i] != 0)
			return 1;
	big[0] = 1;
	big[sizeof big - 1] = 2;
	printf("bss ok\n");
	return big[0] + big[sizeof big - 1] == 3 ? 0 : 1;
}
