/* Entry of 64-bit apps: long mode on the monitor's identity map, interrupts
 * off, RSP at the top of the boot stack, RDI = start_info's address (already
 * the first argument in the SysV x86-64 ABI). */
	.section .text.entry, "ax"
	.globl _start
	.type _start, @function
_start:
	andq $-16, %rsp        /* 16-byte aligned before the call */
	xorl %ebp, %ebp        /* end of the frame-pointer chain */
	call kvmrun_crt_start
1:	hlt                    /* not reached: kvmrun_crt_start exits */
	jmp 1b
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
