#include "initial_stack.h"

#include <elf.h>
#include <string.h>

#include "cpu/exceptions.h"
#include "cpu/x86.h"
#include "memory/page_alloc.h"
#include "memory/page_table.h"
#include "syscall/syscall.h"

/* Linux's default stack limit, 8 MiB, when RAM allows; never less than
 * 256 KiB, and at most an eighth of the free RAM. */
#define STACK_MAX (8u << 20)
#define STACK_MIN (256u << 10)

#if UINTPTR_MAX > 0xffffffffu
#define PLATFORM "x86_64"
#else
#define PLATFORM "i686"
#endif

static size_t stack_size;

size_t initial_stack_size(void)
{
	return stack_size;
}

static uintptr_t alloc_stack(void)
{
	size_t size = STACK_MAX;
	size_t budget = page_free_count() / 8 * PAGE_SIZE;

	if (size > budget)
		size = budget < STACK_MIN ? STACK_MIN : budget;
	/* One page more, below: the guard, unmapped where paging allows, so
	 * that an overflow faults there (a crash report naming it) instead of
	 * writing over whatever lies below. The runtime keeps it. */
	uintptr_t guard = page_alloc(size / PAGE_SIZE + 1, 0x100000000ull);
	if (!guard)
		return 0;
	page_keep_for_runtime(guard, 1);
	if (page_unmap(guard) == 0) {
		exceptions_set_stack_guard(guard);
		user_mem_exclude(guard, PAGE_SIZE);
	}
	stack_size = size;
	return guard + PAGE_SIZE + size;
}

/* Strings and bytes go at the top, copied down from there. */
static uintptr_t push_bytes(uintptr_t *top, const void *data, size_t len)
{
	*top -= len;
	memcpy((void *)*top, data, len);
	return *top;
}

/* n pointers to the strings from *blob on, then NULL. */
static uintptr_t *put_strings(uintptr_t *w, const char **blob, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		*w++ = (uintptr_t)*blob;
		*blob += strlen(*blob) + 1;
	}
	*w++ = 0;
	return w;
}

uintptr_t initial_stack_build(const struct kvmrun_start_info *si, const struct program *prog)
{
	uintptr_t top = alloc_stack();
	if (!top)
		return 0;
	/* An end marker of zero at the very top, as Linux leaves one. */
	top -= 16;
	uint32_t argc = si->argc, envc = si->envc;
	/* argv and environment strings: a copy of start_info's blob (checked
	 * at boot), which the app may write to. */
	const char *blob = (const char *)push_bytes(&top, (const void *)(uintptr_t)si->args_addr,
						    si->args_size);
	uintptr_t platform = push_bytes(&top, PLATFORM, sizeof PLATFORM);
	top &= ~(uintptr_t)15;
	uintptr_t random = push_bytes(&top, si->random, sizeof si->random);

	const uintptr_t auxv[][2] = {
		{ AT_PHDR, prog->phdr },
		{ AT_PHENT, prog->phent },
		{ AT_PHNUM, prog->phnum },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, 0 }, /* no interpreter */
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, prog->entry },
		{ AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 },
		{ AT_SECURE, 0 },
		{ AT_CLKTCK, 100 },
		{ AT_HWCAP, cpuid(1, 0).edx },
		{ AT_PLATFORM, platform },
		{ AT_RANDOM, random },
		{ AT_EXECFN, argc ? (uintptr_t)blob : 0 },
		{ AT_NULL, 0 },
	};
	/* From the bottom: argc, argv[], NULL, envp[], NULL, auxv pairs; the
	 * bottom 16-byte aligned. */
	size_t words = 1 + argc + 1 + envc + 1 + 2 * (sizeof auxv / sizeof auxv[0]);
	top = (top - words * sizeof(uintptr_t)) & ~(uintptr_t)15;
	uintptr_t *w = (uintptr_t *)top;
	*w++ = argc;
	w = put_strings(w, &blob, argc); /* argv */
	w = put_strings(w, &blob, envc); /* envp */
	memcpy(w, auxv, sizeof auxv);
	return top;
}
