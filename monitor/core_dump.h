/* --dumpcore=DIR: when the guest crashes, an ELF core file of it in DIR
 * that gdb opens beside the app (`gdb app.elf DIR/core.kvmrun.PID`): the
 * registers at the fault in an NT_PRSTATUS note, the command line in
 * NT_PRPSINFO, a static program's auxiliary vector in NT_AUXV (where gdb
 * finds a static PIE's load address), and guest RAM as PT_LOAD segments at the addresses the
 * guest sees (the guest is identity-mapped, so virtual = physical). ELF64
 * and EM_X86_64 for 64-bit guests, ELF32 and EM_386 for 32-bit ones, with
 * the note layouts Linux writes for each (the System V gABI's core files;
 * the Linux kernel's elf_prstatus and elf_prpsinfo).
 *
 * Pages that are all zero are left out (RAM never touched reads as zero),
 * so a 64 MiB guest gives a core of the memory it used.
 *
 * The file is created only at the crash, under the seccomp filter: DIR is
 * opened before it, and a --dumpcore run's filter allows two calls more
 * than a normal run's (seccomp_filter.c): openat on DIR's descriptor with
 * exactly the flags core_dump_save uses (create a new file, never open an
 * existing one), and write on the one descriptor that openat returns,
 * which is known in advance (the lowest free one). seccomp cannot check
 * openat's path, which could be absolute or climb out with "..": Landlock
 * (where the kernel has it) keeps the process to creating files beneath
 * DIR from core_dump_prepare() on. */
#ifndef KVMRUN_CORE_DUMP_H
#define KVMRUN_CORE_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/hypercall.h>
#include <kvmrun/start_info.h>

#include "guest_mem.h"

/* openat's flags for the core file, which the filter pins. */
#define CORE_DUMP_OPEN_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW)

struct core_dump {
	int dir_fd;       /* DIR, opened before the filter; -1 without --dumpcore */
	int file_fd;      /* the descriptor the core file will get */
	const char *dir;  /* as the user wrote it, for the message */
	char name[48];    /* "core.kvmrun.PID" */
	const char *app;  /* the app's path and arguments, for NT_PRPSINFO */
	char args[80];
};

/* What the core shows: the guest's width, its registers at the fault (in
 * kvm_regs order, as the crash hypercall gives them), the signal Linux
 * would have sent, and its RAM. */
struct core_state {
	unsigned bits; /* 32 or 64 */
	int signal;
	const uint64_t *regs; /* KVMRUN_CRASH_NREGS of them */
	const struct guest_mem *mem;
	const char *app;  /* basename shown as the process name */
	const char *args; /* the command line */
	/* A static Linux program's place (start_info.program), for its
	 * NT_AUXV; entry 0 for a kvmrun app: no NT_AUXV. */
	struct kvmrun_program program;
};

/* Open DIR and work out the name and descriptor of the core file to be.
 * Before the seccomp filter. 0, or -1 with err set ("--dumpcore: DIR: ..."). */
int core_dump_prepare(struct core_dump *cd, const char *dir, int app_argc, char *const app_argv[],
		      char *err, size_t errlen);

/* Write the core of s to fd: headers, notes, then the non-zero pages of
 * RAM, with write(2) alone. 0, or -1 with err set. */
int core_dump_write(int fd, const struct core_state *s, char *err, size_t errlen);

/* Create DIR/core.kvmrun.PID and write the core into it. 0, or -1 with
 * err set. */
int core_dump_save(const struct core_dump *cd, const struct core_state *s, char *err, size_t errlen);

#endif
