/* Entry of 32-bit apps (the ELF entry, guestlib/link.ld): flat protected
 * mode, paging off, interrupts off, ESP at the top of the boot stack, EDI
 * = start_info's address. kvmrun_boot (boot/boot.c) never returns. */
	.section .text.entry, "ax"
	.globl kvmrun_entry
	.type kvmrun_entry, @function
kvmrun_entry:
	andl $-16, %esp        /* SysV i386 ABI: 16-byte aligned at each call */
	xorl %ebp, %ebp        /* end of the frame-pointer chain */
	subl $12, %esp
	pushl %edi             /* kvmrun_boot(start_info) */
	call kvmrun_boot
1:	hlt
	jmp 1b
	.size kvmrun_entry, . - kvmrun_entry

/* boot_enter_app(sp, entry): onto the app's initial stack and into its
 * _start, as Linux starts a process: EDX zero (no exit handler to
 * register). */
	.text
	.globl boot_enter_app
	.type boot_enter_app, @function
boot_enter_app:
	movl 8(%esp), %eax     /* entry */
	movl 4(%esp), %esp     /* sp */
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %ebp, %ebp
	xorl %esi, %esi
	xorl %edi, %edi
	jmp *%eax
	.size boot_enter_app, . - boot_enter_app

	.section .note.GNU-stack, "", @progbits
