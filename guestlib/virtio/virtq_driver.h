/* The driver's side of a split virtqueue (virtio 1.2 §2.7). Drivers here
 * own their descriptors: they fill desc[i] and make chains available by
 * head index; completed chains come back from the used ring. */
#ifndef KVMRUN_GUEST_VIRTQUEUE_H
#define KVMRUN_GUEST_VIRTQUEUE_H

#include <stdint.h>

#include <kvmrun/virtqueue.h>

struct virtq_driver {
	uint16_t size;
	uint16_t avail_idx; /* next free slot in the avail ring (free-running) */
	uint16_t last_used; /* next used entry to consume (free-running) */
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
};

/* Allocate zeroed rings for size entries (a power of two). 0 or -1. */
int virtq_driver_alloc(struct virtq_driver *q, uint16_t size);

/* Fill descriptor i as a single buffer (no NEXT). */
void virtq_driver_set_desc(struct virtq_driver *q, uint16_t i, const void *addr, uint32_t len, int device_writes);

/* Link descriptor i to next (VIRTQ_DESC_F_NEXT), after both are filled. */
void virtq_driver_chain(struct virtq_driver *q, uint16_t i, uint16_t next);

/* Offer the chain starting at head to the device (§2.7.13). */
void virtq_driver_make_available(struct virtq_driver *q, uint16_t head);

/* Take one used element: 1 with *id and *len set, 0 if none yet. */
int virtq_driver_take_used(struct virtq_driver *q, uint32_t *id, uint32_t *len);

#endif
