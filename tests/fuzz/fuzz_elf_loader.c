/* libFuzzer target: kvmrun's ELF loader fed arbitrary bytes as an app.
 *
 * Input: the whole app image. Each input is checked with elf_check_image()
 * against two guests: 64 MiB (one RAM range) and 5 GiB (RAM on both sides
 * of the MMIO hole). Where it is accepted the segments are copied into that
 * guest with elf_copy_segments(), and the same bytes are also opened as a
 * file with elf_open_app(), the path kvmrun itself takes.
 *
 * Besides the sanitizers, the target checks what the loader promises and
 * abort()s where that is broken:
 *   rejected: err is one non-empty line of printable text, not cut short;
 *   accepted: bits is 32 or 64 and matches the header; 1..16 segments, each
 *     non-empty, filesz <= memsz, its file range inside the image, its memory
 *     range inside guest RAM at or above KVMRUN_BOOT_AREA_END (below 4 GiB for
 *     a 32-bit app), no two overlapping; the entry inside an executable one;
 *     and the segments are exactly the non-empty PT_LOADs of the program
 *     header table as read from the raw bytes here, without libelf, a table
 *     that lies wholly inside the image;
 *   copied: each segment's file bytes arrive at its address, its bss part
 *     reads zero, the boot area stays untouched;
 *   monotonic: an image accepted in 64 MiB is accepted, identically, in
 *     5 GiB;
 *   same as the file path: elf_open_app() accepts exactly what
 *     elf_check_image() accepts (with the same segments) and otherwise says
 *     the app is unusable, never a host error.
 * The guests are mapped once, with a PROT_NONE page on either side; the
 * pages a copy touched are handed back with madvise(MADV_DONTNEED), so
 * every input sees fresh zero RAM.
 */
#include <elf.h>
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kvmrun/start_info.h>

#include "../../monitor/elf_loader.h"

#define SMALL_RAM (64ull << 20)
#define LARGE_RAM (5ull << 30)
#define PAGE 4096ull

static struct guest_mem small_mem, large_mem;
static int app_fd = -1;      /* a memfd holding the current input */
static char app_path[64];    /* /proc/self/fd/N: that file by name */

/* An invariant broken: say which and crash, so that libFuzzer keeps the
 * input. The line goes to stderr and to the sanitizers' report file, which
 * libFuzzer keeps open when it closes stderr (-close_fd_mask=2). */
static void broken(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), noreturn));

static void broken(const char *file, int line, const char *cond, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n = snprintf(msg, sizeof msg, "fuzz_elf_loader: %s:%d: %s: ", file, line, cond);

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", msg);
	__sanitizer_report_error_summary(msg);
	abort();
}

#define require(cond, ...)                                                   \
	do {                                                                 \
		if (!(cond))                                                 \
			broken(__FILE__, __LINE__, #cond, __VA_ARGS__);      \
	} while (0)

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* ------------------------------------------------------------ raw reading */

/* The program header fields, read from the image's own bytes. */
struct raw_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct raw_elf {
	int is64;
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint16_t phentsize, phnum_field;
	uint64_t phnum; /* e_phnum, or section 0's sh_info for PN_XNUM */
};

/* The ELF header of an image the loader accepted: it must be there whole. */
static void raw_header(const uint8_t *d, size_t size, struct raw_elf *r)
{
	require(size >= EI_NIDENT && memcmp(d, ELFMAG, SELFMAG) == 0, "no ELF magic");
	require(d[EI_CLASS] == ELFCLASS32 || d[EI_CLASS] == ELFCLASS64, "EI_CLASS %u", d[EI_CLASS]);
	require(d[EI_DATA] == ELFDATA2LSB, "EI_DATA %u", d[EI_DATA]);
	require(d[EI_VERSION] == EV_CURRENT, "EI_VERSION %u", d[EI_VERSION]);
	r->is64 = d[EI_CLASS] == ELFCLASS64;
	require(size >= (r->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)),
		"an image of %zu bytes, shorter than its ELF header", size);
	r->type = (uint16_t)get(d + 16, 2);
	r->machine = (uint16_t)get(d + 18, 2);
	r->version = (uint32_t)get(d + 20, 4);
	if (r->is64) {
		r->entry = get(d + 24, 8);
		r->phoff = get(d + 32, 8);
		r->shoff = get(d + 40, 8);
		r->phentsize = (uint16_t)get(d + 54, 2);
		r->phnum_field = (uint16_t)get(d + 56, 2);
	} else {
		r->entry = get(d + 24, 4);
		r->phoff = get(d + 28, 4);
		r->shoff = get(d + 32, 4);
		r->phentsize = (uint16_t)get(d + 42, 2);
		r->phnum_field = (uint16_t)get(d + 44, 2);
	}
	r->phnum = r->phnum_field;
	if (r->phnum_field == PN_XNUM) {
		/* Extended numbering: accepted only if section 0 holds the count. */
		uint64_t shent = r->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
		require(r->shoff != 0 && r->shoff <= size && shent <= size - r->shoff,
			"e_phnum PN_XNUM accepted without a section header 0 in the image "
			"(e_shoff 0x%llx, %zu bytes)", (unsigned long long)r->shoff, size);
		r->phnum = get(d + r->shoff + (r->is64 ? 44 : 28), 4);
	}
}

static void raw_phdr(const uint8_t *d, const struct raw_elf *r, uint64_t i, struct raw_phdr *ph)
{
	const uint8_t *p = d + r->phoff + i * r->phentsize;

	if (r->is64) {
		ph->type = (uint32_t)get(p, 4);
		ph->flags = (uint32_t)get(p + 4, 4);
		ph->offset = get(p + 8, 8);
		ph->vaddr = get(p + 16, 8);
		ph->paddr = get(p + 24, 8);
		ph->filesz = get(p + 32, 8);
		ph->memsz = get(p + 40, 8);
	} else {
		ph->type = (uint32_t)get(p, 4);
		ph->offset = get(p + 4, 4);
		ph->vaddr = get(p + 8, 4);
		ph->paddr = get(p + 12, 4);
		ph->filesz = get(p + 16, 4);
		ph->memsz = get(p + 20, 4);
		ph->flags = (uint32_t)get(p + 24, 4);
	}
}

/* ------------------------------------------------------------- invariants */

static void check_error(const char *err, size_t errlen, const char *what)
{
	size_t len = strnlen(err, errlen);

	require(len > 0, "%s: rejected without a reason", what);
	require(len < errlen - 1, "%s: reason cut short at %zu bytes: %s", what, len, err);
	for (size_t i = 0; i < len; i++)
		require((unsigned char)err[i] >= 0x20 && (unsigned char)err[i] < 0x7f,
			"%s: byte %zu of the reason is 0x%02x: %s", what, i, (unsigned char)err[i], err);
}

/* What an accepted app promises, checked against the raw bytes. */
static void check_app(const struct elf_app *app, const uint8_t *d, size_t size,
		      const struct guest_mem *mem)
{
	struct raw_elf r;

	raw_header(d, size, &r);
	require(app->bits == (r.is64 ? 64u : 32u), "bits %u for ELFCLASS%d", app->bits, r.is64 ? 64 : 32);
	require(r.machine == (r.is64 ? EM_X86_64 : EM_386), "e_machine %u", r.machine);
	int program = app->kind == ELF_LINUX_PROGRAM;
	require(app->kind == ELF_KVMRUN_APP || program, "kind %d", app->kind);
	require(r.type == ET_EXEC || (program && r.type == ET_DYN), "e_type %u", r.type);
	require(r.type == ET_DYN || app->load_bias == 0, "a load bias for ET_EXEC");
	require(r.version == EV_CURRENT, "e_version %u", r.version);
	require(app->entry == r.entry + app->load_bias, "entry 0x%llx, e_entry 0x%llx",
		(unsigned long long)app->entry, (unsigned long long)r.entry);

	/* The table, as the file states it, lies inside the image. */
	uint64_t entsize = r.is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	require(r.phentsize == entsize, "e_phentsize %u", r.phentsize);
	require(r.phnum >= 1 && r.phnum <= ELF_MAX_PHDRS, "%llu program headers",
		(unsigned long long)r.phnum);
	require(r.phoff <= size && r.phnum * entsize <= size - r.phoff,
		"program header table [0x%llx, +%llu) outside the image (%zu bytes)",
		(unsigned long long)r.phoff, (unsigned long long)(r.phnum * entsize), size);

	/* Its non-empty PT_LOADs are the app's segments, in order. */
	unsigned n = 0;
	for (uint64_t i = 0; i < r.phnum; i++) {
		struct raw_phdr ph;

		raw_phdr(d, &r, i, &ph);
		require(ph.type != PT_INTERP && (program || ph.type != PT_DYNAMIC), "phdr %llu: type %u",
			(unsigned long long)i, ph.type);
		if (ph.type != PT_LOAD)
			continue;
		require(ph.filesz <= ph.memsz, "phdr %llu: filesz > memsz", (unsigned long long)i);
		require(ph.offset <= size && ph.filesz <= size - ph.offset,
			"phdr %llu: file range outside the image", (unsigned long long)i);
		require(program || ph.vaddr == ph.paddr, "phdr %llu: vaddr != paddr", (unsigned long long)i);
		if (ph.memsz == 0)
			continue;
		require(n < app->nseg, "phdr %llu: a PT_LOAD the app lacks", (unsigned long long)i);
		const struct elf_segment *s = &app->seg[n++];
		require(s->gpa == (program ? ph.vaddr + app->load_bias : ph.paddr) &&
			s->memsz == ph.memsz && s->filesz == ph.filesz &&
			s->offset == ph.offset && s->pflags == ph.flags,
			"segment %u differs from phdr %llu", n - 1, (unsigned long long)i);
	}
	require(n == app->nseg, "%u segments, %u non-empty PT_LOADs", app->nseg, n);

	/* The rules on the segments themselves. */
	require(app->nseg >= 1 && app->nseg <= ELF_MAX_LOAD_SEGMENTS, "nseg %u", app->nseg);
	int entry_ok = 0;
	for (unsigned i = 0; i < app->nseg; i++) {
		const struct elf_segment *s = &app->seg[i];
		uint64_t end;

		require(s->memsz > 0, "segment %u: empty", i);
		require(s->filesz <= s->memsz, "segment %u: filesz 0x%llx > memsz 0x%llx", i,
			(unsigned long long)s->filesz, (unsigned long long)s->memsz);
		require(s->offset <= size && s->filesz <= size - s->offset,
			"segment %u: file range [0x%llx, +0x%llx) outside the image (%zu bytes)", i,
			(unsigned long long)s->offset, (unsigned long long)s->filesz, size);
		require(!__builtin_add_overflow(s->gpa, s->memsz, &end), "segment %u: wraps", i);
		require(s->gpa >= KVMRUN_BOOT_AREA_END, "segment %u: at 0x%llx, in the boot area", i,
			(unsigned long long)s->gpa);
		require(app->bits == 64 || end <= 0x100000000ull, "segment %u: 32-bit app above 4 GiB", i);
		require(guest_mem_ptr(mem, s->gpa, s->memsz) != NULL,
			"segment %u: [0x%llx, 0x%llx) not RAM", i, (unsigned long long)s->gpa,
			(unsigned long long)end);
		for (unsigned j = 0; j < i; j++) {
			const struct elf_segment *o = &app->seg[j];
			require(end <= o->gpa || o->gpa + o->memsz <= s->gpa,
				"segments %u and %u overlap", j, i);
		}
		if ((s->pflags & PF_X) && app->entry >= s->gpa && app->entry < end)
			entry_ok = 1;
	}
	require(entry_ok, "entry 0x%llx outside every executable segment",
		(unsigned long long)app->entry);
	if (!program)
		return;
	/* A program's headers as loaded (AT_PHDR) are in a segment's file
	 * part, and its break is past every segment. */
	require(app->phnum == r.phnum && app->phent == entsize, "phnum %u, phent %u", app->phnum,
		app->phent);
	int phdr_ok = 0;
	for (unsigned i = 0; i < app->nseg; i++) {
		const struct elf_segment *s = &app->seg[i];
		require(app->brk >= s->gpa + s->memsz, "break 0x%llx below segment %u",
			(unsigned long long)app->brk, i);
		if (app->phdr >= s->gpa && app->phdr - s->gpa <= s->filesz &&
		    r.phnum * entsize <= s->filesz - (app->phdr - s->gpa) &&
		    memcmp(d + s->offset + (app->phdr - s->gpa), d + r.phoff, r.phnum * entsize) == 0)
			phdr_ok = 1;
	}
	require(app->brk % PAGE == 0, "break 0x%llx not page-aligned", (unsigned long long)app->brk);
	require(phdr_ok, "AT_PHDR 0x%llx is not the program headers", (unsigned long long)app->phdr);
}

/* Field by field: the structures' padding is not part of the result. */
static int same_app(const struct elf_app *a, const struct elf_app *b)
{
	if (a->kind != b->kind || a->bits != b->bits || a->entry != b->entry ||
	    a->nseg != b->nseg || a->load_bias != b->load_bias || a->phdr != b->phdr ||
	    a->brk != b->brk || a->phnum != b->phnum)
		return 0;
	for (unsigned i = 0; i < a->nseg; i++) {
		const struct elf_segment *x = &a->seg[i], *y = &b->seg[i];
		if (x->gpa != y->gpa || x->memsz != y->memsz || x->filesz != y->filesz ||
		    x->offset != y->offset || x->pflags != y->pflags)
			return 0;
	}
	return 1;
}

/* Copy the app into mem, check what arrived, and give the pages back. */
static void copy_and_check(const struct elf_app *app, const uint8_t *d, const struct guest_mem *mem)
{
	elf_copy_segments(app, (const char *)d, mem);
	for (unsigned i = 0; i < app->nseg; i++) {
		const struct elf_segment *s = &app->seg[i];
		const uint8_t *g = guest_mem_ptr(mem, s->gpa, s->memsz);

		require(memcmp(g, d + s->offset, s->filesz) == 0, "segment %u: bytes differ", i);
		/* The start and the end of the bss part: still zero. */
		uint64_t bss = s->memsz - s->filesz;
		for (uint64_t k = 0; k < bss && k < 64; k++)
			require(g[s->filesz + k] == 0, "segment %u: bss byte 0x%llx written", i,
				(unsigned long long)k);
		if (bss)
			require(g[s->memsz - 1] == 0, "segment %u: last bss byte written", i);
	}
	require(mem->host[0] == 0 && mem->host[KVMRUN_BOOT_AREA_END - 1] == 0, "boot area written");
	for (unsigned i = 0; i < app->nseg; i++) {
		const struct elf_segment *s = &app->seg[i];
		if (!s->filesz)
			continue;
		uintptr_t a = (uintptr_t)guest_mem_ptr(mem, s->gpa, s->filesz);
		uintptr_t start = a & ~(uintptr_t)(PAGE - 1);
		uintptr_t end = (a + s->filesz + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
		if (madvise((void *)start, end - start, MADV_DONTNEED) != 0)
			abort();
	}
}

/* The file path, on the same bytes. */
static void check_file(const uint8_t *d, size_t size, int accepted, const struct elf_app *want)
{
	struct elf_file file;
	struct elf_app app;
	char err[512];

	if (ftruncate(app_fd, 0) != 0 || (size && pwrite(app_fd, d, size, 0) != (ssize_t)size))
		abort();
	err[0] = '\0';
	enum elf_open_result rc = elf_open_app(app_path, &small_mem, &file, &app, err, sizeof err);
	if (accepted) {
		require(rc == ELF_OPEN_OK, "elf_open_app: %d (%s) where elf_check_image accepts", rc, err);
		require(file.size == size && memcmp(file.image, d, size) == 0, "elf_open_app: image differs");
		require(same_app(&app, want), "elf_open_app: app differs");
	} else {
		require(rc == ELF_OPEN_UNUSABLE, "elf_open_app: %d (%s) where elf_check_image rejects",
			rc, err);
		check_error(err, sizeof err, "elf_open_app");
	}
	elf_close_app(&file);
}

/* --------------------------------------------------------------- libFuzzer */

/* Guest RAM as guest_mem_alloc() maps it (private, anonymous, lazily
 * populated), laid out by guest_mem_layout(), with a PROT_NONE page on
 * either side: a stray access just outside it faults. */
static void map_guest(struct guest_mem *mem, uint64_t size)
{
	uint8_t *area = mmap(NULL, size + 2 * PAGE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (area == MAP_FAILED || mprotect(area + PAGE, size, PROT_READ | PROT_WRITE) != 0) {
		perror("fuzz_elf_loader: guest memory");
		abort();
	}
	guest_mem_layout(mem, size);
	mem->host = area + PAGE;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	map_guest(&small_mem, SMALL_RAM);
	map_guest(&large_mem, LARGE_RAM);
	app_fd = memfd_create("fuzz-app.elf", MFD_CLOEXEC);
	if (app_fd < 0)
		abort();
	snprintf(app_path, sizeof app_path, "/proc/self/fd/%d", app_fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_app small, large;
	char err[512];

	/* libFuzzer's buffer holds exactly size bytes: ASan sees any read past. */
	err[0] = '\0';
	int small_rc = elf_check_image((const char *)data, size, &small_mem, &small, err, sizeof err);
	require(small_rc == 0 || small_rc == -1, "rc %d", small_rc);
	if (small_rc == 0) {
		check_app(&small, data, size, &small_mem);
		copy_and_check(&small, data, &small_mem);
	} else {
		check_error(err, sizeof err, "64 MiB");
	}

	err[0] = '\0';
	int large_rc = elf_check_image((const char *)data, size, &large_mem, &large, err, sizeof err);
	require(large_rc == 0 || large_rc == -1, "rc %d", large_rc);
	if (large_rc == 0) {
		check_app(&large, data, size, &large_mem);
		copy_and_check(&large, data, &large_mem);
	} else {
		check_error(err, sizeof err, "5 GiB");
	}
	if (small_rc == 0)
		require(large_rc == 0 && same_app(&small, &large),
			"accepted in 64 MiB, not the same in 5 GiB: %s", err);

	check_file(data, size, small_rc == 0, &small);
	return 0;
}
