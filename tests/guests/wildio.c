/* Test guest: port I/O to a port no device serves. argv[1] "in" reads
 * instead of writing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("poking port 0x1234\n");
	fflush(NULL);
	if (argc > 1 && strcmp(argv[1], "in") == 0) {
		uint8_t v;
		__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((uint16_t)0x1234));
		printf("read 0x%x\n", v);
	} else {
		__asm__ volatile("outb %0, %1" : : "a"((uint8_t)0x5a), "Nd"((uint16_t)0x1234));
	}
	return 0;
}
