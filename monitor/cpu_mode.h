/* The CPU state an app starts in, chosen by its ELF class:
 * ELF32 - flat 32-bit protected mode, paging off;
 * ELF64 - 64-bit long mode on identity-mapped page tables over guest RAM.
 * Both have a GDT in guest memory matching the segment registers, SSE
 * enabled, the stack at KVMRUN_STACK_TOP and start_info's address in EDI/RDI.
 */
#ifndef KVMRUN_CPU_MODE_H
#define KVMRUN_CPU_MODE_H

#include <linux/kvm.h>
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

/* Adjust the vCPU's reset-state sregs for the app's mode (32 or 64). */
void cpu_mode_sregs(struct kvm_sregs *sregs, unsigned bits);

/* Registers at entry. */
void cpu_mode_regs(struct kvm_regs *regs, uint64_t entry);

/* FPU/SSE state at entry (FNINIT defaults, all SSE exceptions masked). */
void cpu_mode_fpu(struct kvm_fpu *fpu);

#endif
