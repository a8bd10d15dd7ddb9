/* Loading the app: an ELF32 i386 or ELF64 x86-64 image, parsed with libelf
 * and checked segment by segment before a byte reaches guest RAM. It is a
 * kvmrun app (it carries the ABI note: linked with the guest runtime, an
 * ET_EXEC entered directly) or a static Linux program (no note, no
 * PT_INTERP: ET_EXEC at its own addresses, or a static PIE placed at
 * KVMRUN_PIE_BASE), which kvmrun runs on the guest kernel (boot_image.h).
 * Errors are returned, never acted on, so tests and fuzzers can drive it. */
#ifndef KVMRUN_ELF_LOADER_H
#define KVMRUN_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

#define ELF_MAX_PHDRS 64u
#define ELF_MAX_LOAD_SEGMENTS 16u
#define ELF_MAX_FILE_SIZE (1ull << 30) /* bytes of app file kvmrun reads at most */

struct elf_segment {
	uint64_t gpa;    /* where it goes in guest-physical memory: an app's
			  * p_paddr, a program's p_vaddr + load bias */
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset; /* p_offset in the file */
	uint32_t pflags; /* PF_R/PF_W/PF_X */
};

/* The whole 4 KiB pages a segment touches, [*lo, *hi): the unit the memory
 * map and the overlap checks work in. The loader has checked that
 * gpa + memsz does not wrap. */
static inline void elf_segment_pages(const struct elf_segment *s, uint64_t *lo, uint64_t *hi)
{
	*lo = s->gpa & ~0xfffull;
	*hi = (s->gpa + s->memsz + 0xfffull) & ~0xfffull;
}

enum elf_kind {
	ELF_KVMRUN_APP = 1,    /* the ABI note: boots itself */
	ELF_LINUX_PROGRAM = 2, /* a static Linux executable: needs the guest kernel */
};

struct elf_app {
	enum elf_kind kind;
	unsigned bits;   /* 32 or 64: the CPU mode the app starts in */
	uint64_t entry;  /* load bias included */
	uint64_t load_bias; /* added to every p_vaddr: non-zero for a static PIE */
	/* Linux programs only: what the C library is told (AT_PHDR, AT_PHNUM,
	 * AT_PHENT) and where the program break starts. */
	uint64_t phdr;   /* guest address of the program headers */
	uint32_t phnum, phent;
	uint64_t brk;    /* the page after the highest segment */
	unsigned nseg;
	struct elf_segment seg[ELF_MAX_LOAD_SEGMENTS];
};

/* An app file read into memory. */
struct elf_file {
	const char *path;
	int fd;
	void *elf;        /* libelf handle (Elf *) while the file is open */
	const char *image;
	size_t size;
};

enum elf_open_result {
	ELF_OPEN_OK,
	ELF_OPEN_NOT_FOUND, /* ENOENT: documented status 127 */
	ELF_OPEN_UNUSABLE,  /* exists but cannot be an app: status 126 */
	ELF_OPEN_FAILED,    /* host error reading it: status 125 */
};

/* Open path and parse it with libelf's elf_begin(); on success app holds the
 * checked segments. err gets one line naming the rule that failed. */
enum elf_open_result elf_open_app(const char *path, const struct guest_mem *mem,
				  struct elf_file *file, struct elf_app *app,
				  char *err, size_t errlen);
void elf_close_app(struct elf_file *file);

/* Close the file but keep its bytes (image, size) in memory until
 * elf_close_app(): crash reports read its symbols under the seccomp
 * filter, which forbids opening it again. */
void elf_release_fd(struct elf_file *file);

/* Parse and check an in-memory image (libelf's elf_memory()): the path for
 * unit tests and fuzzers. Returns 0 or -1 with err set. */
int elf_check_image(const char *image, size_t size, const struct guest_mem *mem,
		    struct elf_app *app, char *err, size_t errlen);

/* Copy the checked segments into fresh (all-zero) guest RAM. */
void elf_copy_segments(const struct elf_app *app, const char *image,
		       const struct guest_mem *mem);

#endif
