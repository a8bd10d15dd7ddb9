#include "wait_hypercall.h"

#include <kvmrun/hypercall.h>

#include "diag.h"

enum hypercall_result wait_hypercall_handle(struct virtio_devices *devs, uint16_t port,
					    uint8_t direction, uint8_t size, uint32_t count,
					    char *err, size_t errlen)
{
	if (port != KVMRUN_PORT_WAIT)
		return HC_UNHANDLED;
	if (direction != KVM_EXIT_IO_OUT || size != 4 || count != 1) {
		diag_set(err, errlen, "hypercall port 0x%x takes one 32-bit out, got %s of %u byte(s) x%u",
			 port, direction == KVM_EXIT_IO_OUT ? "out" : "in", size, count);
		return HC_BAD_REQUEST;
	}
	virtio_devices_wait(devs);
	return HC_CONTINUE;
}
