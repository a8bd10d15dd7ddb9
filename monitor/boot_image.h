/* What kvmrun boots, from the file it was given: a kvmrun app alone, or
 * for a static Linux program the guest kernel (guest_kernel.h) and the
 * program beside it, each where its ELF file says, neither overlapping the
 * other. Errors are returned (tests drive it with kernels of their own). */
#ifndef KVMRUN_BOOT_IMAGE_H
#define KVMRUN_BOOT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "elf_loader.h"
#include "guest_kernel.h"
#include "guest_mem.h"
#include "guest_symbols.h"

struct boot_image {
	struct elf_app kernel;   /* what the vCPU enters: the app, or the guest kernel */
	const char *kernel_file; /* its ELF file's bytes */
	bool has_program;
	struct elf_app program;  /* the static Linux program, when has_program */
	const char *program_file;
};

/* From the checked app (elf_open_app) and its bytes; kernels[0] and [1]
 * are the i386 and x86-64 guest kernels. 0, or -1 with err set. */
int boot_image_plan(struct boot_image *b, const struct elf_app *app, const char *app_file,
		    const struct guest_mem *mem, const struct guest_kernel kernels[2],
		    char *err, size_t errlen);

/* What crash reports name code from: the program (path, its file_size
 * bytes) and the guest kernel under it, or the app alone. */
void boot_image_symbols(const struct boot_image *b, const char *path, size_t file_size,
			const struct guest_kernel kernels[2], const struct guest_mem *mem,
			struct guest_symbols *gs);

/* Copy every segment into fresh guest RAM. */
void boot_image_copy(const struct boot_image *b, const struct guest_mem *mem);

#endif
