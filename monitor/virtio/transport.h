/* The virtio-mmio transport, Version 2 (virtio 1.2 §4.2.2): one device's
 * register window, its status and feature negotiation (§2.1, §3.1) and its
 * queues. The device types (rng_device.c, console_device.c) plug in through ops.
 *
 * What kvmrun does where the spec leaves the device's side open:
 *   - Control registers (offsets below 0x100) take aligned 32-bit accesses
 *     only (§4.2.2.2 requires it of the driver). Any other width or
 *     alignment is a driver error: a read returns 0, a write is dropped, and
 *     the device needs reset.
 *   - Reading a write-only or unknown control register returns 0 (except
 *     SHMLen/SHMBase: all ones, "no shared memory region"); writing a
 *     read-only or unknown one is ignored.
 *   - Device config space (0x100 up to the window end, any width 1-8, any
 *     alignment) reads the device's config bytes, up to
 *     VIRTIO_DEV_CONFIG_MAX of them (zeros past them), and ignores writes:
 *     the console's cols/rows are fixed at start-up, it does not offer
 *     F_EMERG_WRITE, and the rng has no config. The config never changes,
 *     so ConfigGeneration always reads 0 (§2.5, §4.2.2).
 *   - Status bits only ever get set; writing 0 resets the device. The
 *     driver cannot clear DEVICE_NEEDS_RESET but by a reset.
 *   - DRIVER_OK without FEATURES_OK is a driver error (the device needs
 *     reset).
 *   - A driver error prints one line, "kvmrun: NAME: what: device needs
 *     reset", at most once per device reset and at most
 *     VIRTIO_DEV_REPORTS_MAX times in all, so a guest cannot flood stderr.
 */
#ifndef KVMRUN_VIRTIO_TRANSPORT_H
#define KVMRUN_VIRTIO_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmrun/virtio_mmio.h>

#include "../guest_mem.h"
#include "irq.h"
#include "virtq.h"

#define KVMRUN_VIRTIO_VENDOR_ID 0x4b564d52u /* kvmrun's own: "KVMR" as a number */
#define VIRTIO_DEV_MAX_QUEUES 2u
#define VIRTIO_DEV_REPORTS_MAX 16u
/* Device config space: the whole rest of the register window from 0x100
 * (§4.2.2), enough for any device type's config (virtio-blk's is 60). */
#define VIRTIO_DEV_CONFIG_MAX 256u
_Static_assert(VIRTIO_DEV_CONFIG_MAX == VIRTIO_MMIO_WINDOW_SIZE - VIRTIO_MMIO_CONFIG,
	       "config space fills the register window from VIRTIO_MMIO_CONFIG to its end");

struct virtio_dev;

/* What of the host a device may use, given when it starts (device_table.h
 * starts them all). */
struct virtio_device_env {
	const struct guest_mem *mem;
	struct virtio_irq irq;
	int console_in_fd;  /* the console's input: standard input in kvmrun */
	int console_out_fd; /* its output: standard output in kvmrun */
	int console_err_fd; /* the second console's: standard error in kvmrun */
};

struct virtio_dev_ops {
	const char *name;  /* "virtio-rng": how diagnostics name the device */
	uint32_t device_id;
	unsigned nqueues;  /* at most VIRTIO_DEV_MAX_QUEUES */
	/* The driver notified a queue that exists and is ready, with the
	 * device live. */
	void (*notify)(struct virtio_dev *dev, unsigned queue);
	/* Optional: the driver reset the device (Status 0, §2.4); the device
	 * type forgets what it told the driver before. */
	void (*reset)(struct virtio_dev *dev);
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *owner; /* the device type's own state */
	const struct guest_mem *mem;
	struct virtio_irq irq;
	uint32_t irq_line;

	uint64_t device_features; /* what the device offers (VIRTIO_DEV_FEATURES and its own) */
	uint8_t config[VIRTIO_DEV_CONFIG_MAX]; /* device config space, read-only to the driver */
	uint32_t config_size; /* bytes of config[] the device has, <= VIRTIO_DEV_CONFIG_MAX */

	uint32_t status;     /* Status (§2.1) */
	uint32_t int_status; /* InterruptStatus */
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint64_t driver_features;     /* feature bits 0..63 the driver accepted */
	bool driver_features_high;    /* and any bit at 64 or above */
	uint32_t queue_sel;
	struct virtq queue[VIRTIO_DEV_MAX_QUEUES];

	bool reported;    /* a diagnostic since the last reset */
	unsigned reports; /* diagnostics in all */
};

/* Feature bits every device offers: VIRTIO_F_VERSION_1; a device type adds
 * its own to device_features after virtio_dev_init(). */
#define VIRTIO_DEV_FEATURES (1ull << 32)

void virtio_dev_init(struct virtio_dev *dev, const struct virtio_dev_ops *ops, void *owner,
		     const struct guest_mem *mem, struct virtio_irq irq, uint32_t irq_line);

/* A guest access to the window: offset + len <= VIRTIO_MMIO_WINDOW_SIZE,
 * len 1..8; data holds len little-endian bytes (written by the guest, or
 * to be returned to it). Anything else is ignored. */
void virtio_dev_mmio(struct virtio_dev *dev, uint32_t offset, uint8_t *data, uint32_t len,
		     bool is_write);

/* The driver has set DRIVER_OK and the device is in no error state: only
 * then does it touch the queues. */
bool virtio_dev_live(const struct virtio_dev *dev);

/* A driver error: set DEVICE_NEEDS_RESET and print one diagnostic (within
 * the limits above). Returns the interrupt bits to raise for it (§2.1.2:
 * a configuration change notification once DRIVER_OK is set), 0 if none. */
uint32_t virtio_dev_needs_reset(struct virtio_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set InterruptStatus bits and raise the device's interrupt. */
void virtio_dev_interrupt(struct virtio_dev *dev, uint32_t bits);

#endif
