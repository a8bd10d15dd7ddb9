/* The i386 system call entry: `int $0x80` lands here through an interrupt
 * gate (cpu/descriptors.c), which at CPL 0 pushes EFLAGS, CS and EIP on
 * the caller's stack and clears IF. Linux's i386 convention: EAX the
 * number, EBX ECX EDX ESI EDI EBP the arguments, EAX the result; every
 * other register is preserved, the x87/SSE state included.
 *
 * The arguments go on the caller's stack as struct syscall_frame; the
 * handler itself runs on the runtime's own stack (the boot stack), so a
 * small app stack never has to hold it. */
#include <kvmrun/machine_layout.h>

	.text
	.globl syscall_entry32
	.type syscall_entry32, @function
syscall_entry32:
	cld                    /* the gate leaves DF as the caller had it; the
				* runtime's C code needs it clear (iret restores it) */
	pushl %ebp             /* struct syscall_frame, from its end: */
	pushl %edi
	pushl %esi
	pushl %edx
	pushl %ecx
	pushl %ebx
	pushl %eax             /* the number: the frame starts here */
	movl %esp, %ecx
	movl $KVMRUN_STACK_TOP, %esp
	pushl %ecx             /* the frame, to return to */
	subl $12, %esp         /* 16-byte aligned for the save area */
	subl $512, %esp
	fxsave (%esp)
	subl $12, %esp
	pushl %ecx             /* syscall_dispatch(frame), 16-byte aligned at the call */
	call syscall_dispatch
	addl $16, %esp
	fxrstor (%esp)
	addl $524, %esp
	popl %esp              /* back on the caller's stack, at the frame */
	addl $4, %esp          /* the number: EAX holds the result */
	popl %ebx
	popl %ecx
	popl %edx
	popl %esi
	popl %edi
	popl %ebp
	iret
	.size syscall_entry32, . - syscall_entry32

	.section .note.GNU-stack, "", @progbits
