/* start_info: the machine description kvmrun writes into guest memory.
 *
 * Shared by the monitor (x86-64 host) and the guest runtime (i386 and
 * x86-64 guests), so every field has a fixed width, every 64-bit field sits
 * at an 8-byte-aligned offset and every structure's size is a multiple of 8:
 * the layout is identical whatever the compiler's alignment rules (i386
 * aligns uint64_t to 4 bytes only). Addresses are guest-physical; nothing
 * here is a host pointer.
 *
 * The monitor places start_info at KVMRUN_START_INFO_ADDR and passes that
 * address in EDI (32-bit guests) / RDI (64-bit guests) at entry.
 */
#ifndef KVMRUN_START_INFO_H
#define KVMRUN_START_INFO_H

#include <stdint.h>

#include "abi_note.h"
#include "machine_layout.h"

#define KVMRUN_START_INFO_MAGIC 0x524d564bu /* "KVMR" little-endian */
/* abi_version holds KVMRUN_ABI_VERSION (abi_note.h). */

/* Memory map: use of a range. */
enum kvmrun_mem_use {
	KVMRUN_MEM_FREE = 1,        /* unused RAM, all zero at entry: the guest's (heap) */
	KVMRUN_MEM_KERNEL = 2,      /* the app's ELF segments, or the guest
				     * kernel's when a program is loaded too */
	KVMRUN_MEM_START_INFO = 3,  /* this structure and the argv strings */
	KVMRUN_MEM_PAGE_TABLES = 4, /* identity map the 64-bit guest runs on */
	KVMRUN_MEM_GDT = 5,         /* descriptor table loaded at entry */
	KVMRUN_MEM_STACK = 6,       /* the initial stack */
	KVMRUN_MEM_RESERVED = 7,    /* not to be used (the null page) */
	KVMRUN_MEM_PROGRAM = 8,     /* a static Linux program's ELF segments */
};

/* Memory map: flags of a range. */
#define KVMRUN_MEM_F_READ_ONLY 0x1u /* the app's ELF marks it not writable */
#define KVMRUN_MEM_F_EXEC 0x2u      /* the app's ELF marks it executable */

struct kvmrun_mem_entry {
	uint64_t base;
	uint64_t size;
	uint32_t flags; /* KVMRUN_MEM_F_* */
	uint32_t use;   /* enum kvmrun_mem_use */
};

/* Device map: one virtio-mmio register window per device. */
struct kvmrun_dev_entry {
	uint64_t base; /* guest-physical address of the register window */
	uint32_t size; /* bytes in the window */
	uint32_t irq;  /* interrupt (IOAPIC pin) the device raises */
};

/* A static Linux program kvmrun loaded beside the guest runtime, which then
 * boots as the program's kernel and enters it as Linux enters a new process
 * (System V ABI, "Process Initialization"). All zero when the app is the
 * kernel too (a kvmrun app, linked with the runtime). */
struct kvmrun_program {
	uint64_t entry;     /* where the program starts (e_entry + load bias) */
	uint64_t phdr;      /* its program headers in guest memory (AT_PHDR) */
	uint64_t brk;       /* the initial program break: the page after its
			     * highest segment */
	uint32_t phnum;     /* AT_PHNUM */
	uint32_t phent;     /* AT_PHENT: the size of one program header */
};

/* start_info.trace: what the runtime reports to kvmrun's trace output
 * (the trace hypercall: standard error, or --trace-file) as the app runs. KVMRUN_TRACE_SYSCALLS (kvmrun --trace=syscalls): a line
 * per system call, its arguments and result, as strace prints them
 * (guestlib/syscall/trace.c). A runtime built before this field read it as
 * reserved and zero, and traces nothing. */
#define KVMRUN_TRACE_SYSCALLS 0x1u

/* start_info.tty: bit fd set when kvmrun's fd is a terminal. */
#define KVMRUN_TTY_STDIN 0x1u
#define KVMRUN_TTY_STDOUT 0x2u
#define KVMRUN_TTY_STDERR 0x4u

#define KVMRUN_MAX_MEM_ENTRIES 64u
#define KVMRUN_MAX_DEV_ENTRIES 8u
#define KVMRUN_MAX_ARGS 256u
#define KVMRUN_MAX_ENV 256u

struct kvmrun_start_info {
	uint32_t magic;       /* KVMRUN_START_INFO_MAGIC */
	uint32_t abi_version; /* KVMRUN_ABI_VERSION */
	uint64_t mem_size;    /* bytes of guest RAM in all ranges */
	uint64_t ioapic_base; /* guest-physical base of the IOAPIC */
	uint32_t mem_count;   /* valid entries in mem[] */
	uint32_t dev_count;   /* valid entries in dev[] */
	uint32_t argc;        /* argv strings in the args blob; argv[0] is the app */
	uint32_t args_size;   /* bytes in the args blob, NULs included */
	uint64_t args_addr;   /* guest-physical address of the args blob: argc
			       * NUL-ended argv strings, then envc environment ones */
	uint32_t envc;        /* environment strings, NAME=VALUE, after argv's */
	uint32_t tsc_khz;     /* the guest TSC's rate in kHz (KVM_GET_TSC_KHZ);
			       * 0 when KVM could not tell */
	uint64_t clock_tsc;   /* the guest TSC when clock_realtime_ns was read */
	uint64_t clock_realtime_ns; /* the host's CLOCK_REALTIME then, in ns
				     * since the epoch: the guest's wall clock */
	uint8_t random[16];   /* from the host's getrandom: the runtime's
			       * AT_RANDOM (the C library's stack canary) */
	uint32_t tty;         /* KVMRUN_TTY_*: which of kvmrun's fds 0-2 are
			       * terminals (the guest's fds 0-2 are them) */
	uint32_t trace;       /* KVMRUN_TRACE_*; zero for a run without tracing */
	struct kvmrun_program program;
	uint8_t entropy[64];  /* more from the host's getrandom: the first bytes
			       * the runtime's getrandom hands out, each once,
			       * so that a C library's start-up (glibc's malloc
			       * wants 8) does not start the entropy device */
	/* Sorted by base, not overlapping, covering all guest RAM exactly. */
	struct kvmrun_mem_entry mem[KVMRUN_MAX_MEM_ENTRIES];
	struct kvmrun_dev_entry dev[KVMRUN_MAX_DEV_ENTRIES];
};

/* The layout is part of the ABI: check it wherever this header is used. */
_Static_assert(sizeof(struct kvmrun_mem_entry) == 24, "mem entry size");
_Static_assert(sizeof(struct kvmrun_dev_entry) == 16, "dev entry size");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, mem_size) == 8, "mem_size");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, ioapic_base) == 16, "ioapic_base");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, mem_count) == 24, "mem_count");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, args_addr) == 40, "args_addr");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, envc) == 48, "envc");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, tsc_khz) == 52, "tsc_khz");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, clock_tsc) == 56, "clock_tsc");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, random) == 72, "random");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, tty) == 88, "tty");
_Static_assert(sizeof(struct kvmrun_program) == 32, "program size");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, program) == 96, "program");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, entropy) == 128, "entropy");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, mem) == 192, "mem");
_Static_assert(__builtin_offsetof(struct kvmrun_start_info, dev) == 192 + 24 * 64, "dev");
_Static_assert(sizeof(struct kvmrun_start_info) == 192 + 24 * 64 + 16 * 8, "start_info size");
_Static_assert(sizeof(struct kvmrun_start_info) < KVMRUN_START_INFO_SIZE, "fits its area");

#endif
