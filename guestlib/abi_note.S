/* The ABI note (include/kvmrun/abi_note.h) that makes an ELF file a kvmrun
 * app. Linked into every guest, with the runtime or without (bench's raw
 * guests), by the one guest link rule; link.ld puts it in a PT_NOTE
 * segment. Note layout (gABI): namesz, descsz, type, then name and
 * descriptor, each padded to 4 bytes, in both ELF classes on x86. */
#include <kvmrun/abi_note.h>

	.section .note.kvmrun, "a", @note
	.balign 4
	.long 2f - 1f                  /* n_namesz, the NUL included */
	.long 4f - 3f                  /* n_descsz */
	.long KVMRUN_NOTE_ABI          /* n_type */
1:	.asciz KVMRUN_NOTE_NAME
2:	.balign 4
3:	.long KVMRUN_ABI_VERSION
4:	.balign 4

	.section .note.GNU-stack, "", @progbits
