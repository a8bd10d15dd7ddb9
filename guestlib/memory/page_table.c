#include "page_table.h"

#include <kvmrun/guest.h>

#include "memory/page_alloc.h"

#if UINTPTR_MAX > 0xffffffffu
/* 4-level paging entries (Intel SDM vol. 3 §4.5, Tables 4-15 to 4-19). */
#define PTE_P (1ull << 0)
#define PTE_PS (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull
#define LARGE_PAGE_ADDR 0x000fffffffe00000ull

static uint64_t *table_at(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

static uint64_t read_cr3(void)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	return cr3;
}

/* No global pages, no PCIDs: reloading CR3 flushes every translation,
 * the split 2 MiB one included (SDM vol. 3 §4.10.4.1). */
static void flush_tlb(void)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(read_cr3()) : "memory");
}

int page_unmap(uintptr_t addr)
{
	uint64_t *pml4 = table_at(read_cr3());
	uint64_t e = pml4[(addr >> 39) & 511];
	if (!(e & PTE_P))
		return -1;
	e = table_at(e)[(addr >> 30) & 511];
	if (!(e & PTE_P) || (e & PTE_PS))
		return -1;
	uint64_t *pde = &table_at(e)[(addr >> 21) & 511];
	if (!(*pde & PTE_P))
		return -1;
	if (*pde & PTE_PS) {
		uint64_t *pt = kvmrun_alloc(PAGE_SIZE, PAGE_SIZE);
		if (!pt)
			return -1;
		uint64_t base = *pde & LARGE_PAGE_ADDR;
		/* The same low bits for each 4 KiB page, but PS (in a PTE,
		 * bit 7 is PAT); the directory entry keeps them too. */
		uint64_t flags = *pde & 0xfffull & ~PTE_PS;
		for (unsigned i = 0; i < 512; i++)
			pt[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
		*pde = (uint64_t)(uintptr_t)pt | flags;
	}
	table_at(*pde)[(addr >> 12) & 511] &= ~PTE_P;
	flush_tlb();
	return 0;
}
#else
int page_unmap(uintptr_t addr)
{
	(void)addr;
	return -1;
}
#endif
