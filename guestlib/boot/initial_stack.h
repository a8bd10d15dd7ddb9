/* The stack a Linux process starts on (the x86-64 psABI §3.4.1, the i386
 * psABI §2.3.1; Linux's fs/binfmt_elf.c): argc, argv, envp and the
 * auxiliary vector, which the C library's _start reads. */
#ifndef KVMRUN_GUEST_INITIAL_STACK_H
#define KVMRUN_GUEST_INITIAL_STACK_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/start_info.h>

#include "boot/program.h"

/* Allocate the app's stack and lay it out from start_info's arguments and
 * environment, with the program's headers and entry in the auxiliary
 * vector. Returns the stack pointer to enter with (pointing at argc,
 * 16-byte aligned), or 0 when RAM is short. */
uintptr_t initial_stack_build(const struct kvmrun_start_info *si, const struct program *prog);

/* The stack's size in bytes (its RLIMIT_STACK), once built. */
size_t initial_stack_size(void);

#endif
