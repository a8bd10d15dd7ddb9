#include "boot_image.h"

#include <inttypes.h>
#include <string.h>

#include "diag.h"

/* Page-rounded [lo, hi) of all of an image's segments. */
static void image_span(const struct elf_app *a, uint64_t *lo, uint64_t *hi)
{
	*lo = UINT64_MAX;
	*hi = 0;
	for (unsigned i = 0; i < a->nseg; i++) {
		uint64_t s, e;
		elf_segment_pages(&a->seg[i], &s, &e);
		if (s < *lo)
			*lo = s;
		if (e > *hi)
			*hi = e;
	}
}

static int check_kernel(const struct boot_image *b, const char *arch, char *err, size_t errlen)
{
	if (b->kernel.kind != ELF_KVMRUN_APP || b->kernel.bits != b->program.bits) {
		diag_set(err, errlen, "the %s guest kernel built into kvmrun is not one", arch);
		return -1;
	}
	uint64_t lo, hi;
	image_span(&b->kernel, &lo, &hi);
	for (unsigned i = 0; i < b->program.nseg; i++) {
		const struct elf_segment *s = &b->program.seg[i];
		/* Pages, not bytes: the kernel's and the program's pages are
		 * told apart in the memory map. */
		uint64_t s_lo, s_hi;
		elf_segment_pages(s, &s_lo, &s_hi);
		if (s_lo < hi && lo < s_hi) {
			if (b->program.load_bias) /* a static PIE: placed, not linked, there */
				diag_set(err, errlen, "the program placed at 0x%x overlaps kvmrun's guest "
					 "kernel [0x%" PRIx64 ", 0x%" PRIx64 "): the kernel is too big",
					 KVMRUN_PIE_BASE, lo, hi);
			else
				diag_set(err, errlen, "the program's segment at [0x%" PRIx64 ", 0x%" PRIx64 ") "
					 "overlaps kvmrun's guest kernel [0x%" PRIx64 ", 0x%" PRIx64 "); static "
					 "programs must be linked at or above 0x%" PRIx64, s->gpa,
					 s->gpa + s->memsz, lo, hi, hi);
			return -1;
		}
	}
	return 0;
}

int boot_image_plan(struct boot_image *b, const struct elf_app *app, const char *app_file,
		    const struct guest_mem *mem, const struct guest_kernel kernels[2],
		    char *err, size_t errlen)
{
	memset(b, 0, sizeof *b);
	if (app->kind == ELF_KVMRUN_APP) {
		b->kernel = *app;
		b->kernel_file = app_file;
		return 0;
	}
	const char *arch = app->bits == 64 ? "x86-64" : "i386";
	const struct guest_kernel *k = &kernels[app->bits == 64];
	char why[256];

	b->has_program = true;
	b->program = *app;
	b->program_file = app_file;
	if (elf_check_image(k->image, (size_t)k->size, mem, &b->kernel, why, sizeof why) < 0) {
		diag_set(err, errlen, "the %s guest kernel built into kvmrun: %s", arch, why);
		return -1;
	}
	b->kernel_file = k->image;
	return check_kernel(b, arch, err, errlen);
}

void boot_image_copy(const struct boot_image *b, const struct guest_mem *mem)
{
	elf_copy_segments(&b->kernel, b->kernel_file, mem);
	if (b->has_program)
		elf_copy_segments(&b->program, b->program_file, mem);
}

void boot_image_symbols(const struct boot_image *b, const char *path, size_t file_size,
			const struct guest_kernel kernels[2], const struct guest_mem *mem,
			struct guest_symbols *gs)
{
	const struct guest_kernel *k = &kernels[b->kernel.bits == 64];

	*gs = (struct guest_symbols){ .bits = b->kernel.bits, .mem = mem };
	if (!b->has_program) {
		gs->image[gs->count++] = (struct guest_image){
			.name = path, .bytes = b->kernel_file, .size = file_size,
		};
		return;
	}
	gs->image[gs->count++] = (struct guest_image){
		.name = path, .bytes = b->program_file, .size = file_size,
		.load_bias = b->program.load_bias,
	};
	gs->image[gs->count++] = (struct guest_image){
		.name = "kvmrun guest kernel", .bytes = k->image, .size = (size_t)k->size,
	};
}
