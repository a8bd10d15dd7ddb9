/* Test guest: read or write an address in the MMIO hole that no device
 * serves. argv[1] "read" reads instead of writing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)0xe0000000u;

	printf("poking MMIO at %p\n", (void *)p);
	fflush(NULL);
	if (argc > 1 && strcmp(argv[1], "read") == 0)
		printf("read 0x%x\n", (unsigned)*p);
	else
		*p = 0xdeadbeef;
	return 0;
}
