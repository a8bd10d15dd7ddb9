/* The machine's virtio devices: one line each in VIRTIO_DEVICE_TABLE below.
 * A line's place i is the device's place in start_info's device map, and
 * gives it its register window, KVMRUN_VIRTIO_MMIO_BASE + i *
 * KVMRUN_VIRTIO_MMIO_STRIDE (VIRTIO_MMIO_WINDOW_SIZE bytes), and its
 * interrupt, IOAPIC pin KVMRUN_VIRTIO_IRQ_BASE + i
 * (include/kvmrun/machine_layout.h). Adding a device takes its own file
 * here, one line, and its driver in guestlib/device_discovery.c's table. */
#ifndef KVMRUN_VIRTIO_DEVICE_TABLE_H
#define KVMRUN_VIRTIO_DEVICE_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmrun/start_info.h>

#include "../mmio_regions.h"
#include "console_device.h"
#include "rng_device.h"

/* LINE(member, type, start): the member of struct virtio_devices that holds
 * the device's state, its type, and the function that starts it (see
 * virtio_device_start_fn). */
#define VIRTIO_DEVICE_TABLE(LINE)                                 \
	LINE(console, struct virtio_console, virtio_console_start)         \
	LINE(rng, struct virtio_rng, virtio_rng_start)                     \
	LINE(console_err, struct virtio_console, virtio_console_err_start)

#define VIRTIO_DEVICE_ONE_(member, type, start) +1
#define VIRTIO_DEVICE_COUNT (0u VIRTIO_DEVICE_TABLE(VIRTIO_DEVICE_ONE_))
_Static_assert(VIRTIO_DEVICE_COUNT <= KVMRUN_MAX_DEV_ENTRIES, "start_info's device map holds them");

struct virtio_devices {
#define VIRTIO_DEVICE_MEMBER_(member, type, start) type member;
	VIRTIO_DEVICE_TABLE(VIRTIO_DEVICE_MEMBER_)
#undef VIRTIO_DEVICE_MEMBER_
	struct virtio_dev *dev[VIRTIO_DEVICE_COUNT]; /* by device map index */
};

/* Start every device in its reset state. env says what of the host they
 * may use. */
void virtio_devices_init(struct virtio_devices *devs, const struct virtio_device_env *env);

/* The device map entries start_info gives the guest. */
void virtio_devices_map(struct kvmrun_dev_entry map[VIRTIO_DEVICE_COUNT]);

/* Enter each device's register window into the MMIO table. 0, or -1 with
 * err set. */
int virtio_devices_add_regions(struct virtio_devices *devs, struct mmio_regions *regions,
			       char *err, size_t errlen);

/* KVMRUN_PORT_WAIT: see virtio_console_wait(). */
void virtio_devices_wait(struct virtio_devices *devs);

/* Standard input has something (input_watch.h): the console's receive
 * pass delivers it to buffers the driver posted. */
void virtio_devices_input_arrived(struct virtio_devices *devs);

#endif
