/* Holes in the identity map kvmrun builds for 64-bit guests
 * (monitor/cpu_mode.c: 2 MiB pages over all RAM): the null page and the
 * guard page below the stack, unmapped so that touching them faults. A
 * 32-bit guest runs with paging off (flat protected mode), so it has no
 * holes: page_unmap() says so. */
#ifndef KVMRUN_GUEST_PAGE_TABLE_H
#define KVMRUN_GUEST_PAGE_TABLE_H

#include <stdint.h>

/* Unmap the 4 KiB page at addr (page-aligned), splitting its 2 MiB page
 * into 4 KiB ones with a page table from kvmrun_alloc(). 0, or -1 when
 * paging is off or no page table could be had. */
int page_unmap(uintptr_t addr);

#endif
