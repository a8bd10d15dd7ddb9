/* guest_mem.c: RAM layout around the MMIO hole and guest-physical lookups. */
#include "unit.h"

#include "../../monitor/guest_mem.h"

static void test_layout_64m(void **state)
{
	struct guest_mem m;

	(void)state;
	memset(&m, 0xa5, sizeof m);
	guest_mem_layout(&m, 64 * MIB);
	assert_int_equal(m.size, 64 * MIB);
	assert_int_equal(m.nranges, 1);
	assert_int_equal(m.range[0].gpa, 0);
	assert_int_equal(m.range[0].size, 64 * MIB);
	assert_int_equal(m.range[0].host_offset, 0);
	assert_int_equal(guest_mem_top(&m), 64 * MIB);
}

static void test_layout_3g(void **state)
{
	struct guest_mem m;

	(void)state;
	guest_mem_layout(&m, 3 * GIB);
	assert_int_equal(m.size, 3 * GIB);
	assert_int_equal(m.nranges, 1);
	assert_int_equal(m.range[0].gpa, 0);
	assert_int_equal(m.range[0].size, 3 * GIB);
	assert_int_equal(m.range[0].size, KVMRUN_MMIO_HOLE_START);
	assert_int_equal(m.range[0].host_offset, 0);
	assert_int_equal(guest_mem_top(&m), 3 * GIB);
}

static void test_layout_3g_plus_page(void **state)
{
	struct guest_mem m;

	(void)state;
	guest_mem_layout(&m, 3 * GIB + 4096);
	assert_int_equal(m.nranges, 2);
	assert_int_equal(m.range[0].size, 3 * GIB);
	assert_int_equal(m.range[1].gpa, 4 * GIB);
	assert_int_equal(m.range[1].size, 4096);
	assert_int_equal(m.range[1].host_offset, 3 * GIB);
	assert_int_equal(guest_mem_top(&m), 4 * GIB + 4096);
}

static void test_layout_5g(void **state)
{
	struct guest_mem m;

	(void)state;
	guest_mem_layout(&m, 5 * GIB);
	assert_int_equal(m.size, 5 * GIB);
	assert_int_equal(m.nranges, 2);
	assert_int_equal(m.range[0].gpa, 0);
	assert_int_equal(m.range[0].size, 3 * GIB);
	assert_int_equal(m.range[0].host_offset, 0);
	assert_int_equal(m.range[1].gpa, KVMRUN_HIGH_RAM_START);
	assert_int_equal(m.range[1].gpa, 4 * GIB);
	assert_int_equal(m.range[1].size, 2 * GIB);
	assert_int_equal(m.range[1].host_offset, 3 * GIB);
	assert_int_equal(guest_mem_top(&m), 6 * GIB);
}

static void test_layout_64g(void **state)
{
	struct guest_mem m;

	(void)state;
	guest_mem_layout(&m, 64 * GIB);
	assert_int_equal(m.nranges, 2);
	assert_int_equal(m.range[1].size, 61 * GIB);
	assert_int_equal(guest_mem_top(&m), 65 * GIB);
}

/* guest_mem_ptr works on the layout alone: give it a fake host base and
 * check the arithmetic, without touching memory. */
static uint8_t *const FAKE_HOST = (uint8_t *)0x100000000000ull;

static struct guest_mem fake(uint64_t size)
{
	struct guest_mem m;

	guest_mem_layout(&m, size);
	m.host = FAKE_HOST;
	return m;
}

static void test_ptr_64m(void **state)
{
	struct guest_mem m = fake(64 * MIB);

	(void)state;
	assert_ptr_equal(guest_mem_ptr(&m, 0, 1), FAKE_HOST);
	assert_ptr_equal(guest_mem_ptr(&m, 0x1234, 16), FAKE_HOST + 0x1234);
	assert_ptr_equal(guest_mem_ptr(&m, 64 * MIB - 1, 1), FAKE_HOST + 64 * MIB - 1);
	assert_ptr_equal(guest_mem_ptr(&m, 0, 64 * MIB), FAKE_HOST);
	assert_null(guest_mem_ptr(&m, 0, 64 * MIB + 1));
	assert_null(guest_mem_ptr(&m, 64 * MIB - 1, 2));
	assert_null(guest_mem_ptr(&m, 64 * MIB, 1));
	/* len 0: any position up to and including the end. */
	assert_ptr_equal(guest_mem_ptr(&m, 64 * MIB, 0), FAKE_HOST + 64 * MIB);
	assert_ptr_equal(guest_mem_ptr(&m, 0, 0), FAKE_HOST);
	assert_null(guest_mem_ptr(&m, 64 * MIB + 1, 0));
	assert_null(guest_mem_ptr(&m, 4 * GIB, 1));
}

static void test_ptr_wrap(void **state)
{
	struct guest_mem m = fake(64 * MIB);
	struct guest_mem big = fake(5 * GIB);

	(void)state;
	assert_null(guest_mem_ptr(&m, UINT64_MAX - 3, 16));
	assert_null(guest_mem_ptr(&big, UINT64_MAX - 3, 16));
	assert_null(guest_mem_ptr(&m, UINT64_MAX, 1));
	assert_null(guest_mem_ptr(&m, UINT64_MAX, 0));
	assert_null(guest_mem_ptr(&m, 0, UINT64_MAX));
	assert_null(guest_mem_ptr(&m, 1, UINT64_MAX));
	assert_null(guest_mem_ptr(&m, 0x1000, UINT64_MAX));
	assert_null(guest_mem_ptr(&big, 0, UINT64_MAX));
	assert_null(guest_mem_ptr(&big, 4 * GIB, UINT64_MAX));
	/* A length that would wrap gpa+len to a small in-RAM address. */
	assert_null(guest_mem_ptr(&m, 0x1000, UINT64_MAX - 0xfff + 0x10));
	assert_null(guest_mem_ptr(&big, 4 * GIB + 0x1000, UINT64_MAX - 4 * GIB));
}

static void test_ptr_hole(void **state)
{
	struct guest_mem m = fake(5 * GIB);

	(void)state;
	/* Low RAM: the last byte, and len 0 right at its end. */
	assert_ptr_equal(guest_mem_ptr(&m, 3 * GIB - 1, 1), FAKE_HOST + 3 * GIB - 1);
	assert_ptr_equal(guest_mem_ptr(&m, 0, 3 * GIB), FAKE_HOST);
	assert_ptr_equal(guest_mem_ptr(&m, 3 * GIB, 0), FAKE_HOST + 3 * GIB);
	/* Straddling the hole, into it, inside it. */
	assert_null(guest_mem_ptr(&m, 3 * GIB - 1, 2));
	assert_null(guest_mem_ptr(&m, 3 * GIB - 4096, 4 * GIB));
	assert_null(guest_mem_ptr(&m, 0, 3 * GIB + 1));
	assert_null(guest_mem_ptr(&m, 3 * GIB, 1));
	assert_null(guest_mem_ptr(&m, 0xfec00000, 4));
	assert_null(guest_mem_ptr(&m, 0xfee00000, 0));
	assert_null(guest_mem_ptr(&m, 4 * GIB - 1, 1));
	assert_null(guest_mem_ptr(&m, 4 * GIB - 1, 2));
	/* High RAM: host offset 3 GiB. */
	assert_ptr_equal(guest_mem_ptr(&m, 4 * GIB, 1), FAKE_HOST + 3 * GIB);
	assert_ptr_equal(guest_mem_ptr(&m, 4 * GIB + 0x2345, 8), FAKE_HOST + 3 * GIB + 0x2345);
	assert_ptr_equal(guest_mem_ptr(&m, 4 * GIB, 2 * GIB), FAKE_HOST + 3 * GIB);
	assert_ptr_equal(guest_mem_ptr(&m, 6 * GIB - 1, 1), FAKE_HOST + 5 * GIB - 1);
	assert_ptr_equal(guest_mem_ptr(&m, 6 * GIB, 0), FAKE_HOST + 5 * GIB);
	assert_null(guest_mem_ptr(&m, 6 * GIB - 1, 2));
	assert_null(guest_mem_ptr(&m, 6 * GIB, 1));
	assert_null(guest_mem_ptr(&m, 4 * GIB, 2 * GIB + 1));
}

static void test_ptr_exact_3g(void **state)
{
	struct guest_mem m = fake(3 * GIB);

	(void)state;
	assert_ptr_equal(guest_mem_ptr(&m, 3 * GIB - 1, 1), FAKE_HOST + 3 * GIB - 1);
	assert_null(guest_mem_ptr(&m, 3 * GIB, 1));
	assert_null(guest_mem_ptr(&m, 4 * GIB, 1));
	assert_null(guest_mem_ptr(&m, 4 * GIB, 0));
}

/* A real allocation: writable, zero-filled, both ranges distinct. */
static void test_alloc_5g(void **state)
{
	struct guest_mem m;
	char err[256] = "";

	(void)state;
	if (guest_mem_alloc(&m, 5 * GIB, err, sizeof err) != 0)
		fail_msg("guest_mem_alloc: %s", err);
	assert_non_null(m.host);
	assert_int_equal(m.size, 5 * GIB);
	assert_int_equal(m.nranges, 2);
	uint8_t *lo = guest_mem_ptr(&m, 3 * GIB - 1, 1);
	uint8_t *hi = guest_mem_ptr(&m, 4 * GIB, 1);
	assert_non_null(lo);
	assert_non_null(hi);
	assert_ptr_equal(hi, lo + 1); /* contiguous on the host side */
	assert_int_equal(*lo, 0);
	assert_int_equal(*hi, 0);
	*hi = 0x5a;
	assert_int_equal(m.host[3 * GIB], 0x5a);
	uint8_t *last = guest_mem_ptr(&m, 6 * GIB - 1, 1);
	assert_ptr_equal(last, m.host + 5 * GIB - 1);
	*last = 1;
	guest_mem_free(&m);
	assert_null(m.host);
	guest_mem_free(&m); /* twice is harmless */
}

/* The VmFlags line of the mapping that holds addr (proc(5), smaps). */
static void vm_flags_at(const void *addr, char *flags, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int inside = 0;

	assert_non_null(f);
	flags[0] = '\0';
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			inside = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
		else if (inside && strncmp(line, "VmFlags:", 8) == 0)
			snprintf(flags, len, "%s", line + 8);
	}
	fclose(f);
}

/* RAM starts on a 2 MiB boundary, asks for huge pages, and keeps 4 KiB
 * pages at each range's ends (16 MiB below, 2 MiB on top), where a small
 * guest touches a few pages only. */
static void test_alloc_huge_pages(void **state)
{
	struct guest_mem m;
	char err[256], flags[256];

	(void)state;
	assert_int_equal(guest_mem_alloc(&m, 64 * MIB, err, sizeof err), 0);
	assert_int_equal((uintptr_t)m.host % GUEST_MEM_HUGE_PAGE, 0);
	vm_flags_at(m.host + 16 * MIB, flags, sizeof flags);
	assert_contains(flags, " hg");
	vm_flags_at(m.host + 62 * MIB - 1, flags, sizeof flags);
	assert_contains(flags, " hg");
	vm_flags_at(m.host, flags, sizeof flags);
	assert_contains(flags, " nh");
	vm_flags_at(m.host + 16 * MIB - 1, flags, sizeof flags);
	assert_contains(flags, " nh");
	vm_flags_at(m.host + 64 * MIB - 1, flags, sizeof flags);
	assert_contains(flags, " nh");
	guest_mem_free(&m);
}

static void test_alloc_fails(void **state)
{
	struct guest_mem m;
	char err[256] = "";

	(void)state;
	/* More than any address space holds: mmap must refuse. */
	assert_int_equal(guest_mem_alloc(&m, 1ull << 62, err, sizeof err), -1);
	assert_contains(err, "cannot map 4398046511104 MiB of guest memory: ");
	assert_null(m.host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_64m),
		cmocka_unit_test(test_layout_3g),
		cmocka_unit_test(test_layout_3g_plus_page),
		cmocka_unit_test(test_layout_5g),
		cmocka_unit_test(test_layout_64g),
		cmocka_unit_test(test_ptr_64m),
		cmocka_unit_test(test_ptr_wrap),
		cmocka_unit_test(test_ptr_hole),
		cmocka_unit_test(test_ptr_exact_3g),
		cmocka_unit_test(test_alloc_huge_pages),
		cmocka_unit_test(test_alloc_5g),
		cmocka_unit_test(test_alloc_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
