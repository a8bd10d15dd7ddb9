/* One pass over a device's queue: take the chains the driver made
 * available, hand each to the device type, return them through the used
 * ring, then interrupt the guest once (§2.7.13, §2.7.7). */
#ifndef KVMRUN_VIRTIO_PASS_H
#define KVMRUN_VIRTIO_PASS_H

#include <stdint.h>

#include "transport.h"
#include "virtq.h"

/* A device type's work on one chain. Returns the bytes it wrote into the
 * chain (the used length), or VIRTIO_CHAIN_LATER to leave this chain and
 * the ones after it available for a later pass. */
#define VIRTIO_CHAIN_LATER (-1)
typedef int64_t (*virtio_chain_fn)(struct virtio_dev *dev, const struct virtq_chain *chain);

/* Does nothing unless the device is live and the queue ready. Takes at
 * most the chains available when it starts (never more than the queue
 * size), so a guest cannot keep the monitor here. A chain that breaks the
 * rules stops the pass and puts the device in DEVICE_NEEDS_RESET (virtq.h
 * says which rules). Returns the chains completed. */
unsigned virtio_queue_pass(struct virtio_dev *dev, unsigned queue, enum virtq_direction dir,
			   virtio_chain_fn fn);

#endif
