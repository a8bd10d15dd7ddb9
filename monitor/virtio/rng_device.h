/* virtio-rng, the entropy device (virtio 1.2 §5.4): one request queue
 * whose device-writable buffers kvmrun fills from getrandom(). */
#ifndef KVMRUN_VIRTIO_RNG_H
#define KVMRUN_VIRTIO_RNG_H

#include "transport.h"

/* The device may fill fewer bytes than a buffer offers (§5.4.6); kvmrun
 * caps each chain so one notification's work stays bounded. */
#define VIRTIO_RNG_CHAIN_MAX (1u << 20)

struct virtio_rng {
	struct virtio_dev dev;
};

/* Reset state; the device raises irq_line. Returns its transport. */
struct virtio_dev *virtio_rng_start(struct virtio_rng *rng, const struct virtio_device_env *env,
				    uint32_t irq_line);

#endif
