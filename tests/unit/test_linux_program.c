/* Static Linux programs: how the loader tells them from kvmrun apps and
 * what it records for the guest kernel (elf_loader.c), the pairing with the
 * guest kernel (boot_image.c), and start_info.program (start_info_build.c). */
#include "unit.h"

#include <stdlib.h>

#include <kvmrun/start_info.h>

#include "../../monitor/boot_image.h"
#include "../../monitor/elf_loader.h"
#include "../../monitor/start_info_build.h"
#include "elf_builder.h"

#define ERRLEN 512
#define PAGE 4096u

/* A static program as linkers lay one out: the first segment at base
 * holds the ELF and program headers (file offset 0), data after it; no
 * ABI note. */
static void program(struct eb_spec *spec, unsigned char cls, uint64_t base)
{
	eb_init(spec, cls);
	spec->abi_note = 0;
	spec->entry = base + 0x200;
	struct eb_phdr *text = eb_add(spec, PT_LOAD, base, 0x1000, 0x1000, PF_R | PF_X);
	text->offset = 0;
	eb_add(spec, PT_LOAD, base + 0x2000, 0x80, 0x3010, PF_R | PF_W);
}

static int check(struct eb_spec *spec, const struct guest_mem *m, struct elf_app *app, char *err)
{
	return eb_check(spec, m, app, err, ERRLEN);
}

static void accepted(struct eb_spec *spec, struct elf_app *app)
{
	char err[ERRLEN];

	if (check(spec, &eb_mem, app, err) != 0)
		fail_msg("rejected: %s", err);
}

static void rejected_on(struct eb_spec *spec, const struct guest_mem *m, const char *why)
{
	struct elf_app app;
	char err[ERRLEN];

	if (check(spec, m, &app, err) == 0)
		fail_msg("accepted; expected \"%s\"", why);
	assert_contains(err, why);
}

static void rejected(struct eb_spec *spec, const char *why)
{
	rejected_on(spec, &eb_mem, why);
}

static void test_static_exec(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	for (unsigned char cls = ELFCLASS32; cls <= ELFCLASS64; cls++) {
		size_t ehsize = cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
		program(&spec, cls, 0x400000);
		accepted(&spec, &app);
		assert_int_equal(app.kind, ELF_LINUX_PROGRAM);
		assert_int_equal(app.bits, cls == ELFCLASS64 ? 64 : 32);
		assert_int_equal(app.load_bias, 0);
		assert_int_equal(app.entry, 0x400200);
		assert_int_equal(app.nseg, 2);
		assert_int_equal(app.seg[0].gpa, 0x400000);
		assert_int_equal(app.seg[1].gpa, 0x402000);
		/* AT_PHDR: the headers where the first segment loads them. */
		assert_int_equal(app.phdr, 0x400000 + ehsize);
		assert_int_equal(app.phnum, 2);
		assert_int_equal(app.phent, cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr));
		/* The break: the page after the data's last byte (0x405010). */
		assert_int_equal(app.brk, 0x406000);
		/* PT_DYNAMIC in an ET_EXEC program is no reason to refuse it. */
		eb_add(&spec, PT_DYNAMIC, 0x402000, 0x10, 0x10, PF_R | PF_W);
		accepted(&spec, &app);
	}
}

/* The C library finds PT_TLS through AT_PHDR: headers nobody loads are
 * refused, as are headers that only partly fit the segment. */
static void test_headers_not_loaded(void **state)
{
	struct eb_spec spec;

	(void)state;
	program(&spec, ELFCLASS64, 0x400000);
	spec.ph[0].offset = EB_AUTO;
	rejected(&spec, "the program headers [0x40, +112) are in no loaded segment, where the C "
			"library looks for them (AT_PHDR)");
	program(&spec, ELFCLASS64, 0x400000);
	spec.ph[0].filesz = 0x60; /* the ELF header and half the table */
	rejected(&spec, "are in no loaded segment");
}

static void test_interp(void **state)
{
	struct eb_spec spec;
	static const char interp[] = "/lib64/ld-linux-x86-64.so.2";

	(void)state;
	program(&spec, ELFCLASS64, 0x400000);
	struct eb_phdr *ph = eb_add(&spec, PT_INTERP, 0x400800, sizeof interp, sizeof interp, PF_R);
	memcpy(ph->bytes, interp, sizeof interp);
	ph->nbytes = sizeof interp;
	rejected(&spec, "program header 2: PT_INTERP (/lib64/ld-linux-x86-64.so.2): a dynamically "
			"linked program; kvmrun runs static ones: link it with -static");
	/* A name not worth printing is left out. */
	ph->bytes[3] = '\n';
	rejected(&spec, "program header 2: PT_INTERP: a dynamically linked program");
}

/* A PT_DYNAMIC holding DT_FLAGS_1 = flags, then DT_NULL. */
static void add_dynamic(struct eb_spec *spec, uint64_t addr, uint64_t flags)
{
	struct eb_phdr *ph = eb_add(spec, PT_DYNAMIC, addr, 0, 0, PF_R | PF_W);

	if (spec->cls == ELFCLASS64) {
		const Elf64_Dyn d[2] = { { DT_FLAGS_1, { flags } }, { DT_NULL, { 0 } } };
		memcpy(ph->bytes, d, sizeof d);
		ph->nbytes = sizeof d;
	} else {
		const Elf32_Dyn d[2] = { { DT_FLAGS_1, { (Elf32_Word)flags } }, { DT_NULL, { 0 } } };
		memcpy(ph->bytes, d, sizeof d);
		ph->nbytes = sizeof d;
	}
	ph->filesz = ph->memsz = ph->nbytes;
}

static void test_static_pie(void **state)
{
	struct eb_spec spec;
	struct elf_app app;

	(void)state;
	for (unsigned char cls = ELFCLASS32; cls <= ELFCLASS64; cls++) {
		program(&spec, cls, 0);
		spec.type = ET_DYN;
		rejected(&spec, "ET_DYN without DF_1_PIE: a shared library, not a program; kvmrun runs "
				"executables (static, PIE or not)");
		add_dynamic(&spec, 0x2000, DF_1_NOW);
		rejected(&spec, "ET_DYN without DF_1_PIE");
		program(&spec, cls, 0);
		spec.type = ET_DYN;
		add_dynamic(&spec, 0x2000, DF_1_NOW | DF_1_PIE);
		accepted(&spec, &app);
		/* Placed at KVMRUN_PIE_BASE, everything moved with it. */
		assert_int_equal(app.kind, ELF_LINUX_PROGRAM);
		assert_int_equal(app.load_bias, KVMRUN_PIE_BASE);
		assert_int_equal(app.entry, KVMRUN_PIE_BASE + 0x200);
		assert_int_equal(app.seg[0].gpa, KVMRUN_PIE_BASE);
		assert_int_equal(app.seg[1].gpa, KVMRUN_PIE_BASE + 0x2000);
		assert_int_equal(app.phdr, KVMRUN_PIE_BASE + (cls == ELFCLASS64 ? 64 : 52));
		assert_int_equal(app.brk, KVMRUN_PIE_BASE + 0x6000);
	}
	/* Linked at a base of its own: the lowest page goes to KVMRUN_PIE_BASE. */
	program(&spec, ELFCLASS64, 0x7f0000001000ull);
	spec.type = ET_DYN;
	add_dynamic(&spec, 0x7f0000003000ull, DF_1_PIE);
	accepted(&spec, &app);
	assert_int_equal(app.seg[0].gpa, KVMRUN_PIE_BASE);
	assert_int_equal(app.entry, KVMRUN_PIE_BASE + 0x200);
	/* A PT_DYNAMIC past the end of the file. */
	program(&spec, ELFCLASS64, 0);
	spec.type = ET_DYN;
	add_dynamic(&spec, 0x2000, DF_1_PIE);
	spec.ph[2].offset = 0x7fff0000;
	rejected(&spec, "program header 2: PT_DYNAMIC's file range [0x7fff0000, +0x20) lies past the end of the file");
}

/* An i386 program is linked at 128 MiB: the error says what --mem to pass. */
static void test_needs_more_ram(void **state)
{
	struct eb_spec spec;

	(void)state;
	program(&spec, ELFCLASS32, 0x8048000);
	rejected(&spec, "segment 0: the program is linked at [0x8048000, 0x8049000), past the end "
			"of guest RAM (64 MiB): run it with --mem=193M or more");
	program(&spec, ELFCLASS64, 0x400000);
	eb_add(&spec, PT_LOAD, 0xbfff0000, 0, 0x20000, PF_R | PF_W);
	rejected_on(&spec, &eb_mem5g, "segment 2: memory range [0xbfff0000, 0xc0010000) lies outside "
				      "guest RAM, in the MMIO hole");
	/* Above 4 GiB, RAM continues after the hole's gigabyte. */
	program(&spec, ELFCLASS64, 0x140000000ull);
	rejected(&spec, "segment 0: the program is linked at [0x140000000, 0x140001000), past the end "
			"of guest RAM (64 MiB): run it with --mem=4161M or more");
	/* Beyond what --mem can give, near 2^64 too. */
	program(&spec, ELFCLASS64, 0x1100000000ull);
	rejected(&spec, "beyond the most RAM kvmrun gives a guest (64 GiB)");
	program(&spec, ELFCLASS64, 0xfffffffffff00000ull);
	spec.ph[1].vaddr = spec.ph[1].paddr = 0xfffffffffff80000ull;
	spec.entry = 0xfffffffffff00200ull;
	rejected(&spec, "segment 0: the program is linked at [0xfffffffffff00000, 0xfffffffffff01000), "
			"beyond the most RAM kvmrun gives a guest (64 GiB)");
	/* Below the boot area's end, as for apps. */
	program(&spec, ELFCLASS64, 0x10000);
	rejected(&spec, "overlaps kvmrun's boot area [0, 0x100000) (start_info, GDT, page tables, "
			"stack); link programs at or above 0x100000");
}

/* ---------------------------------------------------- with the guest kernel */

static char *kernel_file[2];
static struct guest_kernel kernels[2];

/* Test kernels: good apps (note, 0x100000 and 0x200000) of each width. */
static int kernels_setup(void **state)
{
	if (eb_mem_setup(state) < 0)
		return -1;
	for (unsigned w = 0; w < 2; w++) {
		struct eb_spec spec;
		size_t size;
		eb_good(&spec, w ? ELFCLASS64 : ELFCLASS32);
		kernel_file[w] = eb_build(&spec, &size);
		kernels[w] = (struct guest_kernel){ kernel_file[w], size };
	}
	return 0;
}

static int kernels_teardown(void **state)
{
	free(kernel_file[0]);
	free(kernel_file[1]);
	return eb_mem_teardown(state);
}

static int plan(struct eb_spec *spec, struct boot_image *b, char **img, const struct guest_kernel *k,
		char *err)
{
	struct elf_app app;
	size_t size;

	*img = eb_build(spec, &size);
	if (elf_check_image(*img, size, &eb_mem, &app, err, ERRLEN) < 0)
		fail_msg("program rejected: %s", err);
	err[0] = '\0';
	return boot_image_plan(b, &app, *img, &eb_mem, k, err, ERRLEN);
}

static void test_plan_app_alone(void **state)
{
	struct eb_spec spec;
	struct boot_image b;
	char err[ERRLEN], *img;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	assert_int_equal(plan(&spec, &b, &img, kernels, err), 0);
	assert_false(b.has_program);
	assert_ptr_equal(b.kernel_file, img);
	assert_int_equal(b.kernel.entry, 0x100000);
	free(img);
}

static void test_plan_program(void **state)
{
	struct eb_spec spec;
	struct boot_image b;
	char err[ERRLEN], *img;

	(void)state;
	for (unsigned char cls = ELFCLASS32; cls <= ELFCLASS64; cls++) {
		program(&spec, cls, 0x400000);
		if (plan(&spec, &b, &img, kernels, err) < 0)
			fail_msg("%s", err);
		assert_true(b.has_program);
		/* The vCPU enters the kernel of the program's width. */
		assert_ptr_equal(b.kernel_file, kernel_file[cls == ELFCLASS64]);
		assert_int_equal(b.kernel.bits, cls == ELFCLASS64 ? 64 : 32);
		assert_int_equal(b.kernel.kind, ELF_KVMRUN_APP);
		assert_ptr_equal(b.program_file, img);
		assert_int_equal(b.program.entry, 0x400200);
		free(img);
	}
}

static void test_plan_overlap(void **state)
{
	struct eb_spec spec;
	struct boot_image b;
	char err[ERRLEN], *img;

	(void)state;
	/* The test kernel's data ends at 0x202000: a program sharing its last
	 * page is refused too. */
	program(&spec, ELFCLASS64, 0x201000);
	assert_int_equal(plan(&spec, &b, &img, kernels, err), -1);
	assert_contains(err, "the program's segment at [0x201000, 0x202000) overlaps kvmrun's guest "
			     "kernel [0x100000, 0x202000); static programs must be linked at or above 0x202000");
	free(img);
	program(&spec, ELFCLASS64, 0x202000);
	assert_int_equal(plan(&spec, &b, &img, kernels, err), 0);
	free(img);
}

/* A kernel that is not a kvmrun app of the program's width is named. */
static void test_plan_bad_kernel(void **state)
{
	struct eb_spec spec;
	struct boot_image b;
	char err[ERRLEN], *img;
	const struct guest_kernel swapped[2] = { kernels[1], kernels[0] };
	const struct guest_kernel junk[2] = { { "junk", 4 }, { "junk", 4 } };

	(void)state;
	program(&spec, ELFCLASS64, 0x400000);
	assert_int_equal(plan(&spec, &b, &img, swapped, err), -1);
	assert_contains(err, "the x86-64 guest kernel built into kvmrun is not one");
	free(img);
	program(&spec, ELFCLASS32, 0x400000);
	assert_int_equal(plan(&spec, &b, &img, junk, err), -1);
	assert_contains(err, "the i386 guest kernel built into kvmrun: not an ELF file");
	free(img);
}

/* start_info.program and the memory map's program entries. */
static void test_start_info_program(void **state)
{
	struct eb_spec spec;
	struct boot_image b;
	char err[ERRLEN], *img;
	char *argv[] = { "prog", NULL };

	(void)state;
	program(&spec, ELFCLASS64, 0x400000);
	assert_int_equal(plan(&spec, &b, &img, kernels, err), 0);
	memset(eb_mem.host, 0, KVMRUN_START_INFO_ADDR + KVMRUN_START_INFO_SIZE);
	if (start_info_write(&eb_mem, &b.kernel, &b.program, 0, 1, argv, err, ERRLEN) < 0)
		fail_msg("%s", err);
	const struct kvmrun_start_info *si = guest_mem_ptr(&eb_mem, KVMRUN_START_INFO_ADDR, sizeof *si);
	assert_int_equal(si->program.entry, 0x400200);
	assert_int_equal(si->program.phdr, 0x400040);
	assert_int_equal(si->program.phnum, 2);
	assert_int_equal(si->program.phent, sizeof(Elf64_Phdr));
	assert_int_equal(si->program.brk, 0x406000);
	unsigned kernel = 0, prog = 0;
	for (unsigned i = 0; i < si->mem_count; i++) {
		const struct kvmrun_mem_entry *e = &si->mem[i];
		if (e->use == KVMRUN_MEM_KERNEL)
			kernel++;
		if (e->use == KVMRUN_MEM_PROGRAM) {
			assert_true(e->base == 0x400000 || e->base == 0x402000);
			assert_int_equal(e->flags, e->base == 0x400000 ? KVMRUN_MEM_F_READ_ONLY | KVMRUN_MEM_F_EXEC : 0);
			prog++;
		}
	}
	assert_int_equal(kernel, 2);
	assert_int_equal(prog, 2);
	/* An app alone leaves it zero. */
	if (start_info_write(&eb_mem, &b.kernel, NULL, 0, 1, argv, err, ERRLEN) < 0)
		fail_msg("%s", err);
	assert_int_equal(si->program.entry, 0);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_exec),
		cmocka_unit_test(test_headers_not_loaded),
		cmocka_unit_test(test_interp),
		cmocka_unit_test(test_static_pie),
		cmocka_unit_test(test_needs_more_ram),
		cmocka_unit_test(test_plan_app_alone),
		cmocka_unit_test(test_plan_program),
		cmocka_unit_test(test_plan_overlap),
		cmocka_unit_test(test_plan_bad_kernel),
		cmocka_unit_test(test_start_info_program),
	};
	return cmocka_run_group_tests(tests, kernels_setup, kernels_teardown);
}
