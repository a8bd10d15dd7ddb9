/* Pointers the app passes: the system-call layer checks each against
 * guest RAM before it reads or writes through it, so a bad pointer gets
 * EFAULT as on Linux instead of a fault in the runtime, or an access to the
 * MMIO hole that kvmrun would stop the machine for. */
#include <kvmrun/guest.h>

#include "syscall/syscall.h"

/* RAM as at most two spans, below the hole and above 4 GiB, merged from
 * the memory map (sorted, covering all RAM), the null page left out. */
struct span {
	uint64_t lo, hi;
};
static struct span spans[2];
static unsigned nspans;
static struct span excluded; /* the stack's guard page */

void user_mem_init(void)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();
	uint32_t n = si->mem_count < KVMRUN_MAX_MEM_ENTRIES ? si->mem_count : KVMRUN_MAX_MEM_ENTRIES;

	for (uint32_t i = 0; i < n; i++) {
		const struct kvmrun_mem_entry *e = &si->mem[i];
		uint64_t lo = e->base, hi = e->base + e->size;
		if (e->use == KVMRUN_MEM_RESERVED)
			continue;
		if (nspans && spans[nspans - 1].hi == lo)
			spans[nspans - 1].hi = hi;
		else if (nspans < 2)
			spans[nspans++] = (struct span){ lo, hi };
	}
}

void user_mem_exclude(uintptr_t addr, size_t len)
{
	excluded = (struct span){ addr, (uint64_t)addr + len };
}

int user_mem_ok(uintptr_t addr, size_t len)
{
	uint64_t lo = addr, hi = (uint64_t)addr + len;

	if (len > UINTPTR_MAX - addr)
		return 0; /* wraps around */
	if (lo < excluded.hi && hi > excluded.lo)
		return 0;
	for (unsigned i = 0; i < nspans; i++)
		if (lo >= spans[i].lo && hi <= spans[i].hi)
			return 1;
	return 0;
}

int user_string_is(uintptr_t addr, const char *s)
{
	for (size_t i = 0;; i++) {
		if (!user_mem_ok(addr + i, 1))
			return -EFAULT;
		char c = *(const char *)(addr + i);
		if (c != s[i])
			return 0;
		if (c == 0)
			return 1;
	}
}
