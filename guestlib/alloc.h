/* Page-granular memory from the regions start_info's memory map marks free,
 * handed out once and never returned (drivers' rings and buffers). */
#ifndef KVMRUN_GUEST_ALLOC_H
#define KVMRUN_GUEST_ALLOC_H

#include <stddef.h>

/* size bytes, zero, aligned to align (a power of two, at least 16), below
 * 4 GiB (reachable by 32-bit code and 32-bit hypercall arguments), or NULL. */
void *kvmrun_alloc(size_t size, size_t align);

/* Bytes still free in the region kvmrun_alloc() takes from. */
size_t kvmrun_alloc_available(void);

#endif
