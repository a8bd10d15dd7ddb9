/* --gdb=PORT or --gdb=PATH: the guest under GDB's control. The protocol is
 * gdb_remote.c's; this is the rest: the socket, the vCPU's registers and
 * debug state (KVM_SET_GUEST_DEBUG, api.rst 4.59; KVM_EXIT_DEBUG), and the
 * points where the exit loop hands the guest to GDB: before its first
 * instruction, at a breakpoint, step or watchpoint, on ^C, at a crash
 * (shown where it faulted, as a signal) and at its exit.
 *
 * kvmrun waits for GDB's connection before the seccomp filter goes on and
 * the guest starts, and listens on the loopback interface only (or a UNIX
 * socket). The filter of a --gdb run then allows what the stub needs and a
 * normal run's does not (seccomp_filter.c, filter_gdb_rules): read and
 * write on the one connection, and the vCPU's KVM_SET_GUEST_DEBUG,
 * KVM_SET_REGS, KVM_GET_FPU and KVM_SET_FPU. Nothing opens or accepts
 * anything after it. */
#ifndef KVMRUN_GDB_STUB_H
#define KVMRUN_GDB_STUB_H

#include <kvmrun/hypercall.h>
#include <stdbool.h>
#include <stddef.h>

#include "gdb_remote.h"
#include "guest_auxv.h"

struct vm;

struct gdb_stub {
	struct gdb_session session;
	struct vm *vm;
	int fd;            /* the connection to GDB; -1 once it is gone */
	bool block_irq;    /* KVM_GUESTDBG_BLOCKIRQ while stepping (KVM_CAP_SET_GUEST_DEBUG2) */
	uint8_t auxv[GUEST_AUXV_MAX]; /* a static program's, for GDB (guest_auxv.h) */
	size_t in_len;     /* received bytes not yet fed */
	uint8_t in[4096];
};

/* Listen on where (a port on 127.0.0.1, or a UNIX socket's path when it
 * has a '/'), say so on stderr, accept GDB's connection and close the
 * listener. Before the filter. 0, or -1 with err set. */
int gdb_stub_connect(struct gdb_stub *g, struct vm *vm, unsigned bits, const char *where,
		     char *err, size_t errlen);

/* Serve GDB with the guest stopped before its first instruction, until it
 * resumes the guest. 0 to run it, or 1 when GDB ended it (*status set). */
int gdb_stub_start(struct gdb_stub *g, int *status);

/* KVM_EXIT_DEBUG: report the stop to GDB and serve it. 0 to run on, or 1
 * with *status set. */
int gdb_stub_debug_exit(struct gdb_stub *g, int *status);

/* The crash hypercall, before its report: a #BP at one of GDB's
 * breakpoints that the CPU delivered to the guest's own handler instead of
 * to KVM (QEMU's emulated SVM, under which the KVM sandbox runs, does not
 * let KVM intercept int3). The guest is put back where it stopped, its
 * registers those the handler saved, and GDB told of the breakpoint.
 * debugger is the struct gdb_stub. 0 when it was no breakpoint of GDB's
 * (the crash is reported as usual), 1 to run the guest on, 2 when GDB
 * ended it (*status set). */
int gdb_stub_guest_trap(void *debugger, const struct kvmrun_crash *crash, int *status);

/* KVM_RUN was interrupted (the halt watch's timer): take what GDB sent
 * meanwhile; a ^C stops the guest for it. 0 to run on, or 1 with *status. */
int gdb_stub_poll(struct gdb_stub *g, int *status);

/* The guest is done with status. A crash (crash non-NULL) is first shown
 * to GDB as a stop with the signal, the registers those of the faulting
 * code; any resume then ends it. GDB learns the end (W or X packet).
 * Returns the status kvmrun exits with. */
int gdb_stub_guest_done(struct gdb_stub *g, const struct kvmrun_crash *crash, int status);

/* GDB's number for a Linux signal (gdb/signals.def differs from 7 up). */
int gdb_signal_from_linux(int sig);

#endif
