/* virtio-rng driver (virtio 1.2 §5.4): entropy from the host. */
#ifndef KVMRUN_GUEST_VIRTIO_RNG_H
#define KVMRUN_GUEST_VIRTIO_RNG_H

#include <stddef.h>
#include <stdint.h>

int virtio_rng_init(uint64_t base, uint32_t irq);
int virtio_rng_ready(void);

/* Fill buf with len random bytes. 0, or -1 without a working device. */
int virtio_rng_fill(void *buf, size_t len);

#endif
