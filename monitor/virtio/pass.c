#include "pass.h"

#include <kvmrun/virtio_mmio.h>

unsigned virtio_queue_pass(struct virtio_dev *dev, unsigned queue, enum virtq_direction dir,
			   virtio_chain_fn fn)
{
	struct virtq_chain chain;
	char why[256];
	unsigned pending, done = 0;
	uint32_t irq_bits = 0;

	if (queue >= dev->ops->nqueues)
		return 0;
	struct virtq *q = &dev->queue[queue];
	if (!q->ready || !virtio_dev_live(dev))
		return 0;
	if (virtq_pending(q, &pending, why, sizeof why) < 0) {
		irq_bits = virtio_dev_needs_reset(dev, "queue %u: %s", queue, why);
		pending = 0;
	}
	for (unsigned i = 0; i < pending; i++) {
		if (virtq_peek(q, dev->mem, dir, &chain, why, sizeof why) < 0) {
			irq_bits |= virtio_dev_needs_reset(dev, "queue %u: %s", queue, why);
			break;
		}
		int64_t len = fn(dev, &chain);
		if (len < 0)
			break;
		virtq_complete(q, chain.head, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
		done++;
	}
	if (done && virtq_interrupt_wanted(q))
		irq_bits |= VIRTIO_MMIO_INT_VRING;
	if (irq_bits)
		virtio_dev_interrupt(dev, irq_bits);
	return done;
}
