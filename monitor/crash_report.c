#include "crash_report.h"

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

/* The exceptions (Intel SDM vol. 3 §6.3.1, Table 6-1) and the signal Linux
 * sends a process for each (arch/x86/kernel/traps.c): shells and CI
 * systems already read 128 + N. Reserved vectors count as SIGSEGV. */
static const struct exception {
	const char *name;
	int signal;
} exceptions[32] = {
	[0] = { "divide error", SIGFPE },
	[1] = { "debug exception", SIGTRAP },
	[2] = { "non-maskable interrupt", SIGSEGV },
	[3] = { "breakpoint (int3)", SIGTRAP },
	[4] = { "overflow (into)", SIGSEGV },
	[5] = { "bound range exceeded", SIGSEGV },
	[6] = { "invalid opcode (ud2, or an instruction this CPU lacks)", SIGILL },
	[7] = { "device not available (x87/SSE disabled)", SIGFPE },
	[8] = { "double fault", SIGSEGV },
	[9] = { "coprocessor segment overrun", SIGFPE },
	[10] = { "invalid TSS", SIGSEGV },
	[11] = { "segment not present", SIGBUS },
	[12] = { "stack-segment fault", SIGBUS },
	[13] = { "general protection fault", SIGSEGV },
	[14] = { "page fault", SIGSEGV },
	[16] = { "x87 floating-point exception", SIGFPE },
	[17] = { "alignment check", SIGBUS },
	[18] = { "machine check", SIGBUS },
	[19] = { "SIMD floating-point exception", SIGFPE },
	[20] = { "virtualization exception", SIGSEGV },
	[21] = { "control protection exception", SIGSEGV },
};

/* Vectors whose error code says something (a selector, or 0). */
#define ERROR_CODE_VECTORS (1u << 10 | 1u << 11 | 1u << 12 | 1u << 13 | 1u << 17 | 1u << 21)

/* Page-fault error code bits (SDM vol. 3 §4.7). */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_FETCH (1u << 4)

static const struct exception *exception_of(uint32_t vector)
{
	static const struct exception reserved = { "reserved exception", SIGSEGV };
	return vector < 32 && exceptions[vector].name ? &exceptions[vector] : &reserved;
}

int crash_status(const struct kvmrun_crash *crash)
{
	if (crash->flags & KVMRUN_CRASH_STACK_OVERFLOW)
		return 128 + SIGSEGV;
	return 128 + exception_of(crash->vector)->signal;
}

void crash_describe(const struct kvmrun_crash *crash, char *buf, size_t len)
{
	const struct exception *e = exception_of(crash->vector);
	uint32_t ec = crash->error_code;

	if (crash->vector == 14) {
		/* The I/D bit is set only with NX or SMEP on (SDM vol. 3 §4.7):
		 * a fault at the instruction pointer itself is a fetch too. */
		bool fetch = (ec & PF_FETCH) || crash->cr2 == crash->regs[KVMRUN_CRASH_RIP];
		const char *access = fetch ? "executing" : ec & PF_WRITE ? "writing" : "reading";
		if (crash->flags & KVMRUN_CRASH_STACK_OVERFLOW)
			snprintf(buf, len, "stack overflow (page fault %s 0x%" PRIx64
				 ", the guard page below the stack)", access, crash->cr2);
		else
			snprintf(buf, len, "page fault %s 0x%" PRIx64 "%s", access, crash->cr2,
				 ec & PF_PRESENT ? " (protection)" : "");
	} else if (crash->vector < 32 && (ERROR_CODE_VECTORS >> crash->vector & 1) && ec) {
		snprintf(buf, len, "%s (error code 0x%x)", e->name, ec);
	} else if (crash->vector >= 32) {
		snprintf(buf, len, "%s (vector %u)", e->name, crash->vector);
	} else {
		snprintf(buf, len, "%s", e->name);
	}
}

void crash_report_print(const struct guest_symbols *gs, const struct kvmrun_crash *crash)
{
	const uint64_t *r = crash->regs;
	uint64_t pcs[GUEST_SYMBOLS_MAX_FRAMES];
	char what[160], where[256];

	crash_describe(crash, what, sizeof what);
	if (crash->flags & KVMRUN_CRASH_REGISTERS_LOST) {
		diag("guest crashed: %s (the CPU kept no registers: no place or backtrace)", what);
		return;
	}
	/* Traps (int3, into) leave RIP after the one-byte instruction that
	 * raised them (SDM vol. 3 §6.5): name that instruction. */
	uint64_t trap = crash->vector == 3 || crash->vector == 4;
	guest_symbols_name(gs, r[KVMRUN_CRASH_RIP] - trap, where, sizeof where);
	diag("guest crashed: %s in %s", what, where);
	unsigned n = guest_symbols_backtrace(gs, crash, pcs, GUEST_SYMBOLS_MAX_FRAMES);
	for (unsigned i = 0; i < n; i++) {
		/* Recursion: one line for a run of the same return address. */
		unsigned same = 0;
		while (i > 0 && i + same + 1 < n && pcs[i + same + 1] == pcs[i])
			same++;
		/* A return address's call is the instruction before it. */
		guest_symbols_name(gs, pcs[i] - (i ? 1 : trap), where, sizeof where);
		diag("  #%-2u 0x%016" PRIx64 " in %s", i, pcs[i], where);
		if (same)
			diag("      ... and %u more frame(s) of the same", same);
		i += same;
	}
	diag("  rip=0x%016" PRIx64 " rsp=0x%016" PRIx64 " rbp=0x%016" PRIx64 " rflags=0x%" PRIx64,
	     r[KVMRUN_CRASH_RIP], r[KVMRUN_CRASH_RSP], r[KVMRUN_CRASH_RBP], r[KVMRUN_CRASH_RFLAGS]);
	diag("  rax=0x%016" PRIx64 " rbx=0x%016" PRIx64 " rcx=0x%016" PRIx64 " rdx=0x%016" PRIx64,
	     r[KVMRUN_CRASH_RAX], r[KVMRUN_CRASH_RBX], r[KVMRUN_CRASH_RCX], r[KVMRUN_CRASH_RDX]);
	diag("  rsi=0x%016" PRIx64 " rdi=0x%016" PRIx64 " cr2=0x%" PRIx64 " error=0x%x vector=%u",
	     r[KVMRUN_CRASH_RSI], r[KVMRUN_CRASH_RDI], crash->cr2, crash->error_code, crash->vector);
}
