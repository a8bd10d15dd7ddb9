/* The program the runtime enters: either the app it is linked into (musl's
 * _start, the app's own ELF headers and end), or a static Linux program
 * kvmrun loaded beside it (start_info.program), for which the runtime is
 * the kernel. Either way it is entered as Linux enters a new process. */
#ifndef KVMRUN_GUEST_PROGRAM_H
#define KVMRUN_GUEST_PROGRAM_H

#include <stdint.h>

struct program {
	uintptr_t entry; /* AT_ENTRY, where the runtime jumps */
	uintptr_t phdr;  /* AT_PHDR */
	uintptr_t brk;   /* the initial program break, page-aligned */
	uint32_t phnum;  /* AT_PHNUM */
	uint32_t phent;  /* AT_PHENT */
};

/* Set at boot, before the program runs. */
const struct program *boot_program(void);

#endif
