/* elf_loader.c: inputs the fuzzer (tests/fuzz/fuzz_elf_loader.c) turned up,
 * each kept here as a test, its bytes also in tests/fuzz/corpus/elf_loader/.
 *
 * Extended numbering (e_phnum == PN_XNUM, the count in section 0's sh_info):
 * check_phdr_table() leaves the count to libelf's elf_getphdrnum(), which
 *   - reads "section 0" even when e_shoff is 0, that is when there is no
 *     section header table at all: it reads the ELF header itself, where an
 *     ELF32 sh_info is e_phoff's bytes. The loader then accepts an app whose
 *     program header count is its table's file offset;
 *   - shortens a count that does not fit in the file to what does, so that
 *     the loader reports a count the file never held, or passes on libelf's
 *     "invalid data" where it has a rule of its own for a table past the end.
 */
#include "unit.h"

#include <stdlib.h>

#include "../../monitor/elf_loader.h"
#include "elf_builder.h"

#define ERRLEN 512

/* The image a test built: freed by its teardown, even after a failure. */
static char *held;

static char *hold(char *img)
{
	held = img;
	return img;
}

static int free_held(void **state)
{
	(void)state;
	free(held);
	held = NULL;
	return 0;
}

/* Check an image held in a buffer of exactly its size. */
static int check(const char *bytes, size_t size, const struct guest_mem *m, char *err)
{
	struct elf_app app;
	char *copy = malloc(size ? size : 1);

	assert_non_null(copy);
	memcpy(copy, bytes, size);
	err[0] = '\0';
	int rc = elf_check_image(copy, size, m, &app, err, ERRLEN);
	free(copy);
	return rc;
}

static void rejected_on(const char *img, size_t size, const struct guest_mem *m, const char *why)
{
	char err[ERRLEN];

	if (check(img, size, m, err) != -1)
		fail_msg("image of %zu bytes accepted; expected \"%s\"", size, why);
	assert_contains(err, why);
	assert_null(strchr(err, '\n'));
}

/* A good app, with e_phnum = PN_XNUM but no section header table. */
static char *xnum_without_sections(unsigned char cls, size_t *size)
{
	struct eb_spec spec;

	eb_good(&spec, cls);
	spec.phnum_set = 1;
	spec.phnum = PN_XNUM;
	spec.pad = 2048; /* room for e_phoff (52) ELF32 program headers */
	char *img = hold(eb_build(&spec, size));
	/* e_shoff stays 0 ("no section header table"); e_shnum says 1. */
	eb_poke(img, cls == ELFCLASS64 ? 60 : 48, 2, 1);
	return img;
}

/* Found by the fuzzer: libelf takes section 0 from offset 0, so an ELF32
 * app's "count" is its e_phoff (52). Accepted today. */
static void test_xnum_no_section_table_32(void **state)
{
	size_t size;
	char *img = xnum_without_sections(ELFCLASS32, &size);

	(void)state;
	rejected_on(img, size, &eb_mem, "program header");
	rejected_on(img, size, &eb_mem5g, "program header");
}

/* The same in ELF64 reads the upper half of e_shoff, 0: rejected as having
 * no program headers. Kept so that a fix does not change it for the worse. */
static void test_xnum_no_section_table_64(void **state)
{
	size_t size;
	char *img = xnum_without_sections(ELFCLASS64, &size);

	(void)state;
	rejected_on(img, size, &eb_mem, "program header");
}

/* The fuzzer's own input (ELF32, e_shoff 0, e_shnum 17, e_phnum PN_XNUM),
 * as it is in the corpus: accepted in a 5 GiB guest today, with 52 program
 * headers read from the ELF header's e_phoff. */
static void test_fuzz_crash_xnum_shoff0(void **state)
{
	static const char path[] = "tests/fuzz/corpus/elf_loader/crash-xnum-shoff0-32";
	static char buf[4096];

	(void)state;
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: cannot open (run from the repository root)", path);
	size_t size = fread(buf, 1, sizeof buf, f);
	fclose(f);
	assert_int_equal(size, 1716);
	rejected_on(buf, size, &eb_mem5g, "program header");
	rejected_on(buf, size, &eb_mem, "program header");
}

/* Any count the reason names must be the one the file holds. */
static void assert_count_is(const char *err, unsigned long long count)
{
	const char *p = strstr(err, "too many program headers: ");
	if (p && strtoull(p + strlen("too many program headers: "), NULL, 10) != count)
		fail_msg("\"%s\" names a count the file does not hold (%llu)", err, count);
	if (strstr(err, "invalid data"))
		fail_msg("\"%s\": libelf's words, not the rule that broke", err);
}

/* Counts too large for the file: the loader's own rules and numbers. */

/* Section 0 says 40, the 1136-byte file holds 2 and some bytes more: the
 * table lies past the end, as for a plain e_phnum of 40. */
static void test_xnum_count_past_end(void **state)
{
	struct eb_spec spec;
	char err[ERRLEN];
	size_t size;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.xnum = 1;
	spec.xnum_info = 40;
	char *img = hold(eb_build(&spec, &size));
	assert_int_equal(check(img, size, &eb_mem, err), -1);
	assert_contains(err, "program header table [0x40, +2240) lies past the end of the file");
}

/* Section 0 says 65536, in a file with room for 165 of them. */
static void test_xnum_count_huge(void **state)
{
	struct eb_spec spec;
	char err[ERRLEN];
	size_t size;

	(void)state;
	eb_good(&spec, ELFCLASS64);
	spec.xnum = 1;
	spec.xnum_info = 0x10000;
	spec.pad = 8192;
	char *img = hold(eb_build(&spec, &size));
	assert_int_equal(check(img, size, &eb_mem, err), -1);
	assert_contains(err, "program header");
	assert_count_is(err, 0x10000);
}

/* e_phnum 0xffff and no section header table at all (e_shnum 0). */
static void test_phnum_ffff_no_sections(void **state)
{
	struct eb_spec spec;
	char err[ERRLEN];
	size_t size;

	(void)state;
	eb_good(&spec, ELFCLASS32);
	spec.phnum_set = 1;
	spec.phnum = PN_XNUM;
	spec.pad = 8192;
	char *img = hold(eb_build(&spec, &size));
	assert_int_equal(check(img, size, &eb_mem, err), -1);
	assert_contains(err, "program header");
	assert_count_is(err, PN_XNUM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_xnum_no_section_table_32, free_held),
		cmocka_unit_test_teardown(test_xnum_no_section_table_64, free_held),
		cmocka_unit_test(test_fuzz_crash_xnum_shoff0),
		cmocka_unit_test_teardown(test_xnum_count_past_end, free_held),
		cmocka_unit_test_teardown(test_xnum_count_huge, free_held),
		cmocka_unit_test_teardown(test_phnum_ffff_no_sections, free_held),
	};
	return cmocka_run_group_tests(tests, eb_mem_setup, eb_mem_teardown);
}
