#include "virtq.h"

#include <stdatomic.h>
#include <string.h>

#include <kvmrun/virtqueue.h>

#include "../diag.h"

/* The rings are little-endian (§2.7); so is every host kvmrun runs on. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host");

/* Offsets inside the areas (§2.7.6, §2.7.8). */
#define AVAIL_FLAGS 0u
#define AVAIL_IDX 2u
#define AVAIL_RING 4u
#define USED_IDX 2u
#define USED_RING 4u

/* Guest memory is read and written with memcpy: no assumption about what
 * the guest stored there, and no unaligned or type-punned access. */
static uint16_t load16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static void store16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof v);
}

void virtq_reset(struct virtq *q)
{
	memset(q, 0, sizeof *q);
}

/* One area: aligned and wholly inside guest RAM; returns its host view. */
static uint8_t *check_area(const struct guest_mem *mem, const char *name, uint64_t gpa,
			   uint32_t bytes, uint32_t align, char *why, size_t whylen)
{
	if (gpa & (align - 1)) {
		diag_set(why, whylen, "%s at 0x%llx is not %u-byte aligned", name,
			 (unsigned long long)gpa, align);
		return NULL;
	}
	uint8_t *p = guest_mem_ptr(mem, gpa, bytes);
	if (!p)
		diag_set(why, whylen, "%s [0x%llx,+0x%x) is outside guest RAM", name,
			 (unsigned long long)gpa, bytes);
	return p;
}

int virtq_enable(struct virtq *q, const struct guest_mem *mem, uint32_t size_max,
		 char *why, size_t whylen)
{
	uint32_t n = q->size;

	if (size_max > VIRTQ_SIZE_MAX)
		size_max = VIRTQ_SIZE_MAX;
	q->ready = false;
	if (n == 0 || n > size_max) {
		diag_set(why, whylen, "queue size %u is outside 1..%u", n, size_max);
		return -1;
	}
	if (n & (n - 1)) {
		diag_set(why, whylen, "queue size %u is not a power of two", n);
		return -1;
	}
	q->desc = check_area(mem, "descriptor table", q->desc_gpa, VIRTQ_DESC_BYTES(n),
			     VIRTQ_DESC_ALIGN, why, whylen);
	if (!q->desc)
		return -1;
	q->avail = check_area(mem, "available ring", q->avail_gpa, VIRTQ_AVAIL_BYTES(n),
			      VIRTQ_AVAIL_ALIGN, why, whylen);
	if (!q->avail)
		return -1;
	q->used = check_area(mem, "used ring", q->used_gpa, VIRTQ_USED_BYTES(n),
			     VIRTQ_USED_ALIGN, why, whylen);
	if (!q->used)
		return -1;
	/* The driver zeroed the rings (§2.7): both sides start at index 0. */
	q->next_avail = 0;
	q->used_idx = 0;
	q->ready = true;
	return 0;
}

int virtq_pending(const struct virtq *q, unsigned *count, char *why, size_t whylen)
{
	uint16_t avail_idx = load16(q->avail + AVAIL_IDX);
	/* Read the index before the ring entries it covers (§2.7.13). */
	atomic_thread_fence(memory_order_acquire);
	uint16_t n = (uint16_t)(avail_idx - q->next_avail);

	if (n > q->size) {
		diag_set(why, whylen, "available index %u is %u entries ahead of the device "
			 "(at %u), more than the queue size %u", avail_idx, n, q->next_avail, q->size);
		return -1;
	}
	*count = n;
	return 0;
}

int virtq_peek(const struct virtq *q, const struct guest_mem *mem, enum virtq_parts parts,
	       struct virtq_chain *chain, char *why, size_t whylen)
{
	uint32_t slot = q->next_avail & (q->size - 1);
	uint16_t idx = load16(q->avail + AVAIL_RING + 2u * slot);
	uint32_t first_writable = UINT32_MAX; /* none yet */

	if (idx >= q->size) {
		diag_set(why, whylen, "available ring entry %u: head index %u is out of range "
			 "(queue size %u)", slot, idx, q->size);
		return -1;
	}
	chain->head = idx;
	chain->nread = chain->nwrite = 0;
	chain->read_bytes = chain->write_bytes = 0;
	/* A chain visits each descriptor at most once: more than size steps
	 * means it loops (§2.7.5.2: no loops). So at most size buffers. */
	for (uint32_t steps = 0;; steps++) {
		struct virtq_desc d;

		if (steps == q->size) {
			diag_set(why, whylen, "chain from descriptor %u is longer than the queue "
				 "size %u (a loop?)", chain->head, q->size);
			return -1;
		}
		memcpy(&d, q->desc + sizeof d * idx, sizeof d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			diag_set(why, whylen, "descriptor %u is INDIRECT, which was not negotiated", idx);
			return -1;
		}
		bool writable = d.flags & VIRTQ_DESC_F_WRITE;
		if (!writable && !(parts & VIRTQ_DEVICE_READS)) {
			diag_set(why, whylen, "descriptor %u is device-readable in a queue the "
				 "device writes", idx);
			return -1;
		}
		if (writable && !(parts & VIRTQ_DEVICE_WRITES)) {
			diag_set(why, whylen, "descriptor %u is device-writable in a queue the "
				 "device reads", idx);
			return -1;
		}
		/* §2.7.4.2: writable descriptors come after all readable ones. */
		if (!writable && first_writable != UINT32_MAX) {
			diag_set(why, whylen, "descriptor %u is device-readable after device-writable "
				 "descriptor %u", idx, first_writable);
			return -1;
		}
		if (writable && first_writable == UINT32_MAX)
			first_writable = idx;
		/* Empty buffers carry nothing: skipped, their address unchecked. */
		if (d.len) {
			void *p = guest_mem_ptr(mem, d.addr, d.len);
			if (!p) {
				diag_set(why, whylen, "descriptor %u [0x%llx,+0x%x) is outside guest RAM",
					 idx, (unsigned long long)d.addr, d.len);
				return -1;
			}
			/* Readable ones never follow a writable one (checked
			 * above), so appending keeps the two parts in order. */
			chain->seg[chain->nread + chain->nwrite] =
				(struct iovec){ .iov_base = p, .iov_len = d.len };
			if (writable) {
				chain->nwrite++;
				chain->write_bytes += d.len;
			} else {
				chain->nread++;
				chain->read_bytes += d.len;
			}
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= q->size) {
			diag_set(why, whylen, "descriptor %u: next index %u is out of range "
				 "(queue size %u)", idx, d.next, q->size);
			return -1;
		}
		idx = d.next;
	}
}

void virtq_complete(struct virtq *q, uint16_t head, uint32_t len)
{
	struct virtq_used_elem elem = { .id = head, .len = len };
	uint32_t slot = q->used_idx & (q->size - 1);

	memcpy(q->used + USED_RING + sizeof elem * slot, &elem, sizeof elem);
	/* The element before the index that publishes it (§2.7.8.2). */
	atomic_thread_fence(memory_order_release);
	q->used_idx++;
	store16(q->used + USED_IDX, q->used_idx);
	q->next_avail++;
}

bool virtq_interrupt_wanted(const struct virtq *q)
{
	/* used->idx is written before the flags are read (§2.7.10). */
	atomic_thread_fence(memory_order_seq_cst);
	return !(load16(q->avail + AVAIL_FLAGS) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}
