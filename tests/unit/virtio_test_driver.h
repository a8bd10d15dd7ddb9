/* For the virtio unit tests: a guest with kvmrun's two devices and no KVM.
 * Plays the driver's part through the same entry point the exit loop uses
 * (the MMIO table, mmio_regions_access), counts interrupts, and captures
 * stderr. */
#ifndef KVMRUN_TEST_VIRTIO_DRIVER_H
#define KVMRUN_TEST_VIRTIO_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include <kvmrun/virtio_mmio.h>
#include <kvmrun/virtqueue.h>

#include "../../monitor/virtio/device_table.h"

#define TD_MEM_SIZE (64ull << 20)
#define TD_CONSOLE 0u
#define TD_RNG 1u

struct td {
	struct guest_mem mem;
	struct virtio_devices devs;
	struct mmio_regions regions; /* the device windows, as kvmrun enters them */
	unsigned irqs;          /* interrupts raised */
	uint32_t irq_line;      /* the last one's line */
};

extern struct td td;

/* A fresh guest (zeroed RAM, devices in reset state); in_fd is the
 * console's input. */
void td_setup(int in_fd);
void td_teardown(void);

/* The same as cmocka fixtures, the guest without console input. */
int td_fixture_setup(void **state);
int td_fixture_teardown(void **state);

struct virtio_dev *td_dev(unsigned dev);
void *td_ptr(uint64_t gpa, uint64_t len);

/* Register access as the exit loop makes it; asserts a device served it. */
uint64_t td_access(unsigned dev, uint32_t offset, uint32_t len, uint64_t value, bool is_write);
uint32_t td_read(unsigned dev, uint32_t offset);
void td_write(unsigned dev, uint32_t offset, uint32_t value);

/* §3.1.1 up to FEATURES_OK (asserted to stick), with VIRTIO_F_VERSION_1. */
void td_driver_start(unsigned dev);
void td_driver_ok(unsigned dev);
bool td_needs_reset(unsigned dev);

/* A queue the test drives: its rings at base (descriptors), base+0x1000
 * (available) and base+0x2000 (used). */
struct td_queue {
	unsigned dev, index;
	uint32_t size;
	uint64_t desc, avail, used;
	uint16_t avail_idx;
};

/* Program the queue's registers and set QueueReady (asserted to stick). */
void td_queue_setup(struct td_queue *q, unsigned dev, unsigned index, uint32_t size,
		    uint64_t base);
void td_desc(struct td_queue *q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
	     uint16_t next);
/* Make a chain available (ring entry, then idx); does not notify. */
void td_avail_add(struct td_queue *q, uint16_t head);
void td_avail_flags(struct td_queue *q, uint16_t flags);
void td_notify(struct td_queue *q);
uint16_t td_used_idx(const struct td_queue *q);
struct virtq_used_elem td_used(const struct td_queue *q, unsigned slot);

/* stderr into a memory file between begin and end; end returns the text
 * (NUL-terminated, truncated to cap) and restores stderr. */
void td_stderr_begin(void);
const char *td_stderr_end(void);
unsigned td_lines(const char *text);

#endif
