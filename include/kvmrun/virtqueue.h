/* Split virtqueues (virtio 1.2 §2.7): the rings the driver and the device
 * share in guest memory. Little-endian, fixed-width: one layout for 32- and
 * 64-bit guests and the monitor. */
#ifndef KVMRUN_VIRTQUEUE_H
#define KVMRUN_VIRTQUEUE_H

#include <stdint.h>

#define VIRTQ_DESC_F_NEXT 1u     /* the chain continues in .next */
#define VIRTQ_DESC_F_WRITE 2u    /* device-writable (otherwise device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4u /* not offered by kvmrun's devices */

/* kvmrun's devices take at most this many bytes in the device-readable
 * part of one chain (all of a console transmitq chain): a longer part is a
 * driver error, and the device needs reset. The same limit as KVMRUN_DEBUG_WRITE_MAX. */
#define KVMRUN_VIRTQ_READ_CHAIN_MAX (1u << 20)

/* Descriptor table: 16-byte aligned, queue size entries (§2.7.5). */
struct virtq_desc {
	uint64_t addr; /* guest-physical */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* avail->flags: the driver needs no used-buffer interrupt (§2.7.7). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* Available ring ("driver area"): 2-byte aligned (§2.7.6). */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* queue size entries, then used_event (EVENT_IDX only) */
};

struct virtq_used_elem {
	uint32_t id;  /* head of the chain */
	uint32_t len; /* bytes the device wrote into the chain */
};

/* Used ring ("device area"): 4-byte aligned (§2.7.8). */
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* queue size entries, then avail_event */
};

#define VIRTQ_DESC_ALIGN 16u
#define VIRTQ_AVAIL_ALIGN 2u
#define VIRTQ_USED_ALIGN 4u

/* Bytes each area takes for a queue of size n (§2.7, "Queue Part"),
 * the event fields included. */
#define VIRTQ_DESC_BYTES(n) (16u * (uint32_t)(n))
#define VIRTQ_AVAIL_BYTES(n) (6u + 2u * (uint32_t)(n))
#define VIRTQ_USED_BYTES(n) (6u + 8u * (uint32_t)(n))

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc layout");
_Static_assert(sizeof(struct virtq_avail) == 4, "virtq_avail layout");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem layout");
_Static_assert(sizeof(struct virtq_used) == 4, "virtq_used layout");

#endif
