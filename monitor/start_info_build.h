/* Writing start_info (include/kvmrun/start_info.h) into guest memory. */
#ifndef KVMRUN_START_INFO_BUILD_H
#define KVMRUN_START_INFO_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/start_info.h>

#include "elf_loader.h"
#include "guest_mem.h"

/* Fill start_info at KVMRUN_START_INFO_ADDR: memory map from the boot area,
 * page_tables_size bytes of page tables (0 for 32-bit apps), the app's
 * segments (or the guest kernel's) and a static program's (NULL when there
 * is none), which start_info.program describes; the argv strings follow the
 * structure. Returns 0 or -1 with err set (arguments too long, too many). */
int start_info_write(const struct guest_mem *mem, const struct elf_app *app,
		     const struct elf_app *program, uint64_t page_tables_size, int argc,
		     char *const argv[], char *err, size_t errlen);

/* start_info.program for a static program (NULL: a kvmrun app, all 0). */
struct kvmrun_program start_info_program(const struct elf_app *program);

/* Append the environment, envc NAME=VALUE strings, to the args blob after
 * the argv strings; call it after start_info_write(). Returns 0 or -1 with
 * err set (too many, too long: argv and environment share the blob). */
int start_info_add_env(const struct guest_mem *mem, unsigned envc, const char *const env[],
		       char *err, size_t errlen);

/* What start_info tells the guest of the host: its clock, random bytes,
 * which of fds 0-2 are terminals. */
struct start_info_host {
	uint32_t tsc_khz;
	uint64_t clock_tsc;
	uint64_t clock_realtime_ns;
	uint8_t random[16];
	uint8_t entropy[64];
	uint32_t tty; /* KVMRUN_TTY_* */
	uint32_t trace; /* KVMRUN_TRACE_*: what the runtime reports as it runs */
};

/* Copy h into start_info; call it after start_info_write(). */
void start_info_add_host(const struct guest_mem *mem, const struct start_info_host *h);

/* Fill start_info's device map with count entries; call it after
 * start_info_write(). Returns 0 or -1 with err set. */
int start_info_add_devices(const struct guest_mem *mem, const struct kvmrun_dev_entry *dev,
			   unsigned count, char *err, size_t errlen);

#endif
