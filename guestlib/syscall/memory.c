/* Memory: anonymous mappings and the program break, from guest RAM
 * (memory/page_alloc.c). The guest runs on an identity map with every page
 * readable, writable and executable, so protections are accepted and not
 * enforced; mappings need no page-table work. Out of memory is ENOMEM. */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "boot/program.h"
#include "memory/page_alloc.h"
#include "syscall/syscall.h"

static uintptr_t brk_start, brk_cur;

static size_t pages_for(size_t len)
{
	return len / PAGE_SIZE + (len % PAGE_SIZE != 0);
}

/* The limit for new mappings: x86-64 apps may have RAM above 4 GiB. */
static uint64_t map_limit(void)
{
	return sizeof(void *) == 8 ? UINT64_MAX : 0x100000000ull;
}

/* brk: up from the page after the program's image, as far as free pages go; a
 * request it cannot meet leaves the break where it was (Linux's answer). */
long sys_brk(const long *arg)
{
	uintptr_t want = (uintptr_t)arg[0];

	if (!brk_start)
		brk_start = brk_cur = boot_program()->brk;
	if (want < brk_start)
		return (long)brk_cur;
	uintptr_t old_top = (brk_cur + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
	uintptr_t new_top = (want + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
	if (new_top < want)
		return (long)brk_cur;
	if (new_top > old_top) {
		if (page_claim(old_top, (new_top - old_top) / PAGE_SIZE, 0) < 0)
			return (long)brk_cur;
	} else if (new_top < old_top) {
		page_free(new_top, (old_top - new_top) / PAGE_SIZE);
	}
	brk_cur = want;
	return (long)brk_cur;
}

static long do_mmap(uintptr_t addr, size_t len, long prot, long flags, long fd)
{
	(void)prot;
	if (!(flags & MAP_ANONYMOUS))
		return fd_stream(fd) >= 0 ? -ENODEV : -EBADF;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (flags & MAP_TYPE) != MAP_SHARED)
		return -EINVAL;
	if (len == 0 || len > SIZE_MAX - PAGE_SIZE)
		return -EINVAL;
	size_t n = pages_for(len);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr % PAGE_SIZE)
			return -EINVAL;
		int replace = !(flags & MAP_FIXED_NOREPLACE);
		if (page_claim(addr, n, replace) < 0)
			return replace ? -ENOMEM : -EEXIST;
		return (long)addr;
	}
	/* A hint is honoured when its pages are free, as Linux does. */
	if (addr && addr % PAGE_SIZE == 0 && page_claim(addr, n, 0) == 0)
		return (long)addr;
	uintptr_t got = page_alloc(n, map_limit());
	return got ? (long)got : -ENOMEM;
}

long sys_mmap(const long *arg)
{
	if (arg[5] % PAGE_SIZE)
		return -EINVAL;
	return do_mmap((uintptr_t)arg[0], (size_t)arg[1], arg[2], arg[3], arg[4]);
}

long sys_mmap2(const long *arg)
{
	return do_mmap((uintptr_t)arg[0], (size_t)arg[1], arg[2], arg[3], arg[4]);
}

long sys_munmap(const long *arg)
{
	uintptr_t addr = (uintptr_t)arg[0];
	size_t len = (size_t)arg[1];

	if (addr % PAGE_SIZE || len == 0 || len > SIZE_MAX - PAGE_SIZE || addr + len < addr)
		return -EINVAL;
	page_free(addr, pages_for(len));
	return 0;
}

/* mremap: shrink in place, grow in place when the pages after are free,
 * else move with MREMAP_MAYMOVE (a copy: there are no page tables to
 * edit). */
long sys_mremap(const long *arg)
{
	uintptr_t old = (uintptr_t)arg[0];
	size_t old_n = pages_for((size_t)arg[1]), new_n = pages_for((size_t)arg[2]);
	long flags = arg[3];

	if (old % PAGE_SIZE || (size_t)arg[2] == 0 || (size_t)arg[2] > SIZE_MAX - PAGE_SIZE ||
	    (size_t)arg[1] > SIZE_MAX - PAGE_SIZE || (flags & ~(long)MREMAP_MAYMOVE))
		return -EINVAL;
	if (old_n == 0 || !user_mem_ok(old, old_n * PAGE_SIZE))
		return -EFAULT;
	for (size_t k = 0; k < old_n; k++)
		if (!page_app_owned(old / PAGE_SIZE + k))
			return -EFAULT; /* not a mapping of the app's */
	if (new_n <= old_n) {
		page_free(old + new_n * PAGE_SIZE, old_n - new_n);
		return (long)old;
	}
	if (page_claim(old + old_n * PAGE_SIZE, new_n - old_n, 0) == 0)
		return (long)old;
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uintptr_t got = page_alloc(new_n, map_limit());
	if (!got)
		return -ENOMEM;
	memcpy((void *)got, (const void *)old, old_n * PAGE_SIZE);
	page_free(old, old_n);
	return (long)got;
}

long sys_mprotect(const long *arg)
{
	return arg[0] % PAGE_SIZE ? -EINVAL : 0;
}

/* Advice is only advice; MADV_DONTNEED's zero-fill is what a C library
 * may count on, so it is done. */
long sys_madvise(const long *arg)
{
	uintptr_t addr = (uintptr_t)arg[0];
	size_t len = (size_t)arg[1];

	if (addr % PAGE_SIZE || len > SIZE_MAX - PAGE_SIZE)
		return -EINVAL;
	size_t n = pages_for(len);
	if (arg[2] != MADV_DONTNEED)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (!page_app_owned(addr / PAGE_SIZE + k))
			return -ENOMEM; /* not mapped, as Linux says of such ranges */
	memset((void *)addr, 0, n * PAGE_SIZE);
	return 0;
}
