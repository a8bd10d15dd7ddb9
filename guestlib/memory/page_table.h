/* The guest's identity map and the holes in it: the null page and the
 * guard page below the stack, unmapped so that touching them faults.
 * kvmrun enters a 64-bit guest on its own map (monitor/cpu_mode.c: 2 MiB
 * pages over all RAM); a 32-bit guest starts in flat protected mode with
 * paging off, and the runtime turns on PAE paging over the same kind of
 * map of the low 4 GiB (Intel SDM vol. 3 §4.4), so both have holes. */
#ifndef KVMRUN_GUEST_PAGE_TABLE_H
#define KVMRUN_GUEST_PAGE_TABLE_H

#include <stdint.h>

/* i386: build the identity map of the low 4 GiB and turn paging on (PAE),
 * before anything unmaps. 0, or -1 when no RAM holds the tables (paging
 * stays off). x86-64: nothing to do, 0. */
int page_table_init(void);

/* Unmap the 4 KiB page at addr (page-aligned), splitting its 2 MiB page
 * into 4 KiB ones with a page table from kvmrun_alloc(). 0, or -1 when
 * paging is off or no page table could be had. */
int page_unmap(uintptr_t addr);

#endif
