#include "device_table.h"

#include <kvmrun/virtio_mmio.h>

void virtio_devices_init(struct virtio_devices *devs, const struct guest_mem *mem,
			 struct virtio_irq irq, int in_fd)
{
	virtio_console_init(&devs->console, mem, irq, KVMRUN_VIRTIO_IRQ_BASE + 0, in_fd);
	virtio_rng_init(&devs->rng, mem, irq, KVMRUN_VIRTIO_IRQ_BASE + 1);
	devs->dev[0] = &devs->console.dev;
	devs->dev[1] = &devs->rng.dev;
}

void virtio_devices_map(struct kvmrun_dev_entry map[VIRTIO_DEVICE_COUNT])
{
	for (unsigned i = 0; i < VIRTIO_DEVICE_COUNT; i++)
		map[i] = (struct kvmrun_dev_entry){
			.base = KVMRUN_VIRTIO_MMIO_BASE + (uint64_t)i * KVMRUN_VIRTIO_MMIO_STRIDE,
			.size = VIRTIO_MMIO_WINDOW_SIZE,
			.irq = KVMRUN_VIRTIO_IRQ_BASE + i,
		};
}

bool virtio_devices_mmio(struct virtio_devices *devs, uint64_t gpa, uint8_t data[8],
			 uint32_t len, bool is_write)
{
	if (gpa < KVMRUN_VIRTIO_MMIO_BASE || len == 0 || len > 8)
		return false;
	uint64_t index = (gpa - KVMRUN_VIRTIO_MMIO_BASE) / KVMRUN_VIRTIO_MMIO_STRIDE;
	uint64_t offset = (gpa - KVMRUN_VIRTIO_MMIO_BASE) % KVMRUN_VIRTIO_MMIO_STRIDE;
	/* An access that runs past its window's end is no device's. */
	if (index >= VIRTIO_DEVICE_COUNT || offset >= VIRTIO_MMIO_WINDOW_SIZE ||
	    len > VIRTIO_MMIO_WINDOW_SIZE - offset)
		return false;
	virtio_dev_mmio(devs->dev[index], (uint32_t)offset, data, len, is_write);
	return true;
}

void virtio_devices_wait(struct virtio_devices *devs)
{
	virtio_console_wait(&devs->console);
}
