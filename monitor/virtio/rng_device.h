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

void virtio_rng_init(struct virtio_rng *rng, const struct guest_mem *mem, struct virtio_irq irq,
		     uint32_t irq_line);

#endif
