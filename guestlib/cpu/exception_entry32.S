/* i386 exception entry: the stubs (exception_stubs.inc) run on the
 * interrupted stack (the runtime never changes privilege, so the CPU pushes
 * no SS:ESP); exception_common pushes every general register (pushal) and
 * hands the frame (struct exception_frame, cpu/exceptions.h) to
 * exception_report(), which never returns. A double fault has a task of
 * its own instead (double_fault_task, below). */
#include "exception_stubs.inc"

	.text
	exception_stubs pushl

exception_common:
	pushal
	movl %esp, %eax
	andl $-16, %esp
	subl $12, %esp
	pushl %eax
	call exception_report
1:	cli
	hlt
	jmp 1b

/* The double-fault task (cpu/descriptors.h, cpu/exceptions.c): entered by
 * a task switch, on its own stack, with the error code (0) on top. */
	.globl double_fault_task
double_fault_task:
	call double_fault_report
2:	cli
	hlt
	jmp 2b

	exception_stub_table .long

	.section .note.GNU-stack, "", @progbits
