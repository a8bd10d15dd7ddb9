/* Bench guest: N hypercall round trips, then exit 0.
 *   hcall N
 * Each round trip is one 32-bit `out` to the early-console port with an
 * empty request (len 0): one VM exit that kvmrun decodes, checks against
 * guest RAM and answers without a system call, the counterpart of the
 * floor's `--exits=N` (bench/floor.c). */
#include <stdint.h>
#include <stdlib.h>

#include <kvmrun/hypercall.h>

/* Static (zero: no data, length 0), below 4 GiB as the 32-bit port value
 * requires. */
static volatile struct kvmrun_debug_write req;

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	uint32_t gpa = (uint32_t)(uintptr_t)&req;

	for (unsigned long i = 0; i < n; i++)
		__asm__ volatile("outl %0, %1" : : "a"(gpa), "Nd"((uint16_t)KVMRUN_PORT_DEBUG_WRITE)
				 : "memory");
	return 0;
}
