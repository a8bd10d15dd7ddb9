/* Boot: from kvmrun's entry state to the app's _start. Check start_info,
 * take over the CPU (descriptor tables, the system-call entry), set up
 * guest RAM, then enter the C library's _start (musl's crt1.o) on a stack
 * laid out as Linux lays out a new process's (boot/initial_stack.c). */
#include <stdint.h>
#include <string.h>

#include <kvmrun/guest.h>

#include "boot/initial_stack.h"
#include "cpu/descriptors.h"
#include "cpu/syscall_setup.h"
#include "memory/page_alloc.h"
#include "syscall/syscall.h"

__attribute__((noreturn)) void kvmrun_boot(uintptr_t start_info_addr);
__attribute__((noreturn)) void boot_enter_app(uintptr_t sp, uintptr_t entry);
void _start(void); /* the C library's entry (crt1.o) */

static const struct kvmrun_start_info *start_info;

const struct kvmrun_start_info *kvmrun_start_info(void)
{
	return start_info;
}

/* start_info is not what this runtime was built for: say so on the early
 * console and stop with the runtime's own status (abi_note.h). */
static void early_fail(const char *why)
{
	kvmrun_debug_write(why, strlen(why));
	kvmrun_halt_with_status(KVMRUN_STATUS_START_INFO_REFUSED);
}

/* The args blob: argc argv strings, then envc environment strings, each
 * NUL-ended, packed in args_size bytes. Checked before anything reads it. */
static void check_args(const struct kvmrun_start_info *si)
{
	const char *p = (const char *)(uintptr_t)si->args_addr;
	uint32_t left = si->args_size;

	if (si->argc > KVMRUN_MAX_ARGS)
		early_fail("guestlib: start_info: too many arguments\n");
	if (si->envc > KVMRUN_MAX_ENV)
		early_fail("guestlib: start_info: too many environment variables\n");
	for (uint32_t i = 0; i < si->argc + si->envc; i++) {
		size_t len = strnlen(p, left);
		if (len == left)
			early_fail("guestlib: start_info: argument strings not terminated\n");
		p += len + 1;
		left -= (uint32_t)(len + 1);
	}
}

void kvmrun_boot(uintptr_t start_info_addr)
{
	const struct kvmrun_start_info *si = (const struct kvmrun_start_info *)start_info_addr;

	if (si->magic != KVMRUN_START_INFO_MAGIC)
		early_fail("guestlib: no start_info (bad magic)\n");
	if (si->abi_version != KVMRUN_ABI_VERSION)
		early_fail("guestlib: start_info ABI version mismatch\n");
	check_args(si);
	start_info = si;

	descriptors_init();
	syscall_setup();
	user_mem_init();
	if (page_alloc_init() < 0)
		early_fail("guestlib: no free RAM for the runtime\n");
	uintptr_t sp = initial_stack_build(si, (uintptr_t)_start);
	if (!sp)
		early_fail("guestlib: no RAM for the app's stack (raise --mem)\n");
	boot_enter_app(sp, (uintptr_t)_start);
}

const char *kvmrun_mem_use_name(uint32_t use)
{
	switch (use) {
	case KVMRUN_MEM_FREE: return "free";
	case KVMRUN_MEM_KERNEL: return "kernel";
	case KVMRUN_MEM_START_INFO: return "start_info";
	case KVMRUN_MEM_PAGE_TABLES: return "page tables";
	case KVMRUN_MEM_GDT: return "gdt";
	case KVMRUN_MEM_STACK: return "stack";
	case KVMRUN_MEM_RESERVED: return "reserved";
	default: return "unknown";
	}
}
