/* Hypercalls, every one the guest makes (include/kvmrun/hypercall.h):
 * the early console, the trace output, the wait for input, exit. */
#include <kvmrun/guest.h>

#include "port_io.h"

/* Bytes to kvmrun through a write port (struct kvmrun_debug_write). */
static void port_write(uint16_t port, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		size_t chunk = len < KVMRUN_DEBUG_WRITE_MAX ? len : KVMRUN_DEBUG_WRITE_MAX;
		/* On the stack: below 4 GiB, as the 32-bit port value requires. */
		volatile struct kvmrun_debug_write req = {
			.data = (uintptr_t)p,
			.len = (uint32_t)chunk,
		};
		outl(port, (uint32_t)(uintptr_t)&req);
		p += chunk;
		len -= chunk;
	}
}

void kvmrun_debug_write(const void *data, size_t len)
{
	port_write(KVMRUN_PORT_DEBUG_WRITE, data, len);
}

void kvmrun_trace_write(const void *data, size_t len)
{
	port_write(KVMRUN_PORT_TRACE_WRITE, data, len);
}

void kvmrun_wait_for_input(void)
{
	outl(KVMRUN_PORT_WAIT, 0);
}

void kvmrun_halt_with_status(int status)
{
	outl(KVMRUN_PORT_EXIT, (uint32_t)status);
	for (;;)
		__asm__ volatile("cli; hlt");
}
