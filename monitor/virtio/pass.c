#include "pass.h"

#include <kvmrun/virtio_mmio.h>
#include <kvmrun/virtqueue.h>

#include "../stop_request.h"

unsigned virtio_queue_pass(struct virtio_dev *dev, unsigned queue, enum virtq_parts parts,
			   virtio_chain_fn fn)
{
	struct virtq_chain chain;
	char why[256];
	unsigned pending, done = 0;
	uint32_t irq_bits = 0;
	uint64_t budget = VIRTIO_PASS_BYTES_MAX;

	if (queue >= dev->ops->nqueues)
		return 0;
	struct virtq *q = &dev->queue[queue];
	if (!q->ready || !virtio_dev_live(dev))
		return 0;
	if (virtq_pending(q, &pending, why, sizeof why) < 0) {
		irq_bits = virtio_dev_needs_reset(dev, "queue %u: %s", queue, why);
		pending = 0;
	}
	for (unsigned i = 0; i < pending && budget > 0 && !stop_requested(); i++) {
		if (virtq_peek(q, dev->mem, parts, &chain, why, sizeof why) < 0) {
			irq_bits |= virtio_dev_needs_reset(dev, "queue %u: %s", queue, why);
			break;
		}
		/* A readable-only chain keeps the words it always had; one
		 * with a writable part too says which part is too long. */
		if (chain.read_bytes > KVMRUN_VIRTQ_READ_CHAIN_MAX) {
			irq_bits |= virtio_dev_needs_reset(
				dev, chain.nwrite
				? "queue %u: chain from descriptor %u has %llu device-readable bytes, "
				  "more than the %u a chain may carry to the device"
				: "queue %u: chain from descriptor %u carries %llu bytes, more than "
				  "the %u a device-readable chain may",
				queue, chain.head, (unsigned long long)chain.read_bytes,
				KVMRUN_VIRTQ_READ_CHAIN_MAX);
			break;
		}
		/* The device reads the whole readable part: it must fit what
		 * is left; the writable part gets what remains after it. */
		if (chain.read_bytes > budget)
			break;
		uint64_t room = budget - chain.read_bytes;
		int64_t len = fn(dev, &chain, room);
		if (len < 0)
			break;
		budget = room - ((uint64_t)len < room ? (uint64_t)len : room);
		virtq_complete(q, chain.head, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
		done++;
	}
	if (done && virtq_interrupt_wanted(q))
		irq_bits |= VIRTIO_MMIO_INT_VRING;
	if (irq_bits)
		virtio_dev_interrupt(dev, irq_bits);
	return done;
}
