#include "page_table.h"

#include <kvmrun/guest.h>

#include "memory/page_alloc.h"

/* Entries of 4-level and PAE paging alike: 64 bits, the same bits (Intel
 * SDM vol. 3 §4.4.2 Tables 4-8 to 4-10, §4.5.4 Tables 4-15 to 4-19). */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull
#define LARGE_PAGE_ADDR 0x000fffffffe00000ull
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)

static int paging_on;

/* Page tables for the two splits boot makes (the null page's, the stack
 * guard's), taken at page_table_init(), before the stack: the allocator
 * hands out the highest free pages, and a page table allocated after the
 * stack would lie inside the 2 MiB page it splits, which nested KVM with
 * shadow paging makes slow for the whole run (measured: 14 ms of a 4 ms
 * boot in the KVM sandbox). */
#define SPARE_TABLES 2u
static uint64_t *spare[SPARE_TABLES];
static unsigned nspare;

static void take_spares(void)
{
	while (nspare < SPARE_TABLES && (spare[nspare] = kvmrun_alloc(PAGE_SIZE, PAGE_SIZE)))
		nspare++;
}

static uint64_t *new_table(void)
{
	return nspare ? spare[--nspare] : kvmrun_alloc(PAGE_SIZE, PAGE_SIZE);
}

static uint64_t *table_at(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

static uintptr_t read_cr3(void)
{
	uintptr_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	return cr3;
}

/* INVLPG drops the translation of the page holding addr, a 2 MiB one
 * included, and the paging-structure caches' entries with it (SDM vol. 3
 * §4.10.4.1): enough after splitting that page or unmapping addr. Not a
 * CR3 reload, which would drop every translation (under nested
 * virtualization, milliseconds of refills). */
static void flush_page(uintptr_t addr)
{
	__asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

#if UINTPTR_MAX > 0xffffffffu
int page_table_init(void)
{
	paging_on = 1;
	take_spares();
	return 0;
}

/* The page-directory entry for addr: PML4, PDPT, PD. */
static uint64_t *directory_entry(uintptr_t addr)
{
	uint64_t e = table_at(read_cr3())[(addr >> 39) & 511];
	if (!(e & PTE_P))
		return 0;
	e = table_at(e)[(addr >> 30) & 511];
	if (!(e & PTE_P) || (e & PTE_PS))
		return 0;
	return &table_at(e)[(addr >> 21) & 511];
}
#else
int page_table_init(void)
{
	/* PAE: a 4-entry PDPT (CR3, 32-byte aligned) and four page
	 * directories of 2 MiB pages, the MMIO hole included. */
	uint64_t *pdpt = kvmrun_alloc(PAGE_SIZE, PAGE_SIZE);
	uint64_t *pd = kvmrun_alloc(4 * PAGE_SIZE, PAGE_SIZE);
	uintptr_t cr0, cr4;

	if (!pdpt || !pd)
		return -1;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = i << 21 | PTE_P | PTE_RW | PTE_PS;
	/* PDPTEs have no RW bit: bits 1 and 2 are reserved (§4.4.1). */
	for (unsigned g = 0; g < 4; g++)
		pdpt[g] = (uint64_t)(uintptr_t)(pd + g * 512) | PTE_P;
	__asm__ volatile("mov %0, %%cr3" : : "r"(pdpt) : "memory");
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PAE));
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
	paging_on = 1;
	take_spares();
	return 0;
}

/* The page-directory entry for addr: PDPT, PD. */
static uint64_t *directory_entry(uintptr_t addr)
{
	uint64_t e = table_at(read_cr3() & ~(uintptr_t)31)[(addr >> 30) & 3];
	if (!(e & PTE_P))
		return 0;
	return &table_at(e)[(addr >> 21) & 511];
}
#endif

int page_unmap(uintptr_t addr)
{
	uint64_t *pde = paging_on ? directory_entry(addr) : 0;

	if (!pde || !(*pde & PTE_P))
		return -1;
	if (*pde & PTE_PS) {
		uint64_t *pt = new_table();
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
	flush_page(addr);
	return 0;
}
