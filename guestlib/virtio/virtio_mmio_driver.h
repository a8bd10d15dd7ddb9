/* The driver's side of the virtio-mmio transport (virtio 1.2 §4.2.3). */
#ifndef KVMRUN_GUEST_VIRTIO_MMIO_H
#define KVMRUN_GUEST_VIRTIO_MMIO_H

#include <stdint.h>

#include "virtq_driver.h"

struct virtio_mmio {
	uintptr_t base;
	uint32_t irq;
	uint32_t device_id;
	uint64_t features; /* negotiated */
	uint32_t status;   /* what the driver last wrote to Status */
};

/* Check the window at base: magic, version 2, a device. Returns its DeviceID
 * (0: nothing usable there). */
uint32_t virtio_mmio_probe(struct virtio_mmio *dev, uint64_t base, uint32_t irq);

/* §3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, negotiate the wanted
 * features plus VERSION_1, FEATURES_OK and check that it stuck. 0 or -1. */
int virtio_mmio_begin(struct virtio_mmio *dev, uint64_t wanted);

/* §4.2.3.2: set up queue index with at most size entries. 0 or -1. */
int virtio_mmio_setup_queue(struct virtio_mmio *dev, uint32_t index, struct virtq_driver *q, uint16_t size);

/* §3.1.1 step 8: DRIVER_OK. */
void virtio_mmio_driver_ok(struct virtio_mmio *dev);

/* Mark the device FAILED after an error during initialisation. */
void virtio_mmio_fail(struct virtio_mmio *dev);

/* Tell the device that queue index has new available buffers. */
void virtio_mmio_notify(struct virtio_mmio *dev, uint32_t index);

uint32_t virtio_mmio_status(struct virtio_mmio *dev);

#endif
