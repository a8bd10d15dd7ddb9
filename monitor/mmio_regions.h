/* The MMIO exits' dispatch table: guest-physical region {base, size} ->
 * handler. The exit loop hands a KVM_EXIT_MMIO access to the one region
 * that holds all of it; an access no region holds whole (outside every
 * region, or across a region's end) is unhandled and stops the guest
 * (status 121). Regions are the IOAPIC's window and each virtio device's
 * (main.c enters them); handlers know nothing of KVM. */
#ifndef KVMRUN_MMIO_REGIONS_H
#define KVMRUN_MMIO_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMIO_REGIONS_MAX 16u

/* One access at offset bytes into the region, len 1..8; for a read, data
 * receives the value. Returns 0, or -1 with why set when the guest broke
 * the region's rules (a guest error: status 121). */
typedef int mmio_serve_fn(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
			  bool is_write, char *why, size_t whylen);

struct mmio_region {
	const char *name; /* for diagnostics: "IOAPIC", "virtio-console" */
	uint64_t base;
	uint64_t size;
	mmio_serve_fn *serve;
	void *ctx;
};

struct mmio_regions {
	unsigned count;
	struct mmio_region region[MMIO_REGIONS_MAX]; /* sorted by base, disjoint */
};

void mmio_regions_init(struct mmio_regions *regions);

/* Enter r. 0, or -1 with err set: the table is full, r is empty or wraps,
 * or it overlaps a region already there (a layout bug, not the guest's). */
int mmio_regions_add(struct mmio_regions *regions, const struct mmio_region *r, char *err,
		     size_t errlen);

/* The region that holds all of [gpa, gpa+len), or NULL. */
const struct mmio_region *mmio_regions_find(const struct mmio_regions *regions, uint64_t gpa,
					    uint32_t len);

enum mmio_result {
	MMIO_SERVED,
	MMIO_UNHANDLED,   /* no region holds the access */
	MMIO_GUEST_ERROR, /* the region's handler refused it; why says so */
};

/* A KVM_EXIT_MMIO access (api.rst: phys_addr, data[8], len, is_write),
 * served by its region. len outside 1..8 is unhandled. */
enum mmio_result mmio_regions_access(const struct mmio_regions *regions, uint64_t gpa,
				     uint8_t data[8], uint32_t len, bool is_write, char *why,
				     size_t whylen);

#endif
