#include "wait_hypercall.h"

#include <kvmrun/hypercall.h>

enum hypercall_result wait_hypercall_handle(struct virtio_devices *devs, uint16_t port,
					    uint8_t direction, uint8_t size, uint32_t count,
					    char *err, size_t errlen)
{
	if (port != KVMRUN_PORT_WAIT)
		return HC_UNHANDLED;
	if (hypercall_check_form(port, direction, size, count, err, errlen) < 0)
		return HC_BAD_REQUEST;
	virtio_devices_wait(devs);
	return HC_CONTINUE;
}
