#include "virtio_mmio_driver.h"

#include <kvmrun/virtio_mmio.h>

#include "mmio.h"

static uint32_t reg_read(struct virtio_mmio *dev, uint32_t off)
{
	return mmio_read32(dev->base + off);
}

static void reg_write(struct virtio_mmio *dev, uint32_t off, uint32_t value)
{
	mmio_write32(dev->base + off, value);
}

uint32_t virtio_mmio_probe(struct virtio_mmio *dev, uint64_t base, uint32_t irq)
{
	dev->base = (uintptr_t)base;
	dev->irq = irq;
	dev->features = 0;
	dev->device_id = 0;
	dev->status = 0;
	if (reg_read(dev, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    reg_read(dev, VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_VERSION_MODERN)
		return 0;
	dev->device_id = reg_read(dev, VIRTIO_MMIO_DEVICE_ID);
	return dev->device_id;
}

uint32_t virtio_mmio_status(struct virtio_mmio *dev)
{
	return reg_read(dev, VIRTIO_MMIO_STATUS);
}

/* The driver keeps its own copy of what it wrote to Status: one exit per
 * step instead of a read and a write. */
static void add_status(struct virtio_mmio *dev, uint32_t bits)
{
	dev->status |= bits;
	reg_write(dev, VIRTIO_MMIO_STATUS, dev->status);
}

void virtio_mmio_fail(struct virtio_mmio *dev)
{
	add_status(dev, VIRTIO_STATUS_FAILED);
}

int virtio_mmio_begin(struct virtio_mmio *dev, uint64_t wanted)
{
	reg_write(dev, VIRTIO_MMIO_STATUS, 0);
	dev->status = 0;
	if (reg_read(dev, VIRTIO_MMIO_STATUS) != 0)
		return -1;
	add_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(dev, VIRTIO_STATUS_DRIVER);

	reg_write(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t offered = reg_read(dev, VIRTIO_MMIO_DEVICE_FEATURES);
	reg_write(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)reg_read(dev, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
		virtio_mmio_fail(dev); /* a legacy-only device: not ours to drive */
		return -1;
	}
	dev->features = offered & (wanted | (1ull << VIRTIO_F_VERSION_1));
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)dev->features);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(dev->features >> 32));

	add_status(dev, VIRTIO_STATUS_FEATURES_OK);
	if (!(reg_read(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_mmio_fail(dev);
		return -1;
	}
	return 0;
}

int virtio_mmio_setup_queue(struct virtio_mmio *dev, uint32_t index, struct virtq_driver *q, uint16_t size)
{
	reg_write(dev, VIRTIO_MMIO_QUEUE_SEL, index);
	if (reg_read(dev, VIRTIO_MMIO_QUEUE_READY) != 0)
		return -1;
	uint32_t max = reg_read(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0)
		return -1;
	while (size > max)
		size /= 2;
	if (size == 0 || virtq_driver_alloc(q, size) < 0)
		return -1;
	reg_write(dev, VIRTIO_MMIO_QUEUE_NUM, size);
	uint64_t desc = (uintptr_t)q->desc, avail = (uintptr_t)q->avail, used = (uintptr_t)q->used;
	reg_write(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	reg_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	reg_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	reg_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	return reg_read(dev, VIRTIO_MMIO_QUEUE_READY) == 1 ? 0 : -1;
}

void virtio_mmio_driver_ok(struct virtio_mmio *dev)
{
	add_status(dev, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_mmio_notify(struct virtio_mmio *dev, uint32_t index)
{
	reg_write(dev, VIRTIO_MMIO_QUEUE_NOTIFY, index);
}
