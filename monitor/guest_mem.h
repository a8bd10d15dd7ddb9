/* Guest RAM: one host mapping, seen by the guest as up to two ranges around
 * the MMIO hole below 4 GiB (where the IOAPIC, local APIC and device windows
 * live). Every guest-physical access the monitor makes goes through
 * guest_mem_ptr(), which refuses anything not wholly inside one RAM range. */
#ifndef KVMRUN_GUEST_MEM_H
#define KVMRUN_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/machine_layout.h> /* KVMRUN_MMIO_HOLE_START, KVMRUN_HIGH_RAM_START */

struct guest_ram_range {
	uint64_t gpa;         /* guest-physical start */
	uint64_t size;
	uint64_t host_offset; /* offset into the host mapping */
};

struct guest_mem {
	uint8_t *host;   /* host mapping of all guest RAM */
	uint64_t size;   /* total bytes of RAM */
	unsigned nranges;
	struct guest_ram_range range[2];
};

/* Split size bytes of RAM around the hole; no allocation. */
void guest_mem_layout(struct guest_mem *mem, uint64_t size);

#define GUEST_MEM_HUGE_PAGE (2ull << 20)

/* Map size bytes of lazily-populated anonymous memory, 2 MiB-aligned, on
 * transparent huge pages where the kernel has them (but for each range's
 * first 16 MiB and last 2 MiB). */
int guest_mem_alloc(struct guest_mem *mem, uint64_t size, char *err, size_t errlen);
void guest_mem_free(struct guest_mem *mem);

/* Host pointer for [gpa, gpa+len) or NULL if any byte of it is not RAM or
 * the range wraps. len 0 asks for a valid position inside or at the end of
 * one range. */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* First address past the highest RAM byte. */
uint64_t guest_mem_top(const struct guest_mem *mem);

#endif
