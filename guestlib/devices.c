/* Device discovery: walk start_info's device map, read each window's
 * DeviceID and start the driver for it. */
#include <kvmrun/guest.h>
#include <kvmrun/virtio_mmio.h>

#include "devices.h"
#include "virtio_console.h"
#include "virtio_mmio.h"
#include "virtio_rng.h"

void devices_init(void)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();

	for (uint32_t i = 0; i < si->dev_count && i < KVMRUN_MAX_DEV_ENTRIES; i++) {
		const struct kvmrun_dev_entry *d = &si->dev[i];
		struct virtio_mmio probe;

		if (d->size < VIRTIO_MMIO_WINDOW_SIZE)
			continue;
		switch (virtio_mmio_probe(&probe, d->base, d->irq)) {
		case VIRTIO_ID_CONSOLE:
			if (!virtio_console_ready())
				virtio_console_init(d->base, d->irq);
			break;
		case VIRTIO_ID_ENTROPY:
			virtio_rng_init(d->base, d->irq);
			break;
		default:
			break;
		}
	}
}
