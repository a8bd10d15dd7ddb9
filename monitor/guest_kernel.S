/* The guest kernels' ELF files, as built ($(O)/kernel/kernel{32,64}.elf),
 * and the table guest_kernel.h declares. The build passes their folder
 * with -Wa,-I. */
	.section .rodata.guest_kernel, "a"
	.balign 16
kernel32_start:
	.incbin "kernel32.elf"
kernel32_end:
	.balign 16
kernel64_start:
	.incbin "kernel64.elf"
kernel64_end:

	/* Pointers: relocated at load time in a position-independent kvmrun. */
	.section .data.rel.ro.guest_kernel, "aw"
	.balign 8
	.globl guest_kernels
	.type guest_kernels, @object
guest_kernels:
	.quad kernel32_start, kernel32_end - kernel32_start
	.quad kernel64_start, kernel64_end - kernel64_start
	.size guest_kernels, . - guest_kernels

	.section .note.GNU-stack, "", @progbits
