/* Boot: from kvmrun's entry state to the program's _start. Check
 * start_info, take over the CPU (descriptor tables, the system-call entry),
 * set up guest RAM, then enter the program on a stack laid out as Linux
 * lays out a new process's (boot/initial_stack.c). The program is the app
 * the runtime is linked into (musl's crt1.o _start), or a static Linux
 * program kvmrun loaded beside the runtime (start_info.program). */
#include <elf.h>
#include <stdint.h>
#include <string.h>

#include <kvmrun/guest.h>

#include "boot/initial_stack.h"
#include "boot/program.h"
#include "cpu/descriptors.h"
#include "cpu/exceptions.h"
#include "cpu/syscall_setup.h"
#include "memory/page_alloc.h"
#include "memory/page_table.h"
#include "syscall/syscall.h"
#include "syscall/trace.h"

__attribute__((noreturn)) void kvmrun_boot(uintptr_t start_info_addr);
__attribute__((noreturn)) void boot_enter_app(uintptr_t sp, uintptr_t entry);
/* The C library's entry (crt1.o) when the runtime is linked into an app;
 * absent (zero) in the guest kernel kvmrun boots static programs on. */
void _start(void) __attribute__((weak));

#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Ehdr elf_ehdr;
typedef Elf64_Phdr elf_phdr;
#else
typedef Elf32_Ehdr elf_ehdr;
typedef Elf32_Phdr elf_phdr;
#endif

/* The ELF header of the image the runtime is in, loaded with its first
 * segment (link.ld), and the image's end. */
extern const elf_ehdr __ehdr_start;
extern char _end[];

static const struct kvmrun_start_info *start_info;
static struct program program;

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

const struct program *boot_program(void)
{
	return &program;
}

static uintptr_t page_up(uintptr_t a)
{
	return (a + 4095) & ~(uintptr_t)4095;
}

static int fits_pointer(uint64_t a)
{
	return (uintptr_t)a == a;
}

/* What to enter: kvmrun's word on a loaded program (its loader checked
 * the ELF; what is checked here is only what the runtime itself reads),
 * else the app the runtime is linked into. */
static void find_program(const struct kvmrun_start_info *si)
{
	const struct kvmrun_program *p = &si->program;

	if (p->entry) {
		if (p->phent != sizeof(elf_phdr) || p->phnum == 0 || p->phnum > 0xffff ||
		    !fits_pointer(p->phdr) || !fits_pointer(p->brk) || !fits_pointer(p->entry) ||
		    !user_mem_ok((uintptr_t)p->phdr, (size_t)p->phnum * p->phent))
			early_fail("guestlib: start_info: malformed program description\n");
		program = (struct program){
			.entry = (uintptr_t)p->entry, .phdr = (uintptr_t)p->phdr,
			.brk = page_up((uintptr_t)p->brk), .phnum = p->phnum, .phent = p->phent,
		};
		return;
	}
	if (!_start)
		early_fail("guestlib: start_info names no program for the guest kernel to run\n");
	program = (struct program){
		.entry = (uintptr_t)_start,
		.phdr = (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff,
		.brk = page_up((uintptr_t)_end),
		.phnum = __ehdr_start.e_phnum,
		.phent = sizeof(elf_phdr),
	};
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
	syscall_tracing = (si->trace & KVMRUN_TRACE_SYSCALLS) != 0;

	descriptors_init();
	exceptions_init();
	syscall_setup();
	user_mem_init();
	find_program(si);
	if (page_alloc_init() < 0)
		early_fail("guestlib: no free RAM for the runtime\n");
	/* Null-pointer accesses fault. Without RAM for the tables (i386),
	 * paging stays off and nothing faults: the guest runs on. */
	if (page_table_init() == 0) {
		exceptions_paging_on();
		(void)page_unmap(0);
	}
	uintptr_t sp = initial_stack_build(si, &program);
	if (!sp)
		early_fail("guestlib: no RAM for the app's stack (raise --mem)\n");
	boot_enter_app(sp, program.entry);
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
	case KVMRUN_MEM_PROGRAM: return "program";
	default: return "unknown";
	}
}
