/* Entry of 32-bit apps: flat protected mode, paging off, interrupts off,
 * ESP at the top of the boot stack, EDI = start_info's address. */
	.section .text.entry, "ax"
	.globl _start
	.type _start, @function
_start:
	andl $-16, %esp        /* SysV i386 ABI: 16-byte aligned at each call */
	xorl %ebp, %ebp        /* end of the frame-pointer chain */
	subl $12, %esp
	pushl %edi             /* kvmrun_crt_start(start_info) */
	call kvmrun_crt_start
1:	hlt                    /* not reached: kvmrun_crt_start exits */
	jmp 1b
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
