#include "virtq_driver.h"

#include <stdint.h>

#include "memory/page_alloc.h"
#include "mmio.h"

int virtq_driver_alloc(struct virtq_driver *q, uint16_t size)
{
	q->size = size;
	q->avail_idx = 0;
	q->last_used = 0;
	q->desc = kvmrun_alloc(VIRTQ_DESC_BYTES(size), VIRTQ_DESC_ALIGN);
	q->avail = kvmrun_alloc(VIRTQ_AVAIL_BYTES(size), VIRTQ_AVAIL_ALIGN);
	q->used = kvmrun_alloc(VIRTQ_USED_BYTES(size), VIRTQ_USED_ALIGN);
	return q->desc && q->avail && q->used ? 0 : -1;
}

void virtq_driver_set_desc(struct virtq_driver *q, uint16_t i, const void *addr, uint32_t len, int device_writes)
{
	q->desc[i].addr = (uintptr_t)addr; /* identity-mapped: virtual == physical */
	q->desc[i].len = len;
	q->desc[i].flags = device_writes ? VIRTQ_DESC_F_WRITE : 0;
	q->desc[i].next = 0;
}

void virtq_driver_chain(struct virtq_driver *q, uint16_t i, uint16_t next)
{
	q->desc[i].flags |= VIRTQ_DESC_F_NEXT;
	q->desc[i].next = next;
}

void virtq_driver_make_available(struct virtq_driver *q, uint16_t head)
{
	q->avail->ring[q->avail_idx & (q->size - 1)] = head;
	virtio_wmb(); /* the ring entry before the index that publishes it */
	q->avail_idx++;
	q->avail->idx = q->avail_idx;
	virtio_mb(); /* the index before any notify or used-ring read */
}

int virtq_driver_take_used(struct virtq_driver *q, uint32_t *id, uint32_t *len)
{
	if (q->used->idx == q->last_used)
		return 0;
	virtio_rmb(); /* the index before the entry it covers */
	volatile struct virtq_used_elem *e = &q->used->ring[q->last_used & (q->size - 1)];
	*id = e->id;
	*len = e->len;
	q->last_used++;
	return 1;
}
