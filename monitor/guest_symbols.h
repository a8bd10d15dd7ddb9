/* Names for guest addresses, for crash reports: the function and source
 * line an address lies in, and a backtrace unwound through guest memory.
 * Built on elfutils' libdwfl over the ELF files kvmrun loaded, kept in
 * memory as read (no file is opened again: the seccomp filter is on by
 * then). The unwinder uses the ELF's call-frame information (.eh_frame,
 * .debug_frame), or frame pointers where there is none; every word it
 * reads comes through guest_mem_ptr(). Nothing is parsed until a crash. */
#ifndef KVMRUN_GUEST_SYMBOLS_H
#define KVMRUN_GUEST_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/hypercall.h>

#include "guest_mem.h"

#define GUEST_SYMBOLS_MAX_IMAGES 2u
#define GUEST_SYMBOLS_MAX_FRAMES 32u

/* One loaded ELF file: its bytes and where its segments went. */
struct guest_image {
	const char *name;  /* for the report: the program's path, or "kvmrun guest kernel" */
	const char *bytes; /* the whole file, as read */
	size_t size;
	uint64_t load_bias; /* added to its p_vaddr (a static PIE's) */
};

struct guest_symbols {
	unsigned bits; /* 32 or 64: the guest's word size */
	unsigned count;
	struct guest_image image[GUEST_SYMBOLS_MAX_IMAGES];
	const struct guest_mem *mem;
};

/* Make room in the heap for the symbolizer, before the seccomp filter
 * forbids growing it. Costs one brk; the pages are touched only on use. */
void guest_symbols_reserve(void);

/* "parse_line+0x1c (app.c:42)", "parse_line+0x1c", or "0x401234" when no
 * symbol covers addr, into buf. */
void guest_symbols_name(const struct guest_symbols *gs, uint64_t addr, char *buf, size_t len);

/* Unwind from the registers of crash: the return addresses of up to max
 * frames into pcs, the faulting RIP first. pcs[i] for i > 0 is a return
 * address (the call is the instruction before it). Returns the count, at
 * least 1. */
unsigned guest_symbols_backtrace(const struct guest_symbols *gs, const struct kvmrun_crash *crash,
				 uint64_t *pcs, unsigned max);

#endif
