/* Test guest: load an empty IDT and raise an exception. With no handler the
 * exception escalates to a double fault, then a triple fault (shutdown). */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	struct __attribute__((packed)) { uint16_t limit; uintptr_t base; } idtr = { 0, 0 };

	printf("about to triple fault\n");
	fflush(NULL);
	__asm__ volatile("lidt %0; int3" : : "m"(idtr));
	return 0;
}
