/* Bench guest without the runtime: exit 0 with the first instruction
 * (one `outl` to the exit port), as the floor's guest does. kvmrun running
 * it costs the monitor's own start-up and nothing of the guest runtime's
 * (start_info checks, device drivers). Same bytes in 32- and 64-bit mode. */
	.section .text.entry, "ax"
	.globl kvmrun_entry
kvmrun_entry:
	movw $0x500, %dx       /* KVMRUN_PORT_EXIT */
	xorl %eax, %eax        /* status 0 */
	outl %eax, (%dx)
1:	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
