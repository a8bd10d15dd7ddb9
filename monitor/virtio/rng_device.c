#include "rng_device.h"

#include <kvmrun/virtio_mmio.h>

#include "../host_random.h"
#include "../stats.h"
#include "pass.h"

/* Each chain gets at most VIRTIO_RNG_CHAIN_MAX bytes, and no more than the
 * pass has left; the device may fill fewer than offered (§5.4.6.2). */
static int64_t fill_chain(struct virtio_dev *dev, const struct virtq_chain *chain, uint64_t budget)
{
	const struct iovec *seg = virtq_chain_writable(chain);
	uint64_t cap = budget < VIRTIO_RNG_CHAIN_MAX ? budget : VIRTIO_RNG_CHAIN_MAX;
	size_t done = 0;

	(void)dev;
	for (unsigned i = 0; i < chain->nwrite && done < cap; i++) {
		size_t want = seg[i].iov_len;
		if (want > cap - done)
			want = (size_t)(cap - done);
		size_t got = host_random_fill(seg[i].iov_base, want);
		done += got;
		if (got < want)
			break;
	}
	stats.rng_bytes += done;
	return (int64_t)done;
}

static void notify(struct virtio_dev *dev, unsigned queue)
{
	/* Requests are buffers for the device to fill: device-writable only
	 * (§5.4.6). */
	if (queue == VIRTIO_RNG_REQUESTQ)
		virtio_queue_pass(dev, queue, VIRTQ_DEVICE_WRITES, fill_chain);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_ENTROPY,
	.nqueues = 1,
	.notify = notify,
};

struct virtio_dev *virtio_rng_start(struct virtio_rng *rng, const struct virtio_device_env *env,
				    uint32_t irq_line)
{
	virtio_dev_init(&rng->dev, &rng_ops, rng, env->mem, env->irq, irq_line);
	return &rng->dev;
}
