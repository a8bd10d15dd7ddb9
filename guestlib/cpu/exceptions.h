/* CPU exceptions in the guest: every vector 0-31 has a handler that
 * reports the exception to kvmrun (the crash hypercall,
 * <kvmrun/hypercall.h>) with the registers at the fault, and stops. kvmrun
 * names the code from the ELF's symbols and exits with 128 + the signal
 * Linux would send. Nothing is recovered: a guest gets no signal handlers. */
#ifndef KVMRUN_GUEST_EXCEPTIONS_H
#define KVMRUN_GUEST_EXCEPTIONS_H

#include <stdint.h>

/* What the entry stubs (cpu/exception_entry{32,64}.S) build: the general
 * registers as pushed, then the vector, the error code and the CPU's own
 * frame (SDM vol. 3 §6.14.2 for x86-64, §6.12.1 for i386). */
struct exception_frame {
#if UINTPTR_MAX > 0xffffffffu
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error_code, rip, cs, rflags, rsp, ss;
#else
	uint32_t edi, esi, ebp, esp_at_pushal, ebx, edx, ecx, eax; /* pushal's order */
	uint32_t vector, error_code, eip, cs, eflags;
	/* no ESP/SS: the CPU pushes them only on a privilege change */
#endif
};

/* Install the handlers (after descriptors_init()). */
void exceptions_init(void);

/* Paging is on (memory/page_table.h): on i386, page faults from now on
 * switch to a task of their own (cpu/descriptors.h), which needs the page
 * tables; on x86-64, nothing to do. */
void exceptions_paging_on(void);

/* The page below the stack, left unmapped so that an overflow faults
 * (boot/initial_stack.c): a fault there is reported as a stack overflow. */
void exceptions_set_stack_guard(uintptr_t guard_page);

#endif
