/* i386 exception entry: one stub per vector 0-31 (Intel SDM vol. 3
 * §6.3.1) on the interrupted stack (the runtime never changes privilege,
 * so the CPU pushes no SS:ESP). A stub pushes a zero where the CPU pushes
 * no error code (§6.13), then the vector, then every general register
 * (pushal), and hands the frame (struct exception_frame, cpu/exceptions.h)
 * to exception_report(), which never returns. */
	.text
	.macro exception_stub vector
	.balign 16
exception_stub_\vector:
	.if \vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30
	.else
	pushl $0
	.endif
	pushl $\vector
	jmp exception_common
	.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	exception_stub \v
	.endr

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
1:	cli
	hlt
	jmp 1b

/* The stubs' addresses, by vector, for the IDT. */
	.section .rodata
	.balign 4
	.globl exception_stubs
exception_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long exception_stub_\v
	.endr

	.section .note.GNU-stack, "", @progbits
