/* Hypercalls: port I/O the guest uses to talk to the monitor before (or
 * instead of) any device. Each is one 32-bit `out` to its port; the port
 * access is a VM exit the monitor handles in its exit loop.
 */
#ifndef KVMRUN_HYPERCALL_H
#define KVMRUN_HYPERCALL_H

#include <stdint.h>

/* outl(status, KVMRUN_PORT_EXIT): stop the guest; kvmrun exits with
 * status & 0xff, as exit(3) does. */
#define KVMRUN_PORT_EXIT 0x0500u

/* outl(gpa, KVMRUN_PORT_DEBUG_WRITE): write the bytes described by the
 * struct kvmrun_debug_write at guest-physical address gpa (below 4 GiB) to
 * kvmrun's standard output. The early console, before any device is up. */
#define KVMRUN_PORT_DEBUG_WRITE 0x0501u

/* outl(0, KVMRUN_PORT_WAIT): sleep until a device has something new for
 * the guest. Returns at once when there is nothing to wait for (no receive
 * buffer posted, or input already at end of file); otherwise kvmrun blocks
 * (using no CPU) until input arrives or reaches end of file, fills the
 * console's posted receive buffers and returns. A guest that waits for
 * input uses this instead of spinning on the used ring. */
#define KVMRUN_PORT_WAIT 0x0502u

/* outl(gpa, KVMRUN_PORT_CRASH): the guest took a CPU exception it cannot
 * recover from (guestlib/cpu/exceptions.c); gpa (below 4 GiB) holds a
 * struct kvmrun_crash. kvmrun prints what happened, where (symbolized from
 * the ELF, with a backtrace unwound through guest memory) and exits with
 * the status a shell shows for the signal Linux would send (128 + N: 139
 * for SIGSEGV, 132 SIGILL, 136 SIGFPE, 133 SIGTRAP, 135 SIGBUS). */
#define KVMRUN_PORT_CRASH 0x0503u

/* outl(gpa, KVMRUN_PORT_TRACE_WRITE): the guest runtime's trace output
 * (--trace=syscalls' lines), a struct kvmrun_debug_write as for
 * KVMRUN_PORT_DEBUG_WRITE. kvmrun writes the bytes where its own trace
 * lines go (standard error, or --trace-file), apart from the app's
 * standard error. */
#define KVMRUN_PORT_TRACE_WRITE 0x0504u

/* Largest len a single debug write accepts. */
#define KVMRUN_DEBUG_WRITE_MAX (1u << 20)

struct kvmrun_debug_write {
	uint64_t data; /* guest-physical address of the bytes */
	uint32_t len;  /* number of bytes, at most KVMRUN_DEBUG_WRITE_MAX */
	uint32_t reserved;
};

_Static_assert(sizeof(struct kvmrun_debug_write) == 16, "debug write size");

/* The registers at the fault, in struct kvm_regs's order; a 32-bit guest
 * leaves R8-R15 zero. */
enum kvmrun_crash_reg {
	KVMRUN_CRASH_RAX, KVMRUN_CRASH_RBX, KVMRUN_CRASH_RCX, KVMRUN_CRASH_RDX,
	KVMRUN_CRASH_RSI, KVMRUN_CRASH_RDI, KVMRUN_CRASH_RSP, KVMRUN_CRASH_RBP,
	KVMRUN_CRASH_R8, KVMRUN_CRASH_R9, KVMRUN_CRASH_R10, KVMRUN_CRASH_R11,
	KVMRUN_CRASH_R12, KVMRUN_CRASH_R13, KVMRUN_CRASH_R14, KVMRUN_CRASH_R15,
	KVMRUN_CRASH_RIP, KVMRUN_CRASH_RFLAGS,
	KVMRUN_CRASH_NREGS
};

/* flags: the fault address (cr2) is in the guard page below the stack. */
#define KVMRUN_CRASH_STACK_OVERFLOW (1u << 0)
/* flags: regs[] hold nothing (an i386 double fault whose task switch
 * saved no usable state). */
#define KVMRUN_CRASH_REGISTERS_LOST (1u << 1)

struct kvmrun_crash {
	uint32_t vector;     /* the exception, 0-31 (Intel SDM vol. 3 §6.3.1) */
	uint32_t error_code; /* as the CPU pushed it; 0 for vectors without one */
	uint32_t flags;      /* KVMRUN_CRASH_* */
	uint32_t reserved;
	uint64_t cr2;        /* the faulting address of a page fault */
	uint64_t regs[KVMRUN_CRASH_NREGS];
};

_Static_assert(sizeof(struct kvmrun_crash) == 24 + 8 * KVMRUN_CRASH_NREGS, "crash report size");

#endif
