/* A guest's crash report (the crash hypercall, include/kvmrun/hypercall.h):
 * the exception in words, the status kvmrun exits with, and the report
 * itself, symbolized through guest_symbols.h. The guest controls every
 * field: the vector is looked up in a table, addresses are only printed or
 * read through the checked accessor. */
#ifndef KVMRUN_CRASH_REPORT_H
#define KVMRUN_CRASH_REPORT_H

#include <stddef.h>

#include <kvmrun/hypercall.h>

#include "guest_symbols.h"

/* The status for a crash with this vector: 128 + the signal Linux sends
 * for the exception (SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS). */
int crash_status(const struct kvmrun_crash *crash);

/* What happened, without where: "page fault reading 0x0", "invalid opcode
 * (ud2 or an instruction the CPU lacks)", "stack overflow: ...". */
void crash_describe(const struct kvmrun_crash *crash, char *buf, size_t len);

/* The report on stderr: "kvmrun: guest crashed: WHAT in WHERE", the
 * backtrace, the registers. */
void crash_report_print(const struct guest_symbols *gs, const struct kvmrun_crash *crash);

#endif
