/* Where system calls land: the SYSCALL MSRs on x86-64 (SDM vol. 2
 * SYSCALL; AMD APM vol. 2 §6.1.1), the int $0x80 gate on i386. */
#include "syscall_setup.h"

#include <stdint.h>

#include "descriptors.h"
#include "x86.h"

#if UINTPTR_MAX > 0xffffffffu
void syscall_entry64(void);

void syscall_setup(void)
{
	/* Long mode as kvmrun entered it (LME, LMA), and SYSCALL: written
	 * whole, as a read would cost a VM exit. */
	wrmsr(MSR_EFER, EFER_LME | EFER_LMA | EFER_SCE);
	/* STAR[47:32]: CS on entry (SS is that + 8); STAR[63:48], SYSRET's,
	 * stays 0: the runtime never uses SYSRET. */
	wrmsr(MSR_STAR, (uint64_t)SEL_CODE64 << 32);
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry64);
	/* Cleared on entry: interrupts stay off in the handler until it
	 * chooses to wait, string ops run forward, no single-step or
	 * alignment checks. */
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
}
#else
void syscall_entry32(void);

void syscall_setup(void)
{
	idt_set_gate(VECTOR_SYSCALL32, (uintptr_t)syscall_entry32);
}
#endif
