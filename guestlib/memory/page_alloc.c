#include "page_alloc.h"

#include <string.h>

#include <kvmrun/guest.h>

#define BITS 64u
#define LIMIT_4G 0x100000000ull

static uint64_t *bitmap;        /* bit set: page taken, or not RAM */
static uint64_t *runtime;       /* bit set: taken by the runtime itself
				 * (kvmrun_alloc: rings, buffers), which no
				 * munmap, MAP_FIXED or madvise may touch */
static uint64_t first, count;   /* page numbers covered: [first, first + count) */
static size_t free_pages;
/* The free ranges of the memory map, page numbers [lo, hi): the only pages
 * ever handed out or freed (the bitmap also covers the gaps between them,
 * the MMIO hole among them, always taken). */
static struct { uint64_t lo, hi; } ranges[KVMRUN_MAX_MEM_ENTRIES];
static unsigned nranges;
static uint64_t bitmap_first, bitmap_end; /* the bitmap's own pages */

static int taken(uint64_t i)
{
	return (bitmap[i / BITS] >> (i % BITS)) & 1;
}

static void mark(uint64_t i, int used)
{
	if (used)
		bitmap[i / BITS] |= 1ull << (i % BITS);
	else
		bitmap[i / BITS] &= ~(1ull << (i % BITS));
}

/* Pages [s, e) of the bitmap taken or free: whole words at a time in the
 * middle (a 64 MiB guest's 16,000 pages are 256 words: boot stays short
 * even where every guest instruction is emulated). */
static void mark_range(uint64_t s, uint64_t e, int used)
{
	while (s < e && s % BITS)
		mark(s++, used);
	if (e - s >= BITS) {
		uint64_t words = (e - s) / BITS;
		memset(&bitmap[s / BITS], used ? 0xff : 0, words * 8);
		s += words * BITS;
	}
	while (s < e)
		mark(s++, used);
}

static int is_free_range(const struct kvmrun_mem_entry *e)
{
	return e->use == KVMRUN_MEM_FREE && e->size >= PAGE_SIZE;
}

/* Whole pages of a free range: [*lo, *hi), page numbers; 32-bit guests
 * see below 4 GiB only. */
static int range_pages(const struct kvmrun_mem_entry *e, uint64_t *lo, uint64_t *hi)
{
	uint64_t end = e->base + e->size;

	if (sizeof(void *) == 4 && end > LIMIT_4G)
		end = LIMIT_4G;
	*lo = (e->base + PAGE_SIZE - 1) / PAGE_SIZE;
	*hi = end / PAGE_SIZE;
	return *hi > *lo;
}

int page_alloc_init(void)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();
	uint32_t n = si->mem_count < KVMRUN_MAX_MEM_ENTRIES ? si->mem_count : KVMRUN_MAX_MEM_ENTRIES;
	uint64_t lo, hi, top = 0, bottom = UINT64_MAX;

	for (uint32_t i = 0; i < n; i++) {
		if (!is_free_range(&si->mem[i]) || !range_pages(&si->mem[i], &lo, &hi))
			continue;
		bottom = lo < bottom ? lo : bottom;
		top = hi > top ? hi : top;
	}
	if (top == 0)
		return -1;
	first = bottom;
	count = top - bottom;
	uint64_t bitmap_bytes = (count + BITS - 1) / BITS * 8;
	/* Both bitmaps, one after the other. */
	uint64_t bitmap_pages = (2 * bitmap_bytes + PAGE_SIZE - 1) / PAGE_SIZE;

	/* The bitmap goes at the start of the lowest free range that holds
	 * it: up to about 13 GiB of RAM, the boot area's free pages below the
	 * stack, out of the way of brk (up from the program's end) and of the
	 * mappings and the app's stack (down from the top). It is zero, as
	 * free RAM is, until marked below. */
	for (uint32_t i = 0; i < n && !bitmap; i++) {
		if (!is_free_range(&si->mem[i]) || !range_pages(&si->mem[i], &lo, &hi))
			continue;
		if (hi > LIMIT_4G / PAGE_SIZE)
			hi = LIMIT_4G / PAGE_SIZE;
		if (hi > lo && hi - lo >= bitmap_pages)
			bitmap = (uint64_t *)(uintptr_t)(lo * PAGE_SIZE);
	}
	if (!bitmap)
		return -1;
	runtime = bitmap + bitmap_bytes / 8;
	/* Everything taken, then each free range's pages freed. */
	memset(bitmap, 0xff, bitmap_bytes);
	for (uint32_t i = 0; i < n; i++) {
		if (!is_free_range(&si->mem[i]) || !range_pages(&si->mem[i], &lo, &hi))
			continue;
		mark_range(lo - first, hi - first, 0);
		free_pages += hi - lo;
		ranges[nranges].lo = lo;
		ranges[nranges++].hi = hi;
	}
	bitmap_first = (uintptr_t)bitmap / PAGE_SIZE;
	bitmap_end = bitmap_first + bitmap_pages;
	mark_range(bitmap_first - first, bitmap_end - first, 1);
	free_pages -= bitmap_pages;
	return 0;
}

/* Whether page number p is RAM this allocator hands out. */
static int managed(uint64_t p)
{
	if (p >= bitmap_first && p < bitmap_end)
		return 0;
	for (unsigned i = 0; i < nranges; i++)
		if (p >= ranges[i].lo && p < ranges[i].hi)
			return 1;
	return 0;
}

uintptr_t page_alloc(size_t npages, uint64_t limit)
{
	if (npages == 0 || npages > free_pages)
		return 0;
	uint64_t top = limit / PAGE_SIZE;
	top = top < first ? 0 : top - first;
	if (top > count)
		top = count;
	/* Top down, a whole word at a time where it is all taken or all
	 * free. run free pages end below hi. */
	uint64_t run = 0, hi = 0;
	for (uint64_t i = top; i-- > 0;) {
		uint64_t w = bitmap[i / BITS];
		if (i % BITS == BITS - 1 && (w == UINT64_MAX || w == 0)) {
			if (w == UINT64_MAX) {
				run = 0;
			} else {
				if (run == 0)
					hi = i + 1;
				run += BITS;
			}
			i -= BITS - 1;
		} else if (taken(i)) {
			run = 0;
		} else if (run++ == 0) {
			hi = i + 1;
		}
		if (run >= npages) {
			mark_range(hi - npages, hi, 1);
			free_pages -= npages;
			return (uintptr_t)((first + hi - npages) * PAGE_SIZE);
		}
	}
	return 0;
}

/* The bitmap indices of npages from addr, when all lie in it. */
static int indices(uintptr_t addr, size_t npages, uint64_t *start)
{
	uint64_t p = addr / PAGE_SIZE;

	if (addr % PAGE_SIZE || p < first || p - first > count || npages > count - (p - first))
		return -1;
	*start = p - first;
	return 0;
}

static int runtime_page(uint64_t i)
{
	return (runtime[i / BITS] >> (i % BITS)) & 1;
}

int page_claim(uintptr_t addr, size_t npages, int replace)
{
	uint64_t s;

	if (indices(addr, npages, &s) < 0)
		return -1;
	for (uint64_t i = s; i < s + npages; i++)
		if (!managed(first + i) || runtime_page(i) || (!replace && taken(i)))
			return -1;
	page_free(addr, npages); /* with replace: the old contents go */
	mark_range(s, s + npages, 1);
	free_pages -= npages;
	return 0;
}

int page_app_owned(uint64_t p)
{
	return p >= first && p - first < count && taken(p - first) && !runtime_page(p - first) &&
	       managed(p);
}

void page_free(uintptr_t addr, size_t npages)
{
	uint64_t p = addr / PAGE_SIZE, end = p + npages;

	/* Only the part this allocator covers: a huge length costs nothing. */
	if (end < p || end > first + count)
		end = first + count;
	if (p < first)
		p = first;
	for (; p < end; p++) {
		if (!page_app_owned(p))
			continue;
		memset((void *)(uintptr_t)(p * PAGE_SIZE), 0, PAGE_SIZE);
		mark(p - first, 0);
		free_pages++;
	}
}

size_t page_free_count(void)
{
	return free_pages;
}

void page_keep_for_runtime(uintptr_t addr, size_t npages)
{
	for (size_t k = 0; k < npages; k++) {
		uint64_t i = addr / PAGE_SIZE + k - first;
		runtime[i / BITS] |= 1ull << (i % BITS);
	}
}

void *kvmrun_alloc(size_t size, size_t align)
{
	if (align > PAGE_SIZE || size == 0 || size > SIZE_MAX - PAGE_SIZE)
		return NULL;
	size_t n = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	uintptr_t at = page_alloc(n, LIMIT_4G);
	if (at)
		page_keep_for_runtime(at, n);
	return (void *)at;
}

size_t kvmrun_alloc_available(void)
{
	return free_pages * PAGE_SIZE;
}
