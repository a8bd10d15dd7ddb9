/* The memory map handed to the guest in start_info: every byte of guest RAM
 * described once, sorted, with what the monitor put there. */
#ifndef KVMRUN_MEMORY_MAP_H
#define KVMRUN_MEMORY_MAP_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/start_info.h>

#include "guest_mem.h"

struct mem_claim {
	uint64_t base;
	uint64_t size;
	uint32_t flags; /* KVMRUN_MEM_F_* */
	uint32_t use;   /* enum kvmrun_mem_use */
};

/* Build the map from claims (any order, page-aligned, inside RAM). Claims of
 * use KVMRUN_MEM_KERNEL that share pages merge into one entry, as do those
 * of KVMRUN_MEM_PROGRAM; any other overlap is an error. RAM nobody claimed
 * becomes KVMRUN_MEM_FREE. */
int memory_map_build(const struct guest_mem *mem, const struct mem_claim *claims,
		     unsigned nclaims, struct kvmrun_mem_entry *out, unsigned max,
		     unsigned *count, char *err, size_t errlen);

#endif
