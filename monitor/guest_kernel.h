/* The guest kernel: guestlib's runtime linked without an app, once per
 * width, and built into kvmrun (guest_kernel.S), so that kvmrun stays one
 * self-contained file. kvmrun boots it beside a static Linux program, which
 * it then enters as Linux enters a new process (boot_image.h). */
#ifndef KVMRUN_GUEST_KERNEL_H
#define KVMRUN_GUEST_KERNEL_H

#include <stdint.h>

struct guest_kernel {
	const char *image; /* the ELF file's bytes */
	uint64_t size;
};

/* [0]: i386, [1]: x86-64. */
extern const struct guest_kernel guest_kernels[2];

#endif
