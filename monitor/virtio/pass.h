/* One pass over a device's queue: take the chains the driver made
 * available, hand each to the device type, return them through the used
 * ring, then interrupt the guest once (§2.7.13, §2.7.7).
 *
 * A chain is a device-readable part followed by a device-writable part
 * (virtq.h); the device type says which parts a queue's chains may have.
 * What one pass may cost is bounded, whatever the guest put in the queue:
 *   - at most the chains available when it starts (never more than the
 *     queue size), each at most the queue size long (virtq.h);
 *   - at most VIRTIO_PASS_BYTES_MAX bytes moved between the chains and the
 *     host, read and written together: the device reads a chain's whole
 *     readable part, so that part must fit what is left, and fills its
 *     writable part at most to what is left after that; chains past the
 *     limit stay available for the next pass (the driver's next
 *     notification, or the wait hypercall for the console's input);
 *   - a chain's readable part carries at most KVMRUN_VIRTQ_READ_CHAIN_MAX
 *     bytes; a longer one puts the device in DEVICE_NEEDS_RESET;
 *   - a stop request (stop_request.h) ends the pass before the next chain,
 *     and the device types check for one between host calls of at most
 *     HOST_IO_STEP_MAX bytes. */
#ifndef KVMRUN_VIRTIO_PASS_H
#define KVMRUN_VIRTIO_PASS_H

#include <stdint.h>

#include "transport.h"
#include "virtq.h"

#define VIRTIO_PASS_BYTES_MAX (16u << 20)

/* A device type's work on one chain: it reads the whole readable part
 * (which the pass has counted already) and writes at most budget bytes
 * (<= VIRTIO_PASS_BYTES_MAX, possibly 0) into the writable part. Returns
 * the bytes it wrote into the chain (the used length, §2.7.8), or
 * VIRTIO_CHAIN_LATER to leave this chain and the ones after it available
 * for a later pass. */
#define VIRTIO_CHAIN_LATER (-1)
typedef int64_t (*virtio_chain_fn)(struct virtio_dev *dev, const struct virtq_chain *chain,
				   uint64_t budget);

/* Does nothing unless the device is live and the queue ready. parts says
 * what the queue's chains may have. A chain that breaks the rules stops
 * the pass and puts the device in DEVICE_NEEDS_RESET (virtq.h says which
 * rules). Returns the chains completed. */
unsigned virtio_queue_pass(struct virtio_dev *dev, unsigned queue, enum virtq_parts parts,
			   virtio_chain_fn fn);

#endif
