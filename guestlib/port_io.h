/* x86 port I/O, the guest's way to make a hypercall. */
#ifndef KVMRUN_GUEST_PORT_IO_H
#define KVMRUN_GUEST_PORT_IO_H

#include <stdint.h>

static inline void outl(uint16_t port, uint32_t value)
{
	/* "memory": the monitor reads guest memory the request points to. */
	__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

#endif
