/* C runtime start: check start_info, build argv, run main, exit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kvmrun/guest.h>

#include "console_io.h"

int main(int argc, char **argv);
__attribute__((noreturn)) void kvmrun_crt_start(uintptr_t start_info_addr);

static const struct kvmrun_start_info *start_info;
static char *argv_table[KVMRUN_MAX_ARGS + 1];
static char *env_table[KVMRUN_MAX_ENV + 1];
char **environ = env_table; /* POSIX: NAME=VALUE strings, NULL-ended */

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
 * NUL-ended, packed in args_size bytes. */
static int build_argv_and_env(void)
{
	char *p = (char *)(uintptr_t)start_info->args_addr;
	uint32_t left = start_info->args_size, argc = start_info->argc, envc = start_info->envc;

	if (argc > KVMRUN_MAX_ARGS)
		early_fail("guestlib: start_info: too many arguments\n");
	if (envc > KVMRUN_MAX_ENV)
		early_fail("guestlib: start_info: too many environment variables\n");
	for (uint32_t i = 0; i < argc + envc; i++) {
		size_t len = strnlen(p, left);
		if (len == left)
			early_fail("guestlib: start_info: argument strings not terminated\n");
		if (i < argc)
			argv_table[i] = p;
		else
			env_table[i - argc] = p;
		p += len + 1;
		left -= (uint32_t)(len + 1);
	}
	argv_table[argc] = NULL;
	env_table[envc] = NULL;
	return (int)argc;
}

void kvmrun_crt_start(uintptr_t start_info_addr)
{
	start_info = (const struct kvmrun_start_info *)start_info_addr;
	if (start_info->magic != KVMRUN_START_INFO_MAGIC)
		early_fail("guestlib: no start_info (bad magic)\n");
	if (start_info->abi_version != KVMRUN_ABI_VERSION)
		early_fail("guestlib: start_info ABI version mismatch\n");
	int argc = build_argv_and_env();
	exit(main(argc, argv_table));
}

void exit(int status)
{
	console_flush();
	kvmrun_halt_with_status(status);
}

void abort(void)
{
	static const char msg[] = "guestlib: abort\n";
	console_flush();
	kvmrun_debug_write(msg, sizeof msg - 1);
	kvmrun_halt_with_status(134);
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
