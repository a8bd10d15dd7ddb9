/* The runtime's own GDT and IDT (Intel SDM vol. 3 §3.4.5, §6.10-6.14),
 * loaded at boot in place of the monitor's boot GDT. The selectors are the
 * boot GDT's (monitor/cpu_mode.h), so code keeps running on them; the GDT
 * adds what system calls need: the data descriptor SYSCALL loads into SS,
 * and the TLS entries i386's set_thread_area fills. */
#ifndef KVMRUN_GUEST_DESCRIPTORS_H
#define KVMRUN_GUEST_DESCRIPTORS_H

#include <stdint.h>

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18
#define SEL_SYSCALL_SS 0x20 /* SYSCALL sets SS to STAR's CS + 8 (SDM vol. 2 SYSCALL) */

/* GDT entries for thread-local storage, at the numbers Linux gives them
 * (its GDT_ENTRY_TLS_MIN is 6), so set_thread_area answers what i386
 * programs expect. */
#define GDT_TLS_FIRST 6u
#define GDT_TLS_COUNT 3u

/* x86-64 only: the TSS, a 16-byte descriptor in entries 9 and 10. The
 * runtime never changes privilege, so it holds nothing but the interrupt
 * stack table (SDM vol. 3 §7.7, §6.14.5). */
#define SEL_TSS64 0x48
#define IST_EXCEPTIONS 1u /* the exception handlers' own stack */

/* i386 only: two TSSes, for the one use of hardware task switching the
 * runtime makes (SDM vol. 3 §7.3): a double fault switches, through a task
 * gate, to a task with a stack of its own, so that a stack overflow into
 * the guard page still gets a handler (i386 has no IST). The running
 * task's registers are saved in the main TSS, where the handler reads
 * them. */
#define SEL_TSS32_MAIN 0x48
#define SEL_TSS32_FAULT 0x50

/* Vectors the runtime uses. */
#define VECTOR_SYSCALL32 0x80  /* int $0x80, the i386 Linux system call */
#define VECTOR_TIMER 0xec      /* the local APIC timer (cpu/lapic_timer.c) */
#define VECTOR_SPURIOUS 0xff   /* the local APIC's spurious vector */

/* Load the GDT and an IDT with the runtime's gates. */
void descriptors_init(void);

/* Set IDT gate vector to an interrupt gate (IF cleared on entry) at
 * handler, DPL 0. */
void idt_set_gate(uint8_t vector, uintptr_t handler);

/* The same on the stack interrupt-stack-table entry ist (x86-64; ignored
 * on i386), whatever RSP was at the exception: a stack overflow still gets
 * a handler. */
void idt_set_gate_ist(uint8_t vector, uintptr_t handler, unsigned ist);

/* Point IST entry ist at stack_top (x86-64; nothing on i386). */
void tss_set_ist(unsigned ist, uintptr_t stack_top);

#if UINTPTR_MAX <= 0xffffffffu
/* The registers of the task a fault switched away from, as saved in the
 * main TSS. */
struct saved_task {
	uint32_t eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
};

/* Make IDT gate vector a task gate to the fault task, which starts at
 * entry on stack_top with the current page tables. */
void idt_set_fault_task(uint8_t vector, uintptr_t entry, uintptr_t stack_top);

/* The interrupted task's registers. */
struct saved_task tss_saved_task(void);
#endif

/* Write GDT entry index (GDT_TLS_FIRST..+GDT_TLS_COUNT-1) as a DPL-3
 * segment from a Linux struct user_desc's fields. */
void gdt_set_tls(unsigned index, uint32_t base, uint32_t limit, uint32_t flags);

/* Free TLS entry index again. */
void gdt_clear_tls(unsigned index);

/* Whether GDT entry index is a TLS entry not yet used. */
int gdt_tls_free(unsigned index);

#endif
