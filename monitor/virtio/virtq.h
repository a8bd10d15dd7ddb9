/* Split virtqueues, the device's side (virtio 1.2 §2.7): checking the rings
 * the driver set up, walking its descriptor chains and handing them back
 * through the used ring. The rings live in guest memory and the guest may
 * have put anything there, so every index and address is checked before
 * use. Buffers are reached through guest_mem_ptr(), one check per
 * descriptor; the three ring areas through host pointers kept from
 * QueueReady, when guest_mem_ptr() checked each area whole (guest RAM is
 * mapped once and never moves, so the check holds while the queue is
 * ready), and every index into them is reduced modulo the queue size. */
#ifndef KVMRUN_MONITOR_VIRTQ_H
#define KVMRUN_MONITOR_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "../guest_mem.h"

/* The largest queue kvmrun's devices offer (QueueNumMax); a chain has at
 * most this many descriptors. */
#define VIRTQ_SIZE_MAX 256u

struct virtq {
	uint32_t size;      /* QueueNum: a power of two, 1..VIRTQ_SIZE_MAX once ready */
	bool ready;         /* QueueReady */
	uint64_t desc_gpa;  /* QueueDesc: descriptor table */
	uint64_t avail_gpa; /* QueueDriver: available ring */
	uint64_t used_gpa;  /* QueueDevice: used ring */
	uint16_t next_avail; /* free-running index of the next available entry to take */
	uint16_t used_idx;   /* free-running used->idx, as last written */
	uint8_t *desc, *avail, *used; /* host views of the three areas while ready */
};

/* One descriptor chain (§2.7.5): a device-readable part, then a
 * device-writable part, either possibly empty. §2.7.4.2 has the driver
 * place every device-writable descriptor after every device-readable one,
 * so the chain splits in two; virtq_peek() refuses one that does not.
 * Only non-empty buffers are kept, in chain order: the readable ones in
 * seg[0 .. nread), then the writable ones in seg[nread .. nread + nwrite). */
struct virtq_chain {
	uint16_t head;
	unsigned nread, nwrite;
	uint64_t read_bytes;  /* sum of the readable buffers' lengths */
	uint64_t write_bytes; /* sum of the writable buffers' lengths */
	struct iovec seg[VIRTQ_SIZE_MAX];
};

/* The chain's device-writable buffers: nwrite of them. */
static inline const struct iovec *virtq_chain_writable(const struct virtq_chain *chain)
{
	return chain->seg + chain->nread;
}

/* The parts a queue's chains may have: each device type says so per queue
 * (§5: the console's transmitq only carries data to the device, its
 * receiveq and the rng's requestq only take data from it; a block request
 * has both). A descriptor of a part the queue does not take is a driver
 * error. The values are bits: READS | WRITES == READS_THEN_WRITES. */
enum virtq_parts {
	VIRTQ_DEVICE_READS = 1,             /* driver to device: no descriptor may be WRITE */
	VIRTQ_DEVICE_WRITES = 2,            /* device to driver: every descriptor must be WRITE */
	VIRTQ_DEVICE_READS_THEN_WRITES = 3, /* readable descriptors, then WRITE ones */
};

/* Back to the reset state: not ready, size and addresses 0. */
void virtq_reset(struct virtq *q);

/* QueueReady = 1: check the size and the three areas (§2.7: alignment,
 * whole area inside guest RAM) and start at index 0. Returns 0, or -1 with
 * why set and the queue left not ready. */
int virtq_enable(struct virtq *q, const struct guest_mem *mem, uint32_t size_max,
		 char *why, size_t whylen);

/* Chains the driver has made available and the device not yet taken.
 * Returns 0, or -1 with why set when avail->idx claims more than the queue
 * holds. */
int virtq_pending(const struct virtq *q, unsigned *count, char *why, size_t whylen);

/* Walk the next available chain without taking it and split it into its
 * readable and writable parts. Returns 0, or -1 with why set when the
 * chain breaks the rules (§2.7.5.2, §2.7.4.2): an index out of range, a
 * loop (more descriptors than the queue size), INDIRECT, a buffer outside
 * guest RAM, a descriptor of a part the queue does not take, or a
 * device-readable descriptor after a device-writable one. Empty buffers
 * are skipped without checking their address, but their flags follow the
 * same rules. */
int virtq_peek(const struct virtq *q, const struct guest_mem *mem, enum virtq_parts parts,
	       struct virtq_chain *chain, char *why, size_t whylen);

/* Take the chain virtq_peek() returned and put it in the used ring with len
 * bytes written (§2.7.8): the element first, then used->idx. */
void virtq_complete(struct virtq *q, uint16_t head, uint32_t len);

/* False when the driver asked not to be interrupted (§2.7.7,
 * VIRTQ_AVAIL_F_NO_INTERRUPT). */
bool virtq_interrupt_wanted(const struct virtq *q);

#endif
