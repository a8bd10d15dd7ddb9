/* Guest RAM, page by page: the ranges start_info's memory map marks free,
 * in one bitmap. It backs mmap, brk and the app's stack (syscall/memory.c)
 * and the drivers' rings and buffers. Free pages are always zero: RAM is
 * zero at entry (start_info.h) and pages are cleared when freed, so
 * anonymous memory needs no clearing when handed out. */
#ifndef KVMRUN_GUEST_PAGE_ALLOC_H
#define KVMRUN_GUEST_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/guest.h>

#define PAGE_SIZE 4096u

/* Read the memory map; before any other call. 0, or -1 when no free RAM
 * can hold the bitmap. */
int page_alloc_init(void);

/* npages contiguous free pages, the highest that end at or below limit,
 * or 0 when there are none. */
uintptr_t page_alloc(size_t npages, uint64_t limit);

/* Take the npages from addr (page-aligned) when all are RAM managed here
 * and free: 0, else -1 and nothing taken. With replace, pages already
 * taken count as free and are cleared first (mmap's MAP_FIXED). */
int page_claim(uintptr_t addr, size_t npages, int replace);

/* Clear and free the pages among the npages from addr that the app owns
 * (page_app_owned); others are left alone. */
void page_free(uintptr_t addr, size_t npages);

/* Whether page number p is RAM this allocator handed to the app (mmap,
 * brk, its stack), not to the runtime (kvmrun_alloc). */
int page_app_owned(uint64_t p);

/* Hand npages taken from addr on to the runtime: the app can no longer
 * free or claim them (the stack's guard page). */
void page_keep_for_runtime(uintptr_t addr, size_t npages);

/* Free pages in all. */
size_t page_free_count(void);

/* kvmrun_alloc() (<kvmrun/guest.h>) hands out pages from here too: below
 * 4 GiB, reachable by 32-bit code and 32-bit hypercall arguments. */

/* Bytes still free. */
size_t kvmrun_alloc_available(void);

#endif
