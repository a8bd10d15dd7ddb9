/* x86-64 exception entry: the stubs (exception_stubs.inc) run on the
 * exception stack (IST_EXCEPTIONS, cpu/descriptors.h), so that a stack
 * overflow still reaches them; exception_common pushes every general
 * register and hands the frame (struct exception_frame, cpu/exceptions.h)
 * to exception_report(), which never returns. */
#include "exception_stubs.inc"

	.text
	exception_stubs pushq

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

	exception_stub_table .quad

	.section .note.GNU-stack, "", @progbits
