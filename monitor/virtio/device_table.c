#include "device_table.h"

#include <kvmrun/machine_layout.h>
#include <kvmrun/virtio_mmio.h>

static uint32_t irq_line(unsigned index)
{
	return KVMRUN_VIRTIO_IRQ_BASE + index;
}

void virtio_devices_init(struct virtio_devices *devs, const struct virtio_device_env *env)
{
	unsigned i = 0;

#define VIRTIO_DEVICE_START_(member, type, start) \
	devs->dev[i] = start(&devs->member, env, irq_line(i)); \
	i++;
	VIRTIO_DEVICE_TABLE(VIRTIO_DEVICE_START_)
#undef VIRTIO_DEVICE_START_
}

void virtio_devices_map(struct kvmrun_dev_entry map[VIRTIO_DEVICE_COUNT])
{
	for (unsigned i = 0; i < VIRTIO_DEVICE_COUNT; i++)
		map[i] = (struct kvmrun_dev_entry){
			.base = KVMRUN_VIRTIO_MMIO_BASE + (uint64_t)i * KVMRUN_VIRTIO_MMIO_STRIDE,
			.size = VIRTIO_MMIO_WINDOW_SIZE,
			.irq = irq_line(i),
		};
}

/* The MMIO table's view of a device window: the transport checks the
 * access itself, and a driver error is the device's (DEVICE_NEEDS_RESET),
 * never a stop of the guest. */
static int serve_window(void *ctx, uint64_t offset, uint8_t *data, uint32_t len, bool is_write,
			char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	virtio_dev_mmio(ctx, (uint32_t)offset, data, len, is_write);
	return 0;
}

int virtio_devices_add_regions(struct virtio_devices *devs, struct mmio_regions *regions,
			       char *err, size_t errlen)
{
	struct kvmrun_dev_entry map[VIRTIO_DEVICE_COUNT];

	virtio_devices_map(map);
	for (unsigned i = 0; i < VIRTIO_DEVICE_COUNT; i++) {
		struct mmio_region r = {
			.name = devs->dev[i]->ops->name, .base = map[i].base, .size = map[i].size,
			.serve = serve_window, .ctx = devs->dev[i],
		};
		if (mmio_regions_add(regions, &r, err, errlen) < 0)
			return -1;
	}
	return 0;
}

void virtio_devices_wait(struct virtio_devices *devs)
{
	virtio_console_wait(&devs->console);
}

void virtio_devices_input_arrived(struct virtio_devices *devs)
{
	virtio_console_receive(&devs->console);
}
