/* The wait hypercall (KVMRUN_PORT_WAIT, include/kvmrun/hypercall.h): the
 * guest sleeps in the monitor until its console has input. Apart from
 * hypercall.c because it needs the devices. */
#ifndef KVMRUN_WAIT_HYPERCALL_H
#define KVMRUN_WAIT_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"
#include "virtio/devices.h"

/* Arguments as hypercall_handle(). HC_UNHANDLED for any other port,
 * HC_BAD_REQUEST (err set) unless it is one 32-bit out, else waits and
 * returns HC_CONTINUE. */
enum hypercall_result wait_hypercall_handle(struct virtio_devices *devs, uint16_t port,
					    uint8_t direction, uint8_t size, uint32_t count,
					    char *err, size_t errlen);

#endif
