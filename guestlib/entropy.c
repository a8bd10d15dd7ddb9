/* Entropy for apps, from the virtio-rng device. */
#include <unistd.h>

#include <kvmrun/guest.h>

#include "device_discovery.h"
#include "virtio/virtio_rng.h"

int kvmrun_getrandom(void *buf, size_t len)
{
	if (!device_ready(DEVICE_ENTROPY))
		return -1;
	return virtio_rng_fill(buf, len);
}

int getentropy(void *buf, size_t len)
{
	if (len > 256)
		return -1; /* as POSIX getentropy(): at most 256 bytes a call */
	return kvmrun_getrandom(buf, len);
}
