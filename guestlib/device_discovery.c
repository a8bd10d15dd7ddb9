/* Device discovery, on first use: the first time an app prints, reads or
 * asks for entropy, walk start_info's device map, read each window's
 * DeviceID and start the driver for it. An app that never touches a device
 * pays no VM exits for it. */
#include <kvmrun/guest.h>
#include <kvmrun/virtio_mmio.h>

#include "device_discovery.h"
#include "virtio_console.h"
#include "virtio_mmio_driver.h"
#include "virtio_rng.h"

/* Start the driver for the first working device of this type. */
static void start(uint32_t type)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();

	for (uint32_t i = 0; i < si->dev_count && i < KVMRUN_MAX_DEV_ENTRIES; i++) {
		const struct kvmrun_dev_entry *d = &si->dev[i];
		struct virtio_mmio probe;

		if (d->size < VIRTIO_MMIO_WINDOW_SIZE || virtio_mmio_probe(&probe, d->base, d->irq) != type)
			continue;
		if (type == VIRTIO_ID_CONSOLE && virtio_console_init(d->base, d->irq) == 0)
			return;
		if (type == VIRTIO_ID_ENTROPY && virtio_rng_init(d->base, d->irq) == 0)
			return;
	}
}

int devices_console(void)
{
	static int tried;

	if (!tried) {
		tried = 1;
		start(VIRTIO_ID_CONSOLE);
	}
	return virtio_console_ready();
}

int devices_entropy(void)
{
	static int tried;

	if (!tried) {
		tried = 1;
		start(VIRTIO_ID_ENTROPY);
	}
	return virtio_rng_ready();
}
