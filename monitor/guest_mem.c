#include "guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "diag.h"

void guest_mem_layout(struct guest_mem *mem, uint64_t size)
{
	uint64_t low = size < KVMRUN_MMIO_HOLE_START ? size : KVMRUN_MMIO_HOLE_START;

	mem->size = size;
	mem->nranges = 1;
	mem->range[0] = (struct guest_ram_range){ .gpa = 0, .size = low, .host_offset = 0 };
	if (size > low) {
		mem->nranges = 2;
		mem->range[1] = (struct guest_ram_range){
			.gpa = KVMRUN_HIGH_RAM_START, .size = size - low, .host_offset = low,
		};
	}
}

/* Transparent huge pages for guest RAM (KVM maps a guest's 2 MiB page
 * with one 2 MiB host page only where guest-physical and host-virtual
 * addresses agree modulo 2 MiB: the mapping is aligned for that). The
 * first 16 MiB and the last 2 MiB of each range stay on 4 KiB pages: there
 * a small guest touches a few pages here and there (the kernel, page
 * tables, start_info, the runtime's first allocations and the program's
 * heap below; the stack on top), which 2 MiB pages would make it zero and
 * keep whole: 6 MiB more for apps/cat when all of RAM had them. */
#define SMALL_PAGES_LOW (16ull << 20)

static void ask_huge_pages(const struct guest_mem *mem)
{
	for (unsigned i = 0; i < mem->nranges; i++) {
		const struct guest_ram_range *r = &mem->range[i];
		uint8_t *start = mem->host + r->host_offset;

		if (r->size <= SMALL_PAGES_LOW + GUEST_MEM_HUGE_PAGE)
			continue;
		/* Advice only: a kernel without THP refuses it, and RAM works. */
		(void)madvise(start, r->size, MADV_HUGEPAGE);
		(void)madvise(start, SMALL_PAGES_LOW, MADV_NOHUGEPAGE);
		(void)madvise(start + r->size - GUEST_MEM_HUGE_PAGE, GUEST_MEM_HUGE_PAGE, MADV_NOHUGEPAGE);
	}
}

int guest_mem_alloc(struct guest_mem *mem, uint64_t size, char *err, size_t errlen)
{
	memset(mem, 0, sizeof *mem);
	/* MAP_NORESERVE: pages are populated only when the guest touches
	 * them. 2 MiB more, to start on a 2 MiB boundary; the rest goes. */
	uint8_t *raw = mmap(NULL, size + GUEST_MEM_HUGE_PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED) {
		diag_set(err, errlen, "cannot map %llu MiB of guest memory: %s",
			 (unsigned long long)(size >> 20), strerror(errno));
		return -1;
	}
	uint8_t *host = (uint8_t *)(((uintptr_t)raw + GUEST_MEM_HUGE_PAGE - 1) &
				    ~(uintptr_t)(GUEST_MEM_HUGE_PAGE - 1));
	if (host > raw)
		munmap(raw, (size_t)(host - raw));
	munmap(host + size, (size_t)(raw + GUEST_MEM_HUGE_PAGE - host));
	guest_mem_layout(mem, size);
	mem->host = host;
	ask_huge_pages(mem);
	return 0;
}

void guest_mem_free(struct guest_mem *mem)
{
	if (mem->host)
		munmap(mem->host, mem->size);
	mem->host = NULL;
}

void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < mem->nranges; i++) {
		const struct guest_ram_range *r = &mem->range[i];
		if (gpa < r->gpa)
			continue;
		uint64_t off = gpa - r->gpa;
		/* off <= size and len <= size - off: no overflow possible. */
		if (off > r->size || len > r->size - off)
			continue;
		return mem->host + r->host_offset + off;
	}
	return NULL;
}

uint64_t guest_mem_top(const struct guest_mem *mem)
{
	const struct guest_ram_range *last = &mem->range[mem->nranges - 1];
	return last->gpa + last->size;
}
