#include "virtio_rng.h"

#include <kvmrun/virtio_mmio.h>

#include "virtio_mmio_driver.h"

#define QUEUE_SIZE 4
#define MAX_EMPTY_ANSWERS 16

static struct virtio_mmio dev;
static struct virtq_driver q;
static int up;

int virtio_rng_ready(void)
{
	return up;
}

int virtio_rng_init(uint64_t base, uint32_t irq)
{
	if (virtio_mmio_probe(&dev, base, irq) != VIRTIO_ID_ENTROPY || virtio_mmio_begin(&dev, 0) < 0)
		return -1;
	if (virtio_mmio_setup_queue(&dev, VIRTIO_RNG_REQUESTQ, &q, QUEUE_SIZE) < 0) {
		virtio_mmio_fail(&dev);
		return -1;
	}
	virtio_mmio_driver_ok(&dev);
	up = 1;
	return 0;
}

/* The buffer itself goes to the device (no copy): one exit per request.
 * The device may fill less than offered (§5.4.6.2); ask again for the rest. */
int virtio_rng_fill(void *buf, size_t len)
{
	char *p = buf;
	unsigned empty = 0;

	while (len > 0 && up) {
		uint32_t chunk = len > (1u << 30) ? (1u << 30) : (uint32_t)len;
		uint32_t id, got;

		virtq_driver_set_desc(&q, 0, p, chunk, 1);
		virtq_driver_make_available(&q, 0);
		virtio_mmio_notify(&dev, VIRTIO_RNG_REQUESTQ);
		if (!virtq_driver_take_used(&q, &id, &got) || id != 0 || got > chunk) {
			up = 0;
			break;
		}
		if (got == 0 && ++empty > MAX_EMPTY_ANSWERS) {
			up = 0;
			break;
		}
		p += got;
		len -= got;
	}
	return len == 0 ? 0 : -1;
}
