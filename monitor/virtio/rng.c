#include "rng.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <kvmrun/virtio_mmio.h>

#include "../diag.h"
#include "../stats.h"
#include "pass.h"

/* Fill up to len bytes; returns how many were filled (fewer only if
 * getrandom() fails, which it should not on any kernel kvmrun runs on). */
static size_t fill_random(uint8_t *p, size_t len)
{
	static int reported;
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(p + done, len - done, 0);
		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else {
			if (!reported++)
				diag("virtio-rng: getrandom failed: %s: the guest gets fewer bytes",
				     n < 0 ? strerror(errno) : "no bytes");
			break;
		}
	}
	return done;
}

static int64_t fill_chain(struct virtio_dev *dev, const struct virtq_chain *chain)
{
	size_t done = 0;

	(void)dev;
	for (unsigned i = 0; i < chain->nseg && done < VIRTIO_RNG_CHAIN_MAX; i++) {
		size_t want = chain->seg[i].iov_len;
		if (want > VIRTIO_RNG_CHAIN_MAX - done)
			want = VIRTIO_RNG_CHAIN_MAX - done;
		size_t got = fill_random(chain->seg[i].iov_base, want);
		done += got;
		if (got < want)
			break;
	}
	stats.rng_bytes += done;
	return (int64_t)done;
}

static void notify(struct virtio_dev *dev, unsigned queue)
{
	if (queue == VIRTIO_RNG_REQUESTQ)
		virtio_queue_pass(dev, queue, VIRTQ_DEVICE_WRITES, fill_chain);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_ENTROPY,
	.nqueues = 1,
	.notify = notify,
};

void virtio_rng_init(struct virtio_rng *rng, const struct guest_mem *mem, struct virtio_irq irq,
		     uint32_t irq_line)
{
	virtio_dev_init(&rng->dev, &rng_ops, rng, mem, irq, irq_line);
}
