/* elf_loader.c: every rule an app's ELF image must pass, on images built in
 * memory, then copying segments and opening real files. */
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmrun/abi_note.h>

#include "../../monitor/elf_loader.h"
#include "elf_builder.h"

#define ERRLEN 512

static int check_on(struct eb_spec *spec, const struct guest_mem *m, struct elf_app *app,
		    char *err)
{
	return eb_check(spec, m, app, err, ERRLEN);
}

static void accepted_on(struct eb_spec *spec, const struct guest_mem *m, struct elf_app *app)
{
	char err[ERRLEN];

	if (check_on(spec, m, app, err) != 0)
		fail_msg("image rejected: %s", err);
}

static void accepted(struct eb_spec *spec, struct elf_app *app)
{
	accepted_on(spec, &eb_mem, app);
}

static void rejected_on(struct eb_spec *spec, const struct guest_mem *m, const char *why)
{
	struct elf_app app;
	char err[ERRLEN];

	if (check_on(spec, m, &app, err) != -1)
		fail_msg("image accepted; expected \"%s\"", why);
	assert_contains(err, why);
}

static void rejected(struct eb_spec *spec, const char *why)
{
	rejected_on(spec, &eb_mem, why);
}

/* A raw image (not from a spec), copied into a buffer of exactly its size. */
static int check_raw(const void *bytes, size_t size, const struct guest_mem *m,
		     struct elf_app *app, char *err)
{
	char *copy = malloc(size ? size : 1);

	assert_non_null(copy);
	memcpy(copy, bytes, size);
	err[0] = '\0';
	int rc = elf_check_image(copy, size, m, app, err, ERRLEN);
	free(copy);
	return rc;
}

static void expect_seg(const struct elf_segment *s, uint64_t gpa, uint64_t memsz, uint64_t filesz,
		       uint64_t offset, uint32_t pflags)
{
	assert_int_equal(s->gpa, gpa);
	assert_int_equal(s->memsz, memsz);
	assert_int_equal(s->filesz, filesz);
	assert_int_equal(s->offset, offset);
	assert_int_equal(s->pflags, pflags);
}

/* -------------------------------------------------------------- good images */

static void good_image(unsigned char cls, unsigned bits)
{
	struct eb_spec spec;
	struct elf_app app;

	eb_good(&spec, cls);
	spec.entry = 0x100040;
	eb_add(&spec, PT_GNU_STACK, 0, 0, 0, PF_R | PF_W);
	eb_add(&spec, PT_NOTE, 0x100300, 0x20, 0x20, PF_R); /* not loaded, not checked */
	memset(&app, 0xa5, sizeof app);
	accepted(&spec, &app);
	assert_int_equal(app.bits, bits);
	assert_int_equal(app.entry, 0x100040);
	assert_int_equal(app.nseg, 2);
	expect_seg(&app.seg[0], 0x100000, 0x300, 0x300, spec.ph[0].offset, PF_R | PF_X);
	expect_seg(&app.seg[1], 0x200000, 0x2000, 0x80, spec.ph[1].offset, PF_R | PF_W);
	assert_true(spec.ph[0].offset > 0);
	assert_true(spec.ph[1].offset > spec.ph[0].offset);
}

static void test_good_64(void **state)
{
	(void)state;
	good_image(ELFCLASS64, 64);
}

static void test_good_32(void **state)
{
	(void)state;
	good_image(ELFCLASS32, 32);
}

/* The loaded segments need not come in address order. */
static void test_good_unsorted(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	eb_init(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0x400000, 0x10, 0x1000, PF_R | PF_W);
	eb_add(&spec, PT_LOAD, 0x100000, 0x100, 0x100, PF_R | PF_X);
	eb_add(&spec, PT_LOAD, 0x100100, 0x10, 0x10, PF_R); /* adjacent: fine */
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 3);
	assert_int_equal(app.seg[0].gpa, 0x400000);
	assert_int_equal(app.seg[1].gpa, 0x100000);
	assert_int_equal(app.seg[2].gpa, 0x100100);
}

/* --------------------------------------------------------------- truncation */

static void truncations(unsigned char cls)
{
	struct eb_spec spec;
	struct elf_app app;
	char err[ERRLEN];
	size_t size;

	eb_good(&spec, cls);
	char *img = eb_build(&spec, &size);
	/* The image ends with the ABI note's data, after the segments': every
	 * shorter prefix is broken. */
	assert_true(size > spec.ph[1].offset + spec.ph[1].filesz);
	assert_int_equal(check_raw(img, size, &eb_mem, &app, err), 0);
	for (size_t len = 0; len < size; len++) {
		if (check_raw(img, len, &eb_mem, &app, err) != -1)
			fail_msg("image cut to %zu of %zu bytes accepted", len, size);
		if (err[0] == '\0')
			fail_msg("image cut to %zu bytes rejected without a reason", len);
	}
	/* Where the cut falls in the note, the loader says so. */
	assert_int_equal(check_raw(img, size - 1, &eb_mem, &app, err), -1);
	assert_contains(err, "note segment 2: file range");
	assert_contains(err, "lies past the end of the file");
	free(img);
}

static void test_truncated_64(void **state)
{
	(void)state;
	truncations(ELFCLASS64);
}

static void test_truncated_32(void **state)
{
	(void)state;
	truncations(ELFCLASS32);
}

/* ------------------------------------------------------------------ header */

static void machine(unsigned char cls, uint16_t em, const char *why)
{
	struct eb_spec spec;

	eb_good(&spec, cls);
	spec.machine = em;
	rejected(&spec, why);
	rejected(&spec, "kvmrun boots ELFCLASS32 i386 and ELFCLASS64 x86-64 apps");
}

static void test_wrong_machine(void **state)
{
	(void)state;
	machine(ELFCLASS32, EM_X86_64, "unsupported machine: ELFCLASS32 x86-64 (e_machine 62)");
	machine(ELFCLASS64, EM_386, "unsupported machine: ELFCLASS64 i386 (e_machine 3)");
	machine(ELFCLASS64, EM_AARCH64, "unsupported machine: ELFCLASS64 AArch64 (e_machine 183)");
	machine(ELFCLASS32, EM_ARM, "unsupported machine: ELFCLASS32 ARM (e_machine 40)");
	machine(ELFCLASS64, EM_RISCV, "unsupported machine: ELFCLASS64 RISC-V (e_machine 243)");
	machine(ELFCLASS32, 0x4242, "unsupported machine: ELFCLASS32 unknown machine (e_machine 16962)");
	machine(ELFCLASS64, EM_NONE, "(e_machine 0)");
}

static void test_big_endian(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.data = ELFDATA2MSB;
	rejected(&spec, "not a little-endian ELF (EI_DATA 2)");
	eb_good(&spec, ELFCLASS32);
	spec.data = ELFDATA2MSB;
	rejected(&spec, "not a little-endian ELF (EI_DATA 2)");
	/* Even a big-endian x86-64 header that is otherwise perfect. */
	eb_good(&spec, ELFCLASS64);
	spec.data = ELFDATA2MSB;
	spec.machine = EM_X86_64;
	rejected(&spec, "not a little-endian ELF");
}

static void test_elf_types(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.type = ET_DYN;
	rejected(&spec, "ET_DYN (a position-independent executable or shared object); "
			"kvmrun boots ET_EXEC apps (link with -static -no-pie)");
	spec.type = ET_REL;
	rejected(&spec, "ET_REL (an object file, not linked)");
	spec.type = ET_CORE;
	rejected(&spec, "ET_CORE (a core dump)");
	spec.type = ET_NONE;
	rejected(&spec, "unknown ELF type");
	eb_good(&spec, ELFCLASS32);
	spec.type = ET_DYN;
	rejected(&spec, "ET_DYN (a position-independent executable");
}

/* e_version other than EV_CURRENT: the message names the value found. */
static void test_bad_e_version(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.version = 2;
	rejected(&spec, "unsupported ELF version 2");
}

static void test_bad_ident_version(void **state)
{
	struct eb_spec spec;
	struct elf_app app;
	char err[ERRLEN];
	size_t size;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	char *img = eb_build(&spec, &size);
	img[EI_VERSION] = 0;
	assert_int_equal(check_raw(img, size, &eb_mem, &app, err), -1);
	assert_true(err[0] != '\0');
	img[EI_VERSION] = EV_CURRENT;
	img[EI_CLASS] = ELFCLASSNONE;
	assert_int_equal(check_raw(img, size, &eb_mem, &app, err), -1);
	assert_true(err[0] != '\0');
	free(img);
}

/* ------------------------------------------------------------- segment rules */

static void test_segment_past_ram(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 64 * MIB - 0x1000, 0x10, 0x2000, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0x3fff000, 0x4001000) lies outside guest RAM "
			"(64 MiB; try a larger --mem)");

	/* Ending exactly at the top of RAM is fine. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 64 * MIB - 0x1000, 0x10, 0x1000, PF_R | PF_W);
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 3);

	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0x80000000, 0, 0x1000, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0x80000000, 0x80001000) lies outside guest RAM");

	/* The whole image above RAM, entry included. */
	eb_init(&spec, ELFCLASS64);
	spec.entry = 0x8000000;
	eb_add(&spec, PT_LOAD, 0x8000000, 0x10, 0x10, PF_R | PF_X);
	rejected(&spec, "segment 0: memory range [0x8000000, 0x8000010) lies outside guest RAM");
}

static void test_segment_in_hole(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	/* Straddling the start of the hole. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0xbffff000, 0x10, 0x2000, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "segment 2: memory range [0xbffff000, 0xc0001000) lies outside "
				   "guest RAM, in the MMIO hole [0xc0000000, 0x100000000)");
	/* Inside it. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0xfec00000, 0, 0x1000, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "lies outside guest RAM");
	/* Straddling its end into high RAM. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0xfffff000, 0, 0x2000, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "segment 2: memory range [0xfffff000, 0x100001000) lies outside guest RAM");
	/* Across the whole hole. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0xbff00000, 0, 0x50000000, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "lies outside guest RAM");
	/* The same 32-bit. */
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0xbffff000, 0, 0x2000, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "lies outside guest RAM");

	/* Ending at the last byte of low RAM is fine. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0xbffff000, 0x10, 0x1000, PF_R | PF_W);
	accepted_on(&spec, &eb_mem5g, &app);
	assert_int_equal(app.nseg, 3);
}

static void test_segment_high_ram(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 4 * GIB, 0x40, 0x1000, PF_R | PF_W);
	accepted_on(&spec, &eb_mem5g, &app);
	assert_int_equal(app.nseg, 3);
	expect_seg(&app.seg[2], 4 * GIB, 0x1000, 0x40, spec.ph[2].offset, PF_R | PF_W);

	/* The entry may lie there too. */
	eb_init(&spec, ELFCLASS64);
	spec.entry = 4 * GIB + 0x10;
	eb_add(&spec, PT_LOAD, 4 * GIB, 0x100, 0x100, PF_R | PF_X);
	accepted_on(&spec, &eb_mem5g, &app);
	assert_int_equal(app.entry, 4 * GIB + 0x10);

	/* Up to the top of high RAM (6 GiB), and not a byte further. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 6 * GIB - 0x1000, 0, 0x1000, PF_R | PF_W);
	accepted_on(&spec, &eb_mem5g, &app);
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 6 * GIB - 0x1000, 0, 0x1001, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "segment 2: memory range [0x17ffff000, 0x180000001) lies outside guest RAM");

	/* In the 64 MiB guest, 4 GiB is not RAM. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 4 * GIB, 0x40, 0x1000, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0x100000000, 0x100001000) lies outside guest RAM");
}

static void test_boot_area(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0xff000, 0x10, 0x2000, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0xff000, 0x101000) overlaps kvmrun's boot area "
			"[0, 0x100000) (start_info, GDT, page tables, stack); link apps at or above 0x100000");
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0, 0x10, 0x10, PF_R);
	rejected(&spec, "segment 2: memory range [0x0, 0x10) overlaps kvmrun's boot area");
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0x2000, 0, 0x100, PF_R | PF_W);
	rejected(&spec, "overlaps kvmrun's boot area");
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0xfffff, 0, 1, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0xfffff, 0x100000) overlaps kvmrun's boot area");
}

static void test_filesz_over_memsz(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.ph[1].filesz = 0x2001;
	rejected(&spec, "segment 1: p_filesz 0x2001 exceeds p_memsz 0x2000");
	eb_good(&spec, ELFCLASS32);
	spec.ph[0].memsz = 0x2ff;
	rejected(&spec, "segment 0: p_filesz 0x300 exceeds p_memsz 0x2ff");
	/* Even for a segment with no memory at all. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0x300000, 0x10, 0, PF_R);
	rejected(&spec, "segment 2: p_filesz 0x10 exceeds p_memsz 0x0");
}

static void test_file_range_past_eof(void **state)
{
	struct eb_spec spec;
	size_t size;
	char *img;

	(void)state;
	/* A file range that starts in the file and runs past its end. */
	eb_good(&spec, ELFCLASS64);
	img = eb_build(&spec, &size);
	eb_poke(img, 64 + 56 * 1 + 32, 8, 0x1000); /* phdr 1 p_filesz */
	eb_poke(img, 64 + 56 * 1 + 40, 8, 0x2000); /* phdr 1 p_memsz */
	struct elf_app app;
	char err[ERRLEN];
	assert_int_equal(elf_check_image(img, size, &eb_mem, &app, err, sizeof err), -1);
	char want[160];
	snprintf(want, sizeof want, "segment 1: file range [0x%llx, +0x1000) lies past the end of the file (%zu bytes)",
		 (unsigned long long)spec.ph[1].offset, size);
	assert_contains(err, want);

	/* Starting past the end. */
	eb_poke(img, 64 + 56 * 1 + 8, 8, size + 1);
	eb_poke(img, 64 + 56 * 1 + 32, 8, 0);
	assert_int_equal(elf_check_image(img, size, &eb_mem, &app, err, sizeof err), -1);
	assert_contains(err, "segment 1: file range");
	assert_contains(err, "lies past the end of the file");

	/* Offset + size wrapping around 2^64. */
	eb_poke(img, 64 + 56 * 1 + 8, 8, UINT64_MAX - 0xf);
	eb_poke(img, 64 + 56 * 1 + 32, 8, 0x20);
	assert_int_equal(elf_check_image(img, size, &eb_mem, &app, err, sizeof err), -1);
	assert_contains(err, "segment 1: file range [0xfffffffffffffff0, +0x20) lies past the end of the file");
	free(img);

	/* 32-bit: p_offset near 4 GiB. */
	eb_good(&spec, ELFCLASS32);
	img = eb_build(&spec, &size);
	eb_poke(img, 52 + 32 * 1 + 4, 4, 0xfffffff0); /* phdr 1 p_offset */
	assert_int_equal(elf_check_image(img, size, &eb_mem, &app, err, sizeof err), -1);
	assert_contains(err, "segment 1: file range [0xfffffff0, +0x80) lies past the end of the file");
	free(img);
}

static void test_overlapping_segments(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0x1002ff, 0x10, 0x10, PF_R);
	rejected(&spec, "segment 2: memory range [0x1002ff, 0x10030f) overlaps an earlier segment "
			"[0x100000, 0x100300)");
	/* Overlapping only in the bss part. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0x201fff, 0, 0x10, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0x201fff, 0x20200f) overlaps an earlier segment "
			"[0x200000, 0x202000)");
	/* Covering an earlier one entirely. */
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0x180000, 0, 0x100000, PF_R | PF_W);
	rejected(&spec, "overlaps an earlier segment [0x200000, 0x202000)");
	/* Same start. */
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0x100000, 0x1, 0x1, PF_R);
	rejected(&spec, "overlaps an earlier segment [0x100000, 0x100300)");
}

static void test_entry(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.entry = 0x300000;
	rejected(&spec, "entry point 0x300000 lies outside every executable segment");
	/* In the data segment, which is not executable. */
	spec.entry = 0x200010;
	rejected(&spec, "entry point 0x200010 lies outside every executable segment");
	/* One past the end of text. */
	spec.entry = 0x100300;
	rejected(&spec, "entry point 0x100300 lies outside every executable segment");
	spec.entry = 0xfffff;
	rejected(&spec, "entry point 0xfffff lies outside every executable segment");
	spec.entry = 0;
	rejected(&spec, "entry point 0x0 lies outside every executable segment");
	/* The last byte of text is fine. */
	spec.entry = 0x1002ff;
	accepted(&spec, &app);
	assert_int_equal(app.entry, 0x1002ff);

	/* 32-bit, no executable segment at all. */
	eb_good(&spec, ELFCLASS32);
	spec.ph[0].flags = PF_R;
	rejected(&spec, "entry point 0x100000 lies outside every executable segment");
	/* An executable segment not loaded (memsz 0) does not count. */
	eb_init(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0x100000, 0, 0, PF_R | PF_X);
	eb_add(&spec, PT_LOAD, 0x200000, 0x10, 0x10, PF_R);
	rejected(&spec, "entry point 0x100000 lies outside every executable segment");
}

static void test_vaddr_paddr(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.ph[0].vaddr = 0xffffffff80100000ull;
	rejected(&spec, "segment 0: p_vaddr 0xffffffff80100000 differs from p_paddr 0x100000; "
			"kvmrun runs apps identity-mapped");
	eb_good(&spec, ELFCLASS32);
	spec.ph[1].paddr = 0x201000;
	rejected(&spec, "segment 1: p_vaddr 0x200000 differs from p_paddr 0x201000");
	/* Also for a segment with no memory. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0x300000, 0, 0, PF_R)->paddr = 0x400000;
	rejected(&spec, "segment 2: p_vaddr 0x300000 differs from p_paddr 0x400000");
}

static void test_wrap(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0xfffffffffffff000ull, 0, 0x2000, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0xfffffffffffff000, +0x2000) wraps around the address space");
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0x100000000ull, 0, UINT64_MAX, PF_R | PF_W);
	rejected(&spec, "wraps around the address space");
	/* Ending exactly at 2^64: rejected (as a wrap or as outside RAM). */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0xfffffffffffff000ull, 0, 0x1000, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0xfffffffffffff000, ");

	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0xfffff000, 0, 0x2000, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0xfffff000, +0x2000) wraps around the address space");
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0x80000000, 0, 0x80000001, PF_R | PF_W);
	rejected(&spec, "segment 2: memory range [0x80000000, +0x80000001) wraps around the address space");
	/* A 32-bit app can't reach RAM above 4 GiB, even in a 5 GiB guest. */
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0xffff0000, 0, 0x20000, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "wraps around the address space");
	/* Ending exactly at 4 GiB: not a wrap (the hole rejects it). */
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0xfffff000, 0, 0x1000, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "segment 2: memory range [0xfffff000, 0x100000000) lies outside guest RAM");
}

/* ------------------------------------------------------ program header table */

static void test_phnum_limit(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	while (spec.nph < ELF_MAX_PHDRS - 1) /* and the ABI note */
		eb_add(&spec, PT_NULL, 0, 0, 0, 0);
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 2);
	eb_add(&spec, PT_NULL, 0, 0, 0, 0);
	rejected(&spec, "too many program headers: 65 (at most 64)");

	eb_good(&spec, ELFCLASS32);
	while (spec.nph < ELF_MAX_PHDRS)
		eb_add(&spec, PT_NOTE, 0x100000, 0, 0, PF_R);
	rejected(&spec, "too many program headers: 65 (at most 64)");
}

static void test_phnum_zero(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_init(&spec, ELFCLASS64);
	spec.abi_note = 0;
	rejected(&spec, "no program headers");
	eb_good(&spec, ELFCLASS32);
	spec.phnum_set = 1;
	spec.phnum = 0;
	rejected(&spec, "no program headers");
}

/* e_phnum = PN_XNUM: the count is section 0's sh_info (libelf follows it). */
static void xnum(unsigned char cls, uint32_t count, size_t pad)
{
	struct eb_spec spec;

	eb_good(&spec, cls);
	spec.xnum = 1;
	spec.xnum_info = count;
	spec.pad = pad;
	rejected(&spec, "program header");
}

static void test_phnum_xnum(void **state)
{
	(void)state;
	/* A file long enough to hold more than 64 of them. */
	xnum(ELFCLASS64, 0x10000, 8192);
	xnum(ELFCLASS64, UINT32_MAX, 8192);
	xnum(ELFCLASS32, 0x10000, 8192);
	/* A short file: far fewer than claimed fit; still no app. */
	xnum(ELFCLASS64, 0x10000, 0);
	xnum(ELFCLASS64, UINT32_MAX, 0);
	xnum(ELFCLASS32, 0x10000, 0);
}

static void test_phnum_xnum_exact(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.xnum = 1;
	spec.xnum_info = 65;
	spec.pad = 8192;
	rejected(&spec, "too many program headers: 65 (at most 64)");
	/* Extended numbering with a count that is true: an ordinary app. */
	eb_good(&spec, ELFCLASS64);
	spec.xnum = 1;
	spec.xnum_info = 3; /* the two segments and the ABI note */
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 2);
	eb_good(&spec, ELFCLASS32);
	spec.xnum = 1;
	spec.xnum_info = 3;
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 2);
}

static void test_phentsize(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.phentsize = 64;
	rejected(&spec, "e_phentsize is 64, expected 56");
	spec.phentsize = 32;
	rejected(&spec, "e_phentsize is 32, expected 56");
	eb_good(&spec, ELFCLASS32);
	spec.phentsize = 56;
	rejected(&spec, "e_phentsize is 56, expected 32");
	spec.phentsize = 1;
	rejected(&spec, "e_phentsize is 1, expected 32");
}

/* The table [e_phoff, +e_phnum * e_phentsize) must lie inside the file.
 * Returns the error, or fails the test if the image was accepted. */
static const char *phoff_past_end(unsigned char cls, int64_t delta)
{
	static char err[ERRLEN];
	struct eb_spec spec;
	struct elf_app app;
	size_t size;
	int is64 = cls == ELFCLASS64;

	eb_good(&spec, cls);
	char *img = eb_build(&spec, &size);
	eb_poke(img, is64 ? 32 : 28, is64 ? 8 : 4, (uint64_t)((int64_t)size + delta));
	err[0] = '\0';
	int rc = elf_check_image(img, size, &eb_mem, &app, err, sizeof err);
	free(img);
	if (rc != -1)
		fail_msg("ELFCLASS%d e_phoff = size %+lld accepted", is64 ? 64 : 32, (long long)delta);
	return err;
}

/* Wholly past the end, at the end, and cut short by the end: never loaded. */
static const int64_t phoff_deltas[] = { 0x1000, 1, 0, -8, -56, -100 };

static void test_phdr_table_past_eof(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof phoff_deltas / sizeof phoff_deltas[0]; i++) {
		assert_contains(phoff_past_end(ELFCLASS64, phoff_deltas[i]), "program header");
		assert_contains(phoff_past_end(ELFCLASS32, phoff_deltas[i] / 2), "program header");
	}
}

/* ... and the loader names the rule that broke, as it has a message for it
 * (check_phdr_table), rather than passing on libelf's "invalid data". */
static void test_phdr_table_past_eof_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof phoff_deltas / sizeof phoff_deltas[0]; i++) {
		const char *err = phoff_past_end(ELFCLASS64, phoff_deltas[i]);
		assert_contains(err, "program header table [0x");
		assert_contains(err, ", +168) lies past the end of the file"); /* 3 headers */
		err = phoff_past_end(ELFCLASS32, phoff_deltas[i] / 2);
		assert_contains(err, "program header table [0x");
		assert_contains(err, ", +96) lies past the end of the file");
	}
}

/* ------------------------------------------------------------ ABI note */

/* Without the note, a file is a static Linux program (test_linux_program.c
 * has the rest): eb_good's headers are not in a loaded segment, which a
 * program's C library needs. */
static void test_abi_note_missing(void **state)
{
	struct eb_spec spec;
	const char *no_phdr = "the program headers [0x";

	(void)state;
	for (unsigned char cls = ELFCLASS32; cls <= ELFCLASS64; cls++) {
		eb_good(&spec, cls);
		spec.abi_note = 0;
		rejected(&spec, no_phdr);
		/* An empty note segment, or another program's note, is not it. */
		eb_add(&spec, PT_NOTE, 0, 0, 0, PF_R);
		rejected(&spec, no_phdr);
		struct eb_phdr *gnu = eb_add(&spec, PT_NOTE, 0, 16, 0, PF_R);
		memcpy(gnu->bytes, "\4\0\0\0\0\0\0\0\1\0\0\0GNU\0", 16);
		gnu->nbytes = 16;
		rejected(&spec, no_phdr);
		/* A kvmrun note of a type this kvmrun does not know is skipped. */
		struct eb_phdr *other = eb_add_abi_note(&spec, KVMRUN_ABI_VERSION, 4);
		other->bytes[8] = 2;
		rejected(&spec, no_phdr);
	}
	/* A more specific fault comes first: dynamically linked. */
	eb_good(&spec, ELFCLASS64);
	spec.abi_note = 0;
	eb_add(&spec, PT_INTERP, 0x100200, 0x1c, 0x1c, PF_R);
	rejected(&spec, "program header 2: PT_INTERP: a dynamically linked program; kvmrun runs "
			"static ones: link it with -static");
}

static void test_abi_note_found(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	/* The note after another one in the same segment, or alone. */
	eb_good(&spec, ELFCLASS64);
	spec.abi_note = 0;
	struct eb_phdr *ph = eb_add_abi_note(&spec, KVMRUN_ABI_VERSION, 4);
	memmove(ph->bytes + 16, ph->bytes, 24);
	memcpy(ph->bytes, "\4\0\0\0\0\0\0\0\1\0\0\0GNU\0", 16);
	ph->nbytes = ph->filesz = 40;
	accepted(&spec, &app);
	eb_good(&spec, ELFCLASS64);
	spec.abi_note = 0;
	eb_add_abi_note(&spec, KVMRUN_ABI_VERSION, 4);
	accepted(&spec, &app);
}

static void test_abi_note_foreign(void **state)
{
	struct eb_spec spec;

	(void)state;
	for (unsigned char cls = ELFCLASS32; cls <= ELFCLASS64; cls++) {
		eb_good(&spec, cls);
		spec.abi_note = 0;
		eb_add_abi_note(&spec, KVMRUN_ABI_VERSION + 1, 4);
		rejected(&spec, "built for kvmrun ABI version 5, but this kvmrun runs version 4: "
				"rebuild the app with this kvmrun's guest runtime");
		/* Named before the layout, which another ABI may place elsewhere. */
		eb_init(&spec, cls);
		eb_add(&spec, PT_LOAD, 0x1000, 0x10, 0x10, PF_R | PF_X);
		eb_add_abi_note(&spec, 0, 4);
		rejected(&spec, "built for kvmrun ABI version 0");

		eb_good(&spec, cls);
		spec.abi_note = 0;
		eb_add_abi_note(&spec, KVMRUN_ABI_VERSION, 8);
		rejected(&spec, "malformed kvmrun ABI note: a descriptor of 8 bytes (expected 4)");
		eb_good(&spec, cls);
		spec.abi_note = 0;
		struct eb_phdr *ph = eb_add_abi_note(&spec, KVMRUN_ABI_VERSION, 4);
		ph->offset = 0x7fff0000;
		rejected(&spec, "note segment 2: file range [0x7fff0000, +0x18) lies past the end of the file");
	}
}

static void test_dynamic(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_INTERP, 0x100200, 0x1c, 0x1c, PF_R);
	rejected(&spec, "program header 2: PT_INTERP: the app is dynamically linked; kvmrun boots static apps");
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_DYNAMIC, 0x200000, 0x10, 0x10, PF_R | PF_W);
	rejected(&spec, "program header 2: PT_DYNAMIC: the app is dynamically linked");
	eb_good(&spec, ELFCLASS32);
	spec.ph[0].type = PT_INTERP; /* first, before any PT_LOAD */
	rejected(&spec, "program header 0: PT_INTERP: the app is dynamically linked");
}

static void test_no_load(void **state)
{
	struct eb_spec spec;

	(void)state;
	eb_init(&spec, ELFCLASS64);
	eb_add(&spec, PT_NOTE, 0x100000, 0x10, 0x10, PF_R);
	eb_add(&spec, PT_GNU_STACK, 0, 0, 0, PF_R | PF_W);
	rejected(&spec, "no loadable (PT_LOAD) segment");
	/* Only empty PT_LOADs. */
	eb_init(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0x100000, 0, 0, PF_R | PF_X);
	rejected(&spec, "no loadable (PT_LOAD) segment");
}

static void load_many(struct eb_spec *spec, unsigned char cls, unsigned n)
{
	eb_init(spec, cls);
	for (unsigned i = 0; i < n; i++)
		eb_add(spec, PT_LOAD, 0x100000 + i * 0x1000, 0x10, 0x100, PF_R | PF_X);
}

static void test_too_many_loads(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	load_many(&spec, ELFCLASS64, ELF_MAX_LOAD_SEGMENTS);
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 16);
	for (unsigned i = 0; i < 16; i++)
		expect_seg(&app.seg[i], 0x100000 + i * 0x1000, 0x100, 0x10, spec.ph[i].offset, PF_R | PF_X);

	load_many(&spec, ELFCLASS64, ELF_MAX_LOAD_SEGMENTS + 1);
	rejected(&spec, "segment 16: too many PT_LOAD segments (at most 16)");
	load_many(&spec, ELFCLASS32, ELF_MAX_LOAD_SEGMENTS + 1);
	rejected(&spec, "segment 16: too many PT_LOAD segments (at most 16)");

	/* Empty ones do not count. */
	load_many(&spec, ELFCLASS64, ELF_MAX_LOAD_SEGMENTS);
	eb_add(&spec, PT_LOAD, 0x800000, 0, 0, PF_R);
	eb_add(&spec, PT_NOTE, 0x800000, 0, 0, PF_R);
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 16);
}

static void test_zero_memsz_ignored(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	/* In the boot area and inside the text segment: both fine when empty. */
	eb_add(&spec, PT_LOAD, 0, 0, 0, PF_R | PF_W);
	eb_add(&spec, PT_LOAD, 0x100100, 0, 0, PF_R);
	eb_add(&spec, PT_LOAD, 0x7fffffff0000ull, 0, 0, PF_R);
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 2);
	assert_int_equal(app.seg[0].gpa, 0x100000);
	assert_int_equal(app.seg[1].gpa, 0x200000);

	eb_init(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0x50000, 0, 0, PF_R);
	eb_add(&spec, PT_LOAD, 0x100000, 0x40, 0x40, PF_R | PF_X);
	accepted(&spec, &app);
	assert_int_equal(app.nseg, 1);
	expect_seg(&app.seg[0], 0x100000, 0x40, 0x40, spec.ph[1].offset, PF_R | PF_X);
}

/* ------------------------------------------------------------- not an ELF */

static void test_not_elf(void **state)
{
	struct elf_app app;
	char err[ERRLEN];
	static char junk[4096];

	(void)state;
	srand(12345);
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(rand() & 0xff);
	junk[0] = 'M';
	junk[1] = 'Z';
	assert_int_equal(check_raw(junk, sizeof junk, &eb_mem, &app, err), -1);
	assert_contains(err, "not an ELF file");

	assert_int_equal(check_raw("#!/bin/sh\necho hi\n", 18, &eb_mem, &app, err), -1);
	assert_contains(err, "not an ELF file");

	assert_int_equal(check_raw("\x7f" "EL", 3, &eb_mem, &app, err), -1);
	assert_true(err[0] != '\0');

	assert_int_equal(check_raw("", 0, &eb_mem, &app, err), -1);
	assert_true(err[0] != '\0');

	/* The magic, then nothing useful. */
	char magic[64] = "\x7f" "ELF";
	assert_int_equal(check_raw(magic, sizeof magic, &eb_mem, &app, err), -1);
	assert_true(err[0] != '\0');
}

/* ---------------------------------------------------------- copy segments */

static void test_copy_segments(void **state)
{
	struct eb_spec spec;
	struct elf_app app;
	struct guest_mem m;
	char err[ERRLEN];
	size_t size;

	(void)state;
	/* A fresh guest: the bss part must read zero without being written. */
	assert_int_equal(guest_mem_alloc(&m, 64 * MIB, err, sizeof err), 0);
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 0x3ff000, 0x1000, 0x1000, PF_R); /* not in address order */
	char *img = eb_build(&spec, &size);
	assert_int_equal(elf_check_image(img, size, &m, &app, err, sizeof err), 0);
	elf_copy_segments(&app, img, &m);

	for (unsigned i = 0; i < app.nseg; i++) {
		const struct elf_segment *s = &app.seg[i];
		const uint8_t *g = guest_mem_ptr(&m, s->gpa, s->memsz);
		assert_non_null(g);
		for (uint64_t k = 0; k < s->filesz; k++)
			if (g[k] != eb_pattern(s->offset + k))
				fail_msg("segment %u byte 0x%llx is 0x%02x, expected 0x%02x", i,
					 (unsigned long long)k, g[k], eb_pattern(s->offset + k));
		for (uint64_t k = s->filesz; k < s->memsz; k++)
			if (g[k] != 0)
				fail_msg("segment %u bss byte 0x%llx is 0x%02x", i,
					 (unsigned long long)k, g[k]);
	}
	/* The exact placement: first and last bytes of text, data, bss. */
	const uint8_t *ram = m.host;
	assert_int_equal(ram[0x100000], eb_pattern(spec.ph[0].offset));
	assert_int_equal(ram[0x1002ff], eb_pattern(spec.ph[0].offset + 0x2ff));
	assert_int_equal(ram[0x200000], eb_pattern(spec.ph[1].offset));
	assert_int_equal(ram[0x20007f], eb_pattern(spec.ph[1].offset + 0x7f));
	assert_int_equal(ram[0x200080], 0);
	assert_int_equal(ram[0x201fff], 0);
	assert_int_equal(ram[0x3ff000], eb_pattern(spec.ph[2].offset));
	assert_int_equal(ram[0x3fffff], eb_pattern(spec.ph[2].offset + 0xfff));
	/* Nothing around them. */
	assert_int_equal(ram[0xfffff], 0);
	assert_int_equal(ram[0x100300], 0);
	assert_int_equal(ram[0x1fffff], 0);
	assert_int_equal(ram[0x202000], 0);
	assert_int_equal(ram[0x3fefff], 0);
	assert_int_equal(ram[0x400000], 0);
	for (uint64_t a = 0; a < 0x100000; a++)
		if (ram[a])
			fail_msg("boot area byte 0x%llx is 0x%02x", (unsigned long long)a, ram[a]);
	free(img);
	guest_mem_free(&m);
}

static void test_copy_segments_32_high(void **state)
{
	struct eb_spec spec;
	struct elf_app app;
	struct guest_mem m;
	char err[ERRLEN];
	size_t size;

	(void)state;
	assert_int_equal(guest_mem_alloc(&m, 5 * GIB, err, sizeof err), 0);
	/* 64-bit app with a segment in high RAM: host offset 3 GiB. */
	eb_good(&spec, ELFCLASS64);
	eb_add(&spec, PT_LOAD, 4 * GIB + 0x10, 0x20, 0x40, PF_R | PF_W);
	char *img = eb_build(&spec, &size);
	assert_int_equal(elf_check_image(img, size, &m, &app, err, sizeof err), 0);
	elf_copy_segments(&app, img, &m);
	assert_int_equal(m.host[3 * GIB + 0x10], eb_pattern(spec.ph[2].offset));
	assert_int_equal(m.host[3 * GIB + 0x2f], eb_pattern(spec.ph[2].offset + 0x1f));
	assert_int_equal(m.host[3 * GIB + 0x30], 0);
	assert_int_equal(m.host[3 * GIB + 0xf], 0);
	free(img);
	guest_mem_free(&m);
}

/* -------------------------------------------------------------- real files */

/* The lowest free file descriptor: the same before and after, or one leaked. */
static int lowest_free_fd(void)
{
	int fd = dup(STDERR_FILENO);

	assert_true(fd >= 0);
	close(fd);
	return fd;
}

static char path_buf[4096];

static const char *build_path(const char *rel)
{
	const char *o = getenv("O");

	snprintf(path_buf, sizeof path_buf, "%s/%s", o && *o ? o : "build", rel);
	return path_buf;
}

static void real_app(const char *rel, unsigned bits)
{
	struct elf_file file;
	struct elf_app app;
	char err[ERRLEN] = "";
	const char *path = build_path(rel);
	int free_fd = lowest_free_fd();

	enum elf_open_result r = elf_open_app(path, &eb_mem, &file, &app, err, sizeof err);
	if (r != ELF_OPEN_OK)
		fail_msg("%s: %d: %s", path, r, err);
	assert_int_equal(app.bits, bits);
	assert_true(app.nseg >= 1 && app.nseg <= ELF_MAX_LOAD_SEGMENTS);
	/* The first segment starts at 1 MiB with the ELF headers (link.ld);
	 * the entry, kvmrun_entry, lies in it after them. */
	assert_int_equal(app.seg[0].gpa, 0x100000);
	assert_true(app.entry > 0x100000 && app.entry < app.seg[0].gpa + app.seg[0].memsz);
	assert_true(app.seg[0].pflags & PF_X);
	for (unsigned i = 0; i < app.nseg; i++) {
		assert_true(app.seg[i].gpa >= 0x100000);
		assert_true(app.seg[i].offset + app.seg[i].filesz <= file.size);
	}
	assert_non_null(file.image);
	assert_non_null(file.elf);
	assert_true(file.fd >= 0);
	assert_string_equal(file.path, path);
	assert_memory_equal(file.image, ELFMAG, SELFMAG);
	assert_int_equal((unsigned char)file.image[EI_CLASS], bits == 64 ? ELFCLASS64 : ELFCLASS32);

	/* Its segments copy into a fresh guest like the in-memory ones. */
	struct guest_mem m;
	assert_int_equal(guest_mem_alloc(&m, 64 * MIB, err, sizeof err), 0);
	elf_copy_segments(&app, file.image, &m);
	assert_memory_equal(m.host + app.seg[0].gpa, file.image + app.seg[0].offset, app.seg[0].filesz);
	guest_mem_free(&m);

	elf_close_app(&file);
	assert_int_equal(file.fd, -1);
	assert_null(file.elf);
	assert_null(file.image);
	elf_close_app(&file); /* twice is harmless */
	assert_int_equal(lowest_free_fd(), free_fd);
}

static void test_open_hello64(void **state)
{
	(void)state;
	real_app("apps/hello64.elf", 64);
}

static void test_open_hello32(void **state)
{
	(void)state;
	real_app("apps/hello32.elf", 32);
}

static void open_fails(const char *path, enum elf_open_result expect, const char *why)
{
	struct elf_file file;
	struct elf_app app;
	char err[ERRLEN] = "";
	int free_fd = lowest_free_fd();

	enum elf_open_result r = elf_open_app(path, &eb_mem, &file, &app, err, sizeof err);
	if (r != expect)
		fail_msg("%s: result %d, expected %d (%s)", path, r, expect, err);
	assert_contains(err, why);
	elf_close_app(&file);
	assert_int_equal(file.fd, -1);
	assert_null(file.elf);
	assert_int_equal(lowest_free_fd(), free_fd);
}

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	snprintf(path_buf, sizeof path_buf, "%s/%s", tmpdir, name);
	return path_buf;
}

static int tmp_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/kvmrun-unit-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int tmp_teardown(void **state)
{
	static const char *names[] = { "empty", "fifo", "junk", "cut.elf", "dir", "file" };

	(void)state;
	alarm(0); /* test_open_fifo's guard, if it failed before cancelling it */
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		unlink(tmp_path(names[i]));
		rmdir(tmp_path(names[i]));
	}
	return rmdir(tmpdir);
}

static void test_open_missing(void **state)
{
	(void)state;
	open_fails("/nonexistent/kvmrun-no-such-app.elf", ELF_OPEN_NOT_FOUND,
		   "cannot open: No such file or directory");
	open_fails(build_path("apps/no-such-app.elf"), ELF_OPEN_NOT_FOUND, "cannot open: ");
	open_fails("", ELF_OPEN_NOT_FOUND, "cannot open: ");
	/* A path through a regular file: ENOTDIR counts as not found. */
	int fd = open(tmp_path("file"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
	open_fails(tmp_path("file/app.elf"), ELF_OPEN_NOT_FOUND, "cannot open: Not a directory");
}

static void test_open_directory(void **state)
{
	(void)state;
	open_fails("/", ELF_OPEN_UNUSABLE, "is a directory, not an ELF file");
	assert_int_equal(mkdir(tmp_path("dir"), 0755), 0);
	open_fails(tmp_path("dir"), ELF_OPEN_UNUSABLE, "is a directory");
}

static void test_open_empty(void **state)
{
	(void)state;
	int fd = open(tmp_path("empty"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
	open_fails(tmp_path("empty"), ELF_OPEN_UNUSABLE, "empty file, not an ELF file");
}

static void test_open_fifo(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(tmp_path("fifo"), 0644), 0);
	/* No writer ever comes: opening must not wait for one. */
	alarm(20);
	open_fails(tmp_path("fifo"), ELF_OPEN_UNUSABLE, "not a regular file (a FIFO)");
	alarm(0);
}

static void test_open_char_device(void **state)
{
	(void)state;
	open_fails("/dev/null", ELF_OPEN_UNUSABLE, "not a regular file (a character device)");
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void test_open_bad_files(void **state)
{
	struct eb_spec spec;
	size_t size;

	(void)state;
	write_file(tmp_path("junk"), "this is not an ELF file at all\n", 31);
	open_fails(tmp_path("junk"), ELF_OPEN_UNUSABLE, "not an ELF file");

	/* A good image cut short on disk: the loader's rule, not libelf's. */
	eb_good(&spec, ELFCLASS64);
	char *img = eb_build(&spec, &size);
	write_file(tmp_path("cut.elf"), img, size - 1);
	open_fails(tmp_path("cut.elf"), ELF_OPEN_UNUSABLE, "note segment 2: file range"); /* the note ends it */

	/* The whole of it opens, and the file's bytes are the image's. */
	write_file(tmp_path("cut.elf"), img, size);
	struct elf_file file;
	struct elf_app app;
	char err[ERRLEN];
	assert_int_equal(elf_open_app(tmp_path("cut.elf"), &eb_mem, &file, &app, err, sizeof err),
			 ELF_OPEN_OK);
	assert_int_equal(file.size, size);
	assert_memory_equal(file.image, img, size);
	assert_int_equal(app.nseg, 2);
	elf_close_app(&file);

	/* Too large for this guest's RAM. */
	eb_good(&spec, ELFCLASS32);
	eb_add(&spec, PT_LOAD, 0x8000000, 0, 0x1000, PF_R | PF_W);
	free(img);
	img = eb_build(&spec, &size);
	write_file(tmp_path("cut.elf"), img, size);
	open_fails(tmp_path("cut.elf"), ELF_OPEN_UNUSABLE, "lies outside guest RAM");
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_64),
		cmocka_unit_test(test_good_32),
		cmocka_unit_test(test_good_unsorted),
		cmocka_unit_test(test_truncated_64),
		cmocka_unit_test(test_truncated_32),
		cmocka_unit_test(test_wrong_machine),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_elf_types),
		cmocka_unit_test(test_bad_e_version),
		cmocka_unit_test(test_bad_ident_version),
		cmocka_unit_test(test_segment_past_ram),
		cmocka_unit_test(test_segment_in_hole),
		cmocka_unit_test(test_segment_high_ram),
		cmocka_unit_test(test_boot_area),
		cmocka_unit_test(test_filesz_over_memsz),
		cmocka_unit_test(test_file_range_past_eof),
		cmocka_unit_test(test_overlapping_segments),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_vaddr_paddr),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_phnum_limit),
		cmocka_unit_test(test_phnum_zero),
		cmocka_unit_test(test_phnum_xnum),
		cmocka_unit_test(test_phnum_xnum_exact),
		cmocka_unit_test(test_phentsize),
		cmocka_unit_test(test_phdr_table_past_eof),
		cmocka_unit_test(test_phdr_table_past_eof_message),
		cmocka_unit_test(test_abi_note_missing),
		cmocka_unit_test(test_abi_note_found),
		cmocka_unit_test(test_abi_note_foreign),
		cmocka_unit_test(test_dynamic),
		cmocka_unit_test(test_no_load),
		cmocka_unit_test(test_too_many_loads),
		cmocka_unit_test(test_zero_memsz_ignored),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_copy_segments),
		cmocka_unit_test(test_copy_segments_32_high),
		cmocka_unit_test(test_open_hello64),
		cmocka_unit_test(test_open_hello32),
		cmocka_unit_test_setup_teardown(test_open_missing, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_open_directory, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_open_empty, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_open_fifo, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_open_char_device),
		cmocka_unit_test_setup_teardown(test_open_bad_files, tmp_setup, tmp_teardown),
	};
	return cmocka_run_group_tests(tests, eb_mem_setup, eb_mem_teardown);
}
