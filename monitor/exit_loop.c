#include "exit_loop.h"

#include <asm/processor-flags.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "diag.h"
#include "exit_trace.h"
#include "gdb_stub.h"
#include "exit_status.h"
#include "halt_watch.h"
#include "hypercall_table.h"
#include "input_watch.h"
#include "ioapic.h"
#include "stats.h"
#include "stop_request.h"
#include "trace_out.h"

static uint64_t guest_rip(const struct vm *vm)
{
	struct kvm_regs regs;
	return ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) == 0 ? regs.rip : 0;
}

/* The guest's registers, for the reports of a crashed guest. */
static void report_registers(const struct vm *vm)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		diag("guest registers unavailable: %s", strerror(errno));
		return;
	}
	/* AMD SVM reinitializes the vCPU on shutdown (the VMCB is undefined
	 * after it), so the registers of a triple-faulted guest may be the
	 * reset state, not the faulting one: say so rather than mislead. */
	if (s.cs.selector == 0xf000 && r.rip == 0xfff0)
		diag("  (the CPU reset these registers at shutdown; the faulting state is lost)");
	diag("  rip=0x%016llx rsp=0x%016llx rbp=0x%016llx rflags=0x%llx",
	     r.rip, r.rsp, r.rbp, r.rflags);
	diag("  rax=0x%016llx rbx=0x%016llx rcx=0x%016llx rdx=0x%016llx",
	     r.rax, r.rbx, r.rcx, r.rdx);
	diag("  rsi=0x%016llx rdi=0x%016llx cs=0x%04x ss=0x%04x",
	     r.rsi, r.rdi, s.cs.selector, s.ss.selector);
	diag("  cr0=0x%llx cr2=0x%llx cr3=0x%llx cr4=0x%llx efer=0x%llx",
	     s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
}

/* api.rst KVM_EXIT_INTERNAL_ERROR: suberror 1 is an instruction KVM could
 * not emulate; data[] carries details (for emulation: the bytes tried). */
static void report_internal_error(const struct vm *vm)
{
	const struct kvm_run *run = vm->run;
	char data[256] = "";
	size_t used = 0;
	unsigned n = run->internal.ndata;

	if (n > sizeof run->internal.data / sizeof run->internal.data[0])
		n = sizeof run->internal.data / sizeof run->internal.data[0];
	for (unsigned i = 0; i < n && used < sizeof data - 20; i++)
		used += (size_t)snprintf(data + used, sizeof data - used, " 0x%llx",
					 (unsigned long long)run->internal.data[i]);
	diag("guest crashed: KVM internal error, suberror %u%s (rip 0x%llx)%s%s",
	     run->internal.suberror,
	     run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ? " (instruction emulation failed)" : "",
	     (unsigned long long)guest_rip(vm), n ? "; data:" : "", data);
}

static int handle_io(struct vm *vm, struct virtio_devices *devs, int *status)
{
	const struct kvm_run *run = vm->run;
	char why[256];
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;

	/* The kernel owns these fields; check them anyway before indexing. */
	if (run->io.data_offset > vm->run_size || bytes > vm->run_size - run->io.data_offset) {
		diag("guest error: port I/O data outside the run structure");
		*status = STATUS_GUEST_ERROR;
		return 1;
	}
	const struct io_access io = {
		.port = run->io.port, .direction = run->io.direction, .size = run->io.size,
		.count = run->io.count, .data = (const uint8_t *)run + run->io.data_offset,
	};
	const struct hypercall_ctx ctx = { .mem = &vm->mem, .devs = devs, .status = status,
					   .symbols = vm->symbols, .core = vm->core,
					   .program = &vm->program,
					   .crash = &vm->crash, .crashed = &vm->crashed,
					   .debug_trap = vm->gdb ? gdb_stub_guest_trap : NULL,
					   .debugger = vm->gdb };
	switch (hypercall_handle(&ctx, &io, why, sizeof why)) {
	case HC_CONTINUE:
		return 0;
	case HC_EXIT:
		return 1;
	case HC_BAD_REQUEST:
		diag("guest error: bad hypercall: %s (rip 0x%llx)", why,
		     (unsigned long long)guest_rip(vm));
		*status = STATUS_GUEST_ERROR;
		return 1;
	case HC_UNHANDLED:
		break;
	}
	diag("guest error: unhandled port I/O: %s of %u byte(s) %s port 0x%x (rip 0x%llx)",
	     run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in", run->io.size,
	     run->io.direction == KVM_EXIT_IO_OUT ? "to" : "from", run->io.port,
	     (unsigned long long)guest_rip(vm));
	*status = STATUS_GUEST_ERROR;
	return 1;
}

static int handle_mmio(struct vm *vm, const struct mmio_regions *regions, int *status)
{
	struct kvm_run *run = vm->run;
	char why[256];

	/* For a read, the region fills run->mmio.data; KVM hands it to the
	 * guest on the next KVM_RUN (api.rst KVM_EXIT_MMIO). */
	switch (mmio_regions_access(regions, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
				    run->mmio.is_write, why, sizeof why)) {
	case MMIO_SERVED:
		return 0;
	case MMIO_GUEST_ERROR:
		diag("guest error: %s (rip 0x%llx)", why, (unsigned long long)guest_rip(vm));
		*status = STATUS_GUEST_ERROR;
		return 1;
	case MMIO_UNHANDLED:
		break;
	}
	diag("guest error: unhandled MMIO: %s of %u byte(s) at 0x%llx (rip 0x%llx)",
	     run->mmio.is_write ? "write" : "read", run->mmio.len,
	     (unsigned long long)run->mmio.phys_addr, (unsigned long long)guest_rip(vm));
	*status = STATUS_GUEST_ERROR;
	return 1;
}

/* --stats: every return of KVM_RUN to user space, by reason; a KVM_RUN a
 * signal interrupted is "intr", another failure (EFAULT) "other". */
static void count_exit(int run_rc, int run_errno, const struct kvm_run *run)
{
	stats.exits++;
	if (run_rc < 0 && (run_errno == EINTR || run_errno == EAGAIN))
		stats.intr++;
	else if (run_rc < 0)
		stats.other++;
	else if (run->exit_reason == KVM_EXIT_IO)
		stats.io++;
	else if (run->exit_reason == KVM_EXIT_MMIO)
		stats.mmio++;
	else if (run->exit_reason == KVM_EXIT_IOAPIC_EOI)
		stats.eoi++;
	else
		stats.other++;
}

/* --trace: the exit just served, on stderr (exit_trace.h). */
static void trace_exit(const struct vm *vm, int rc, int run_errno)
{
	char line[256];
	uint64_t origin = stats.tsc_guest_clock ? stats.tsc_guest_clock : stats.tsc_first_run;
	uint64_t us = stats_microseconds(stats_tsc() - origin);

	exit_trace_format(line, sizeof line, us, rc, run_errno, vm->run, vm->run_size, guest_rip(vm));
	trace_out_line(line);
}

/* KVM_RUN, timed for --stats: the cycles inside it are the guest's. */
static int run_vcpu(const struct vm *vm)
{
	if (!stats.timing)
		return ioctl(vm->vcpu_fd, KVM_RUN, 0);
	uint64_t start = stats_tsc();
	if (!stats.tsc_first_run)
		stats.tsc_first_run = start;
	int rc = ioctl(vm->vcpu_fd, KVM_RUN, 0);
	int e = errno;
	stats.tsc_in_guest += stats_tsc() - start;
	errno = e;
	return rc;
}

/* One exit; returns 1 when the guest is done and *status is final. */
static int handle_exit(struct vm *vm, struct virtio_devices *devs,
		       const struct mmio_regions *regions, int *status)
{
	const struct kvm_run *run = vm->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return handle_io(vm, devs, status);
	case KVM_EXIT_MMIO:
		return handle_mmio(vm, regions, status);
	case KVM_EXIT_IOAPIC_EOI:
		ioapic_eoi(&vm->ioapic, run->eoi.vector);
		return 0;
	case KVM_EXIT_DEBUG:
		/* Only with --gdb: KVM_SET_GUEST_DEBUG is what asks for these. */
		if (vm->gdb)
			return gdb_stub_debug_exit(vm->gdb, status);
		break;
	case KVM_EXIT_HLT:
		/* Only without an in-kernel local APIC; nothing could wake it. */
		diag("guest crashed: guest halted with nothing to wake it (rip 0x%llx)",
		     (unsigned long long)guest_rip(vm));
		report_registers(vm);
		*status = STATUS_GUEST_CRASH;
		return 1;
	case KVM_EXIT_SHUTDOWN:
		diag("guest crashed: triple fault (shutdown) at rip 0x%llx",
		     (unsigned long long)guest_rip(vm));
		report_registers(vm);
		*status = STATUS_GUEST_CRASH;
		return 1;
	case KVM_EXIT_FAIL_ENTRY:
		diag("guest crashed: VM entry failed, hardware reason 0x%llx (rip 0x%llx)",
		     (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
		     (unsigned long long)guest_rip(vm));
		report_registers(vm);
		*status = STATUS_GUEST_CRASH;
		return 1;
	case KVM_EXIT_INTERNAL_ERROR:
		report_internal_error(vm);
		report_registers(vm);
		*status = STATUS_GUEST_CRASH;
		return 1;
	default:
		break;
	}
	diag("guest stopped: unexpected VM exit reason %u (rip 0x%llx)", run->exit_reason,
	     (unsigned long long)guest_rip(vm));
	*status = STATUS_UNKNOWN_EXIT;
	return 1;
}

/* The halt watch's question (halt_watch.h): is the vCPU halted with
 * interrupts disabled? Asked only after its timer interrupted KVM_RUN. */
static bool halted_for_good(const struct vm *vm)
{
	struct kvm_mp_state mp;
	struct kvm_regs regs;

	return ioctl(vm->vcpu_fd, KVM_GET_MP_STATE, &mp) == 0 &&
	       mp.mp_state == KVM_MP_STATE_HALTED &&
	       ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) == 0 && !(regs.rflags & X86_EFLAGS_IF);
}

static int stop_report(const struct vm *vm)
{
	return stop_request_report(vm->timeout_text, vm->timeout_unit, guest_rip(vm));
}

int exit_loop_run(struct vm *vm, struct virtio_devices *devs, const struct mmio_regions *regions)
{
	int status = 0;

	/* --gdb: the guest waits at its first instruction for GDB's word. */
	if (vm->gdb && gdb_stub_start(vm->gdb, &status))
		return status;
	for (;;) {
		int rc = run_vcpu(vm);
		int run_errno = errno;
		count_exit(rc, run_errno, vm->run);
		if (rc < 0 && vm->trace)
			trace_exit(vm, rc, run_errno);
		errno = run_errno; /* the trace's register read may change it */
		if (rc < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				/* Cleared before the stop check: a stop signal from
				 * now on sets immediate_exit again itself. */
				bool input = input_watch_due;
				if (input) {
					input_watch_due = 0;
					vm->run->immediate_exit = 0;
				}
				if (stop_requested())
					return stop_report(vm);
				if (input) {
					virtio_devices_input_arrived(devs);
					if (stop_requested()) /* a failed read */
						return stop_report(vm);
				}
				if (vm->gdb && gdb_stub_poll(vm->gdb, &status))
					return status;
				if (halt_watch_due) {
					halt_watch_due = 0;
					if (halted_for_good(vm)) {
						diag("guest crashed: guest halted with interrupts disabled, "
						     "nothing can wake it (rip 0x%llx)",
						     (unsigned long long)guest_rip(vm));
						report_registers(vm);
						return STATUS_GUEST_CRASH;
					}
				}
				continue;
			}
			if (errno == EFAULT) {
				diag("guest crashed: KVM_RUN: the guest touched memory the host cannot back "
				     "(rip 0x%llx)", (unsigned long long)guest_rip(vm));
				return STATUS_GUEST_CRASH;
			}
			diag("KVM_RUN failed: %s", strerror(errno));
			return STATUS_KVMRUN_FAILED;
		}
		int done = handle_exit(vm, devs, regions, &status);
		if (vm->trace)
			trace_exit(vm, rc, 0);
		if (done)
			return vm->gdb ? gdb_stub_guest_done(vm->gdb, vm->crashed ? &vm->crash : NULL, status)
				       : status;
		/* A stop that came while an exit was being served. */
		if (stop_requested())
			return stop_report(vm);
		/* --gdb: a guest that waits for input sits in the wait hypercall,
		 * not in KVM_RUN, when the halt watch's tick comes: look at what
		 * gdb sent (a ^C) then too. */
		if (vm->gdb && halt_watch_due && gdb_stub_poll(vm->gdb, &status))
			return status;
	}
}
