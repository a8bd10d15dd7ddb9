/* The KVM virtual machine: /dev/kvm, the VM, its memory slots, the
 * interrupt controllers (local APIC in KVM, IOAPIC in ioapic.c) and the one
 * vCPU (Documentation/virt/kvm/api.rst). */
#ifndef KVMRUN_VM_H
#define KVMRUN_VM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>

#include <kvmrun/hypercall.h>

#include "core_dump.h"
#include "cpu_mode.h"
#include "guest_mem.h"
#include "ioapic.h"

struct gdb_stub;

struct vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run; /* the vCPU's shared run structure */
	size_t run_size;
	struct guest_mem mem;
	struct ioapic ioapic; /* its interrupts go out through the VM fd */
	struct cpu_vector_unit vector_unit; /* from the CPUID it was given */
	const char *timeout_text; /* --timeout as written, for the report */
	const char *timeout_unit; /* and the unit it implied ("s" or "") */
	const struct guest_symbols *symbols; /* the loaded ELF files, for crash reports */
	const struct core_dump *core; /* --dumpcore's directory; NULL without it */
	struct gdb_stub *gdb; /* --gdb: the connected debugger; NULL without it */
	struct kvmrun_crash crash; /* the crash hypercall's report, when crashed */
	/* start_info.program as kvmrun wrote it (entry 0: a kvmrun app), for
	 * debuggers: the core's NT_AUXV and gdb's auxv (guest_auxv.h). */
	struct kvmrun_program program;
	bool crashed;
	int trace; /* --trace: a line per VM exit */
};

/* Open /dev/kvm, check the API, create the VM with mem_size bytes of RAM,
 * the split irqchip and one vCPU with the host-supported CPUID.
 * Returns 0 or -1 with err set to one line (with the fix, where known). */
int vm_create(struct vm *vm, uint64_t mem_size, char *err, size_t errlen);

/* Put the vCPU in the app's start state (cpu_mode.h). */
int vm_set_boot_state(struct vm *vm, unsigned bits, uint64_t entry, char *err, size_t errlen);

/* Close /dev/kvm once setup is done: the exit loop needs only the vCPU. */
void vm_close_kvm_fd(struct vm *vm);

/* The guest TSC's rate in kHz (0 when KVM cannot tell) and its value now.
 * 0, or -1 when KVM would not read it. */
int vm_read_tsc(struct vm *vm, uint32_t *khz, uint64_t *tsc);

void vm_destroy(struct vm *vm);

#endif
