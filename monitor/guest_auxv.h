/* The auxiliary vector a static Linux program was started with, as
 * debuggers read it (System V ABI, "Process Initialization"): for the
 * core file's NT_AUXV note (core_dump.c) and GDB's qXfer:auxv (gdb_stub.c),
 * from which they learn where a static PIE was loaded (AT_ENTRY). */
#ifndef KVMRUN_GUEST_AUXV_H
#define KVMRUN_GUEST_AUXV_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/start_info.h>

/* AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY, AT_NULL. */
#define GUEST_AUXV_ENTRIES 6u
#define GUEST_AUXV_MAX (GUEST_AUXV_ENTRIES * 2 * 8)

/* The vector for program (start_info.program) in words of bits (32 or 64)
 * into buf (GUEST_AUXV_MAX bytes); returns its size, 0 when there is no
 * program (a kvmrun app: entry 0). */
size_t guest_auxv(unsigned bits, const struct kvmrun_program *program, uint8_t buf[GUEST_AUXV_MAX]);

#endif
