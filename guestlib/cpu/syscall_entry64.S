/* The x86-64 system call entry: the SYSCALL instruction lands here (LSTAR,
 * set by cpu/syscall_setup.c) with RCX = the caller's RIP, R11 = its
 * RFLAGS, and IF, DF, TF and AC cleared (FMASK); RSP is still the
 * caller's. Linux's convention (the x86-64 psABI §A.2.1): RAX the number,
 * RDI RSI RDX R10 R8 R9 the arguments, RAX the result; every other register
 * but RCX and R11 is preserved, the SSE state included.
 *
 * The handler runs on the runtime's own stack (the boot stack, free once
 * the app runs): the app's code may keep data in the 128 bytes below its
 * RSP (the red zone). The guest runs at CPL 0, and SYSRET always returns
 * to CPL 3, so the way back is a plain jump. */
#include <kvmrun/machine_layout.h>

	.text
	.globl syscall_entry64
	.type syscall_entry64, @function
syscall_entry64:
	movq %rsp, syscall_caller_rsp(%rip)
	movq $KVMRUN_STACK_TOP, %rsp
	pushq syscall_caller_rsp(%rip)
	pushq %rcx             /* return address */
	pushq %r11             /* RFLAGS */
	pushq %r9              /* struct syscall_frame, from its end: */
	pushq %r8
	pushq %r10
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rax             /* the number: the frame starts here */
	movq %rsp, %rdi        /* syscall_dispatch(frame) */
	subq $512, %rsp        /* 16-byte aligned: the top is, and 80 + 512 is a multiple of 16 */
	fxsave64 (%rsp)
	call syscall_dispatch
	fxrstor64 (%rsp)
	addq $520, %rsp        /* the save area and the number */
	popq %rdi
	popq %rsi
	popq %rdx
	popq %r10
	popq %r8
	popq %r9
	popq %r11
	popq %rcx
	pushq %r11             /* RFLAGS back, still on this stack */
	popfq
	popq %rsp              /* the caller's stack */
	jmp *%rcx
	.size syscall_entry64, . - syscall_entry64

	.bss
	.balign 8
syscall_caller_rsp:
	.quad 0

	.section .note.GNU-stack, "", @progbits
