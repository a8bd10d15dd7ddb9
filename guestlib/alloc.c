#include "alloc.h"

#include <stdint.h>

#include <kvmrun/guest.h>

#define LIMIT_4G 0x100000000ull

static uint64_t next, end;
static int ready;

/* Take the largest free region below 4 GiB. */
static void pick_region(void)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();

	ready = 1;
	for (uint32_t i = 0; i < si->mem_count && i < KVMRUN_MAX_MEM_ENTRIES; i++) {
		const struct kvmrun_mem_entry *e = &si->mem[i];
		if (e->use != KVMRUN_MEM_FREE || e->base >= LIMIT_4G)
			continue;
		uint64_t top = e->base + e->size > LIMIT_4G ? LIMIT_4G : e->base + e->size;
		if (top - e->base > end - next) {
			next = e->base;
			end = top;
		}
	}
}

void *kvmrun_alloc(size_t size, size_t align)
{
	if (!ready)
		pick_region();
	if (align < 16)
		align = 16;
	uint64_t start = (next + align - 1) & ~(uint64_t)(align - 1);
	if (start < next || start > end || size > end - start)
		return NULL;
	next = start + size;
	/* Free memory is still zero (start_info.h) and each byte is handed
	 * out once: no memset, so pages the guest never uses stay unpopulated. */
	return (void *)(uintptr_t)start;
}

size_t kvmrun_alloc_available(void)
{
	if (!ready)
		pick_region();
	return (size_t)(end - next);
}
