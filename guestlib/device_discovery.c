/* Device discovery, on first use: the first time an app prints, reads or
 * asks for entropy, walk start_info's device map, read each window's
 * DeviceID and start the driver for it. An app that never touches a device
 * pays no VM exits for it. */
#include <kvmrun/guest.h>
#include <kvmrun/virtio_mmio.h>

#include "device_discovery.h"
#include "virtio/virtio_console.h"
#include "virtio/virtio_mmio_driver.h"
#include "virtio/virtio_rng.h"

static int stdout_start(uint64_t base, uint32_t irq)
{
	return virtio_console_init(CONSOLE_STDOUT, base, irq);
}

static int stdout_ready(void)
{
	return virtio_console_ready(CONSOLE_STDOUT);
}

static int stderr_start(uint64_t base, uint32_t irq)
{
	return virtio_console_init(CONSOLE_STDERR, base, irq);
}

static int stderr_ready(void)
{
	return virtio_console_ready(CONSOLE_STDERR);
}

/* The drivers, one line each: the device type each drives and which one
 * of that type in the device map (kvmrun's device table sets the order),
 * how to start it on a window (0 when it works) and whether it is up. */
static const struct driver {
	uint32_t device_id;
	unsigned nth;
	int (*start)(uint64_t base, uint32_t irq);
	int (*ready)(void);
} drivers[DEVICE_KIND_COUNT] = {
	[DEVICE_CONSOLE] = { VIRTIO_ID_CONSOLE, 0, stdout_start, stdout_ready },
	[DEVICE_ENTROPY] = { VIRTIO_ID_ENTROPY, 0, virtio_rng_init, virtio_rng_ready },
	[DEVICE_CONSOLE_ERR] = { VIRTIO_ID_CONSOLE, 1, stderr_start, stderr_ready },
};

/* Start the driver on the nth device of its type. */
static void start(const struct driver *drv)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();
	unsigned seen = 0;

	for (uint32_t i = 0; i < si->dev_count && i < KVMRUN_MAX_DEV_ENTRIES; i++) {
		const struct kvmrun_dev_entry *d = &si->dev[i];
		struct virtio_mmio probe;

		if (d->size < VIRTIO_MMIO_WINDOW_SIZE ||
		    virtio_mmio_probe(&probe, d->base, d->irq) != drv->device_id)
			continue;
		if (seen++ == drv->nth) {
			drv->start(d->base, d->irq);
			return;
		}
	}
}

int device_ready(enum device_kind kind)
{
	static unsigned char tried[DEVICE_KIND_COUNT];

	if (!tried[kind]) {
		tried[kind] = 1;
		start(&drivers[kind]);
	}
	return drivers[kind].ready();
}
