/* x86-64 exception entry: one stub per vector 0-31 (Intel SDM vol. 3
 * §6.3.1), each on the exception stack (IST_EXCEPTIONS, cpu/descriptors.h),
 * so that a stack overflow still reaches it. A stub pushes a zero where the
 * CPU pushes no error code (§6.13), then the vector, then every general
 * register, and hands the frame (struct exception_frame, cpu/exceptions.h)
 * to exception_report(), which never returns. */
	.text
	.macro exception_stub vector
	.balign 16
exception_stub_\vector:
	.if \vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30
	.else
	pushq $0
	.endif
	pushq $\vector
	jmp exception_common
	.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	exception_stub \v
	.endr

exception_common:
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rbp
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rbx
	pushq %rax
	movq %rsp, %rdi
	andq $-16, %rsp
	call exception_report
1:	cli
	hlt
	jmp 1b

/* The stubs' addresses, by vector, for the IDT. */
	.section .rodata
	.balign 8
	.globl exception_stubs
exception_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exception_stub_\v
	.endr

	.section .note.GNU-stack, "", @progbits
