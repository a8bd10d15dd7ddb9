/* Entry of 64-bit apps (the ELF entry, guestlib/link.ld): long mode on the
 * monitor's identity map, interrupts off, RSP at the top of the boot
 * stack, RDI = start_info's address (already the first argument in the
 * SysV x86-64 ABI). kvmrun_boot (boot/boot.c) never returns. */
	.section .text.entry, "ax"
	.globl kvmrun_entry
	.type kvmrun_entry, @function
kvmrun_entry:
	andq $-16, %rsp        /* 16-byte aligned before the call */
	xorl %ebp, %ebp        /* end of the frame-pointer chain */
	call kvmrun_boot
1:	hlt
	jmp 1b
	.size kvmrun_entry, . - kvmrun_entry

/* boot_enter_app(sp, entry): onto the app's initial stack and into its
 * _start, as Linux starts a process: RDX zero (no exit handler to
 * register), the other registers zero too. */
	.text
	.globl boot_enter_app
	.type boot_enter_app, @function
boot_enter_app:
	movq %rdi, %rsp
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %ebp, %ebp
	xorl %edi, %edi
	jmp *%rsi
	.size boot_enter_app, . - boot_enter_app

	.section .note.GNU-stack, "", @progbits
