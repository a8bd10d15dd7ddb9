/* --trace: one line on stderr per VM exit, written after kvmrun served it
 * (so an "in" or an MMIO read shows the value the guest got): the time
 * since the guest started, the reason and its details, and the guest's RIP.
 * The formatting alone, without KVM, for the tests; the exit loop reads RIP
 * (KVM_GET_REGS) only when tracing. */
#ifndef KVMRUN_EXIT_TRACE_H
#define KVMRUN_EXIT_TRACE_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

/* "trace: 0.001234 io out port=0x501 size=4 value=0x2000 rip=0x100234"
 * into buf. run_rc and run_errno are KVM_RUN's result; run the structure
 * it filled (its data offsets checked here too). */
void exit_trace_format(char *buf, size_t len, uint64_t t_us, int run_rc, int run_errno,
		       const struct kvm_run *run, size_t run_size, uint64_t rip);

#endif
