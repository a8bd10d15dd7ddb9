/* The machine's devices, in start_info's device map order: device 0 the
 * console, device 1 the entropy source. Device i answers at
 * KVMRUN_VIRTIO_MMIO_BASE + i * KVMRUN_VIRTIO_MMIO_STRIDE (a window of
 * VIRTIO_MMIO_WINDOW_SIZE bytes) and raises IOAPIC pin
 * KVMRUN_VIRTIO_IRQ_BASE + i. */
#ifndef KVMRUN_VIRTIO_DEVICES_H
#define KVMRUN_VIRTIO_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmrun/start_info.h>

#include "console_device.h"
#include "rng_device.h"

#define VIRTIO_DEVICE_COUNT 2u

struct virtio_devices {
	struct virtio_console console;
	struct virtio_rng rng;
	struct virtio_dev *dev[VIRTIO_DEVICE_COUNT]; /* by device map index */
};

/* in_fd: the console's input (standard input in kvmrun). */
void virtio_devices_init(struct virtio_devices *devs, const struct guest_mem *mem,
			 struct virtio_irq irq, int in_fd);

/* The device map entries start_info gives the guest. */
void virtio_devices_map(struct kvmrun_dev_entry map[VIRTIO_DEVICE_COUNT]);

/* A KVM_EXIT_MMIO access (api.rst: phys_addr, data[8], len, is_write).
 * Returns true when a device window holds all of [gpa, gpa+len) and the
 * device served it; false when the access is not a device's. */
bool virtio_devices_mmio(struct virtio_devices *devs, uint64_t gpa, uint8_t data[8],
			 uint32_t len, bool is_write);

/* KVMRUN_PORT_WAIT: see virtio_console_wait(). */
void virtio_devices_wait(struct virtio_devices *devs);

#endif
