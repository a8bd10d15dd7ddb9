/* The CPU state an app starts in, chosen by its ELF class:
 * ELF32 - flat 32-bit protected mode, paging off;
 * ELF64 - 64-bit long mode on identity-mapped page tables over guest RAM.
 * Both have a GDT in guest memory matching the segment registers, SSE
 * enabled, and XSAVE with every vector-register state KVM offers (AVX,
 * AVX-512), the stack at KVMRUN_STACK_TOP and start_info's address in
 * EDI/RDI.
 */
#ifndef KVMRUN_CPU_MODE_H
#define KVMRUN_CPU_MODE_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"

#define GDT_SEL_CODE32 0x08
#define GDT_SEL_DATA 0x10
#define GDT_SEL_CODE64 0x18
#define GDT_ENTRIES 4

/* Bytes of page tables a 64-bit app needs for this RAM (identity map of at
 * least the low 4 GiB with 2 MiB pages). */
uint64_t page_tables_size(const struct guest_mem *mem);

/* Write the page tables at KVMRUN_PAGE_TABLES_ADDR. */
void page_tables_write(const struct guest_mem *mem);

/* Write the GDT at KVMRUN_GDT_ADDR. */
void gdt_write(const struct guest_mem *mem);

/* The vector unit the guest gets: XSAVE on (CR4.OSXSAVE) when its CPUID
 * has it, and in XCR0 the x87, SSE, AVX and AVX-512 states KVM supports
 * (Intel SDM vol. 1 §13.3). Other state components (MPX, PKRU, AMX) stay
 * off: they need more of the OS than the runtime is. */
struct cpu_vector_unit {
	bool xsave;
	uint64_t xcr0; /* when xsave */
};

/* From the guest's CPUID: leaf 1 ECX bit 26 (XSAVE) and leaf 0xD
 * subleaf 0 EDX:EAX (the XCR0 bits supported). */
struct cpu_vector_unit cpu_mode_vector_unit(const struct kvm_cpuid2 *cpuid);

/* Adjust the vCPU's reset-state sregs for the app's mode (32 or 64) and
 * vector unit. */
void cpu_mode_sregs(struct kvm_sregs *sregs, unsigned bits, const struct cpu_vector_unit *vu);

/* Registers at entry. */
void cpu_mode_regs(struct kvm_regs *regs, uint64_t entry);

/* FPU/SSE state at entry (FNINIT defaults, all SSE exceptions masked). */
void cpu_mode_fpu(struct kvm_fpu *fpu);

#endif
