/* memory_map.c: claims of guest RAM turned into start_info's memory map. */
#include "unit.h"

#include "../../monitor/memory_map.h"

#define ERRLEN 256
#define PAGE 4096ull
#define RO KVMRUN_MEM_F_READ_ONLY
#define EX KVMRUN_MEM_F_EXEC

static struct guest_mem layout(uint64_t size)
{
	struct guest_mem m;

	guest_mem_layout(&m, size); /* memory_map_build never touches RAM */
	m.host = NULL;
	return m;
}

/* Sorted, not overlapping, every byte of every RAM range exactly once. */
static void check_coverage(const struct guest_mem *m, const struct kvmrun_mem_entry *e,
			   unsigned n)
{
	uint64_t total = 0;
	unsigned i = 0;

	for (unsigned r = 0; r < m->nranges; r++) {
		uint64_t pos = m->range[r].gpa, end = pos + m->range[r].size;
		while (pos < end) {
			if (i == n)
				fail_msg("map ends at 0x%llx, RAM goes on to 0x%llx",
					 (unsigned long long)pos, (unsigned long long)end);
			if (e[i].base != pos)
				fail_msg("entry %u starts at 0x%llx, expected 0x%llx", i,
					 (unsigned long long)e[i].base, (unsigned long long)pos);
			if (e[i].size == 0 || e[i].size > end - pos)
				fail_msg("entry %u has size 0x%llx", i, (unsigned long long)e[i].size);
			pos += e[i].size;
			total += e[i].size;
			i++;
		}
	}
	assert_int_equal(i, n);
	assert_int_equal(total, m->size);
}

static void expect(const struct kvmrun_mem_entry *e, uint64_t base, uint64_t size,
		   uint32_t flags, uint32_t use)
{
	if (e->base != base || e->size != size || e->flags != flags || e->use != use)
		fail_msg("entry {0x%llx, 0x%llx, flags %u, use %u}, expected {0x%llx, 0x%llx, flags %u, use %u}",
			 (unsigned long long)e->base, (unsigned long long)e->size, e->flags, e->use,
			 (unsigned long long)base, (unsigned long long)size, flags, use);
}

static void test_sorted_with_gaps(void **state)
{
	struct guest_mem m = layout(64 * MIB);
	const struct mem_claim claims[] = {
		{ 0x200000, 0x3000, 0, KVMRUN_MEM_KERNEL },
		{ 0x80000, 0x80000, 0, KVMRUN_MEM_STACK },
		{ 0, 0x1000, 0, KVMRUN_MEM_RESERVED },
		{ 0x100000, 0x2000, RO | EX, KVMRUN_MEM_KERNEL },
		{ 0x2000, 0x4000, RO, KVMRUN_MEM_START_INFO },
		{ 0x1000, 0x1000, RO, KVMRUN_MEM_GDT },
	};
	struct kvmrun_mem_entry out[KVMRUN_MAX_MEM_ENTRIES];
	unsigned n = 99;
	char err[ERRLEN] = "";

	(void)state;
	if (memory_map_build(&m, claims, 6, out, KVMRUN_MAX_MEM_ENTRIES, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 9);
	expect(&out[0], 0, 0x1000, 0, KVMRUN_MEM_RESERVED);
	expect(&out[1], 0x1000, 0x1000, RO, KVMRUN_MEM_GDT);
	expect(&out[2], 0x2000, 0x4000, RO, KVMRUN_MEM_START_INFO);
	expect(&out[3], 0x6000, 0x7a000, 0, KVMRUN_MEM_FREE);
	expect(&out[4], 0x80000, 0x80000, 0, KVMRUN_MEM_STACK);
	expect(&out[5], 0x100000, 0x2000, RO | EX, KVMRUN_MEM_KERNEL);
	expect(&out[6], 0x102000, 0xfe000, 0, KVMRUN_MEM_FREE);
	expect(&out[7], 0x200000, 0x3000, 0, KVMRUN_MEM_KERNEL);
	expect(&out[8], 0x203000, 64 * MIB - 0x203000, 0, KVMRUN_MEM_FREE);
	/* The caller's claims are not reordered. */
	assert_int_equal(claims[0].base, 0x200000);
}

static void test_no_claims(void **state)
{
	struct guest_mem m = layout(64 * MIB);
	const struct mem_claim none[1] = { { 0, 0, 0, 0 } };
	struct kvmrun_mem_entry out[4];
	unsigned n = 99;
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(memory_map_build(&m, none, 0, out, 4, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	expect(&out[0], 0, 64 * MIB, 0, KVMRUN_MEM_FREE);
}

static void test_claims_at_edges(void **state)
{
	struct guest_mem m = layout(64 * MIB);
	const struct mem_claim claims[] = {
		{ 64 * MIB - PAGE, PAGE, 0, KVMRUN_MEM_STACK },
		{ 0, PAGE, 0, KVMRUN_MEM_RESERVED },
		{ PAGE, PAGE, RO, KVMRUN_MEM_GDT }, /* adjacent: no FREE between */
	};
	struct kvmrun_mem_entry out[8];
	unsigned n;
	char err[ERRLEN] = "";

	(void)state;
	if (memory_map_build(&m, claims, 3, out, 8, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 4);
	expect(&out[0], 0, PAGE, 0, KVMRUN_MEM_RESERVED);
	expect(&out[1], PAGE, PAGE, RO, KVMRUN_MEM_GDT);
	expect(&out[2], 2 * PAGE, 64 * MIB - 3 * PAGE, 0, KVMRUN_MEM_FREE);
	expect(&out[3], 64 * MIB - PAGE, PAGE, 0, KVMRUN_MEM_STACK);
}

static void test_kernel_merge(void **state)
{
	struct guest_mem m = layout(64 * MIB);
	struct kvmrun_mem_entry out[16];
	unsigned n;
	char err[ERRLEN] = "";

	(void)state;
	/* text (RO|EX) and rodata (RO) sharing a page: RO and EX. */
	const struct mem_claim a[] = {
		{ 0x101000, 0x2000, RO, KVMRUN_MEM_KERNEL },
		{ 0x100000, 0x2000, RO | EX, KVMRUN_MEM_KERNEL },
	};
	if (memory_map_build(&m, a, 2, out, 16, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 3);
	expect(&out[0], 0, 0x100000, 0, KVMRUN_MEM_FREE);
	expect(&out[1], 0x100000, 0x3000, RO | EX, KVMRUN_MEM_KERNEL);
	expect(&out[2], 0x103000, 64 * MIB - 0x103000, 0, KVMRUN_MEM_FREE);

	/* rodata (RO) and data (writable): writable, not EX. */
	const struct mem_claim b[] = {
		{ 0x200000, 0x1000, RO, KVMRUN_MEM_KERNEL },
		{ 0x200000, 0x3000, 0, KVMRUN_MEM_KERNEL },
	};
	if (memory_map_build(&m, b, 2, out, 16, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 3);
	expect(&out[1], 0x200000, 0x3000, 0, KVMRUN_MEM_KERNEL);

	/* One claim inside another: the outer range stays. */
	const struct mem_claim c[] = {
		{ 0x300000, 0x10000, RO, KVMRUN_MEM_KERNEL },
		{ 0x304000, 0x1000, RO | EX, KVMRUN_MEM_KERNEL },
	};
	if (memory_map_build(&m, c, 2, out, 16, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 3);
	expect(&out[1], 0x300000, 0x10000, RO | EX, KVMRUN_MEM_KERNEL);

	/* Three in a chain merge into one. */
	const struct mem_claim d[] = {
		{ 0x402000, 0x2000, RO, KVMRUN_MEM_KERNEL },
		{ 0x400000, 0x2000, RO | EX, KVMRUN_MEM_KERNEL },
		{ 0x401000, 0x2000, RO, KVMRUN_MEM_KERNEL },
	};
	if (memory_map_build(&m, d, 3, out, 16, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 3);
	expect(&out[1], 0x400000, 0x4000, RO | EX, KVMRUN_MEM_KERNEL);

	/* Touching but not sharing a page: two entries, flags kept apart. */
	const struct mem_claim e[] = {
		{ 0x100000, 0x1000, RO | EX, KVMRUN_MEM_KERNEL },
		{ 0x101000, 0x1000, 0, KVMRUN_MEM_KERNEL },
	};
	if (memory_map_build(&m, e, 2, out, 16, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 4);
	expect(&out[1], 0x100000, 0x1000, RO | EX, KVMRUN_MEM_KERNEL);
	expect(&out[2], 0x101000, 0x1000, 0, KVMRUN_MEM_KERNEL);
}

static void overlap_rejected(uint32_t use_a, uint32_t use_b)
{
	struct guest_mem m = layout(64 * MIB);
	const struct mem_claim c[] = {
		{ 0x80000, 0x80000, 0, use_a },
		{ 0xff000, 0x2000, 0, use_b },
	};
	struct kvmrun_mem_entry out[16];
	unsigned n;
	char err[ERRLEN] = "";

	assert_int_equal(memory_map_build(&m, c, 2, out, 16, &n, err, sizeof err), -1);
	assert_contains(err, "memory ranges [0x80000, +0x80000) and [0xff000, +0x2000) overlap");
}

static void test_overlap(void **state)
{
	(void)state;
	overlap_rejected(KVMRUN_MEM_STACK, KVMRUN_MEM_KERNEL);
	overlap_rejected(KVMRUN_MEM_KERNEL, KVMRUN_MEM_STACK);
	overlap_rejected(KVMRUN_MEM_STACK, KVMRUN_MEM_PAGE_TABLES);
	overlap_rejected(KVMRUN_MEM_START_INFO, KVMRUN_MEM_START_INFO);
}

static void test_overlap_same_base(void **state)
{
	struct guest_mem m = layout(64 * MIB);
	const struct mem_claim c[] = {
		{ 0x10000, 0x1000, 0, KVMRUN_MEM_PAGE_TABLES },
		{ 0x10000, 0x1000, 0, KVMRUN_MEM_GDT },
	};
	struct kvmrun_mem_entry out[16];
	unsigned n;
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(memory_map_build(&m, c, 2, out, 16, &n, err, sizeof err), -1);
	assert_contains(err, "overlap");
}

static void outside(const struct guest_mem *m, uint64_t base, uint64_t size, const char *why)
{
	const struct mem_claim c[] = {
		{ 0, PAGE, 0, KVMRUN_MEM_RESERVED },
		{ base, size, 0, KVMRUN_MEM_KERNEL },
	};
	struct kvmrun_mem_entry out[16];
	unsigned n;
	char err[ERRLEN] = "";

	if (memory_map_build(m, c, 2, out, 16, &n, err, sizeof err) != -1)
		fail_msg("claim [0x%llx, +0x%llx) accepted", (unsigned long long)base,
			 (unsigned long long)size);
	assert_contains(err, why);
}

static void test_outside_ram(void **state)
{
	struct guest_mem small = layout(64 * MIB);
	struct guest_mem big = layout(5 * GIB);

	(void)state;
	outside(&small, 64 * MIB, PAGE, "memory range [0x4000000, +0x1000) is not inside guest RAM");
	outside(&small, 64 * MIB - PAGE, 2 * PAGE, "memory range [0x3fff000, +0x2000) is not inside guest RAM");
	outside(&small, 4 * GIB, PAGE, "memory range [0x100000000, +0x1000) is not inside guest RAM");
	/* In the MMIO hole, straddling into it, straddling out of it. */
	outside(&big, 0xd0000000, PAGE, "memory range [0xd0000000, +0x1000) is not inside guest RAM");
	outside(&big, 3 * GIB - PAGE, 2 * PAGE, "memory range [0xbffff000, +0x2000) is not inside guest RAM");
	outside(&big, 4 * GIB - PAGE, 2 * PAGE, "memory range [0xfffff000, +0x2000) is not inside guest RAM");
	outside(&big, 6 * GIB - PAGE, 2 * PAGE, "not inside guest RAM");
	outside(&big, 6 * GIB, PAGE, "not inside guest RAM");
}

static void test_max_entries(void **state)
{
	struct guest_mem m = layout(64 * MIB);
	const struct mem_claim c[] = {
		{ 0x1000, 0x1000, RO, KVMRUN_MEM_GDT },
		{ 0x3000, 0x1000, RO, KVMRUN_MEM_START_INFO },
	};
	/* FREE, GDT, FREE, START_INFO, FREE: five entries. */
	struct kvmrun_mem_entry out[5];
	unsigned n;
	char err[ERRLEN] = "";

	(void)state;
	for (unsigned max = 0; max < 5; max++) {
		err[0] = '\0';
		assert_int_equal(memory_map_build(&m, c, 2, out, max, &n, err, sizeof err), -1);
		char want[64];
		snprintf(want, sizeof want, "memory map needs more than %u entries", max);
		assert_contains(err, want);
	}
	assert_int_equal(memory_map_build(&m, c, 2, out, 5, &n, err, sizeof err), 0);
	assert_int_equal(n, 5);
	check_coverage(&m, out, n);
}

static void test_too_many_claims(void **state)
{
	struct guest_mem m = layout(64 * MIB);
	struct mem_claim c[KVMRUN_MAX_MEM_ENTRIES + 1];
	struct kvmrun_mem_entry out[KVMRUN_MAX_MEM_ENTRIES];
	unsigned n;
	char err[ERRLEN] = "";

	(void)state;
	for (unsigned i = 0; i < KVMRUN_MAX_MEM_ENTRIES + 1; i++)
		c[i] = (struct mem_claim){ (uint64_t)(2 * i + 1) * PAGE, PAGE, 0, KVMRUN_MEM_KERNEL };
	assert_int_equal(memory_map_build(&m, c, KVMRUN_MAX_MEM_ENTRIES + 1, out,
					  KVMRUN_MAX_MEM_ENTRIES, &n, err, sizeof err), -1);
	assert_contains(err, "too many memory ranges (65)");
	/* 64 claims with gaps need 129 entries: too many for the map. */
	assert_int_equal(memory_map_build(&m, c, KVMRUN_MAX_MEM_ENTRIES, out,
					  KVMRUN_MAX_MEM_ENTRIES, &n, err, sizeof err), -1);
	assert_contains(err, "memory map needs more than 64 entries");
}

static void test_5g_two_ranges(void **state)
{
	struct guest_mem m = layout(5 * GIB);
	const struct mem_claim c[] = {
		{ 4 * GIB + 0x200000, 0x1000, 0, KVMRUN_MEM_KERNEL },
		{ 0, PAGE, 0, KVMRUN_MEM_RESERVED },
		{ 0x100000, 0x1000, RO | EX, KVMRUN_MEM_KERNEL },
	};
	struct kvmrun_mem_entry out[16];
	unsigned n;
	char err[ERRLEN] = "";

	(void)state;
	if (memory_map_build(&m, c, 3, out, 16, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 7);
	expect(&out[0], 0, PAGE, 0, KVMRUN_MEM_RESERVED);
	expect(&out[1], PAGE, 0x100000 - PAGE, 0, KVMRUN_MEM_FREE);
	expect(&out[2], 0x100000, 0x1000, RO | EX, KVMRUN_MEM_KERNEL);
	expect(&out[3], 0x101000, 3 * GIB - 0x101000, 0, KVMRUN_MEM_FREE);
	expect(&out[4], 4 * GIB, 0x200000, 0, KVMRUN_MEM_FREE);
	expect(&out[5], 4 * GIB + 0x200000, 0x1000, 0, KVMRUN_MEM_KERNEL);
	expect(&out[6], 4 * GIB + 0x201000, 2 * GIB - 0x201000, 0, KVMRUN_MEM_FREE);

	/* Nothing claimed above 4 GiB: high RAM is one FREE entry. */
	if (memory_map_build(&m, c + 1, 2, out, 16, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 5);
	expect(&out[4], 4 * GIB, 2 * GIB, 0, KVMRUN_MEM_FREE);

	/* A claim filling low RAM to the hole. */
	const struct mem_claim d[] = { { 3 * GIB - PAGE, PAGE, 0, KVMRUN_MEM_STACK } };
	if (memory_map_build(&m, d, 1, out, 16, &n, err, sizeof err) != 0)
		fail_msg("memory_map_build: %s", err);
	check_coverage(&m, out, n);
	assert_int_equal(n, 3);
	expect(&out[1], 3 * GIB - PAGE, PAGE, 0, KVMRUN_MEM_STACK);
	expect(&out[2], 4 * GIB, 2 * GIB, 0, KVMRUN_MEM_FREE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_with_gaps),
		cmocka_unit_test(test_no_claims),
		cmocka_unit_test(test_claims_at_edges),
		cmocka_unit_test(test_kernel_merge),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_overlap_same_base),
		cmocka_unit_test(test_outside_ram),
		cmocka_unit_test(test_max_entries),
		cmocka_unit_test(test_too_many_claims),
		cmocka_unit_test(test_5g_two_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
