/* Telling a dead guest from a waiting one. A guest that halts with
 * interrupts disabled (cli; hlt: many runtimes' crash path, musl's
 * a_crash() among them) can never run again, but with KVM's in-kernel
 * local APIC the halt happens inside KVM_RUN, which then never returns
 * (api.rst, KVM_CREATE_IRQCHIP / KVM_CAP_SPLIT_IRQCHIP: HLT is handled in
 * the kernel). A slow timer interrupts KVM_RUN every HALT_WATCH_PERIOD_MS;
 * the exit loop then asks KVM whether the vCPU is halted
 * (KVM_GET_MP_STATE, KVM_MP_STATE_HALTED) with RFLAGS.IF clear, and if so
 * reports a crash. Nothing in kvmrun sends an NMI, SMI or INIT, the only
 * events that end such a halt (Intel SDM vol. 2A, HLT; AMD APM vol. 3,
 * HLT). A running guest pays one extra exit per period. */
#ifndef KVMRUN_HALT_WATCH_H
#define KVMRUN_HALT_WATCH_H

#include <signal.h>
#include <stddef.h>

#define HALT_WATCH_PERIOD_MS 250

/* Set by the timer's signal, cleared by the exit loop when it looks. */
extern volatile sig_atomic_t halt_watch_due;

/* Create and start the timer (a POSIX timer on CLOCK_MONOTONIC that
 * raises SIGRTMIN, a signal nobody else sends). 0, or -1 with err set. */
int halt_watch_start(char *err, size_t errlen);

#endif
