/* mmio_regions.c: the MMIO exits' table. Which access reaches which region,
 * at which offset; what is nobody's; what the table refuses to hold. */
#include "unit.h"

#include "../../monitor/mmio_regions.h"

struct seen {
	unsigned calls;
	uint64_t offset;
	uint32_t len;
	bool is_write;
};

static int record(void *ctx, uint64_t offset, uint8_t *data, uint32_t len, bool is_write,
		  char *why, size_t whylen)
{
	struct seen *s = ctx;
	s->calls++;
	s->offset = offset;
	s->len = len;
	s->is_write = is_write;
	if (!is_write)
		memset(data, 0x5a, len);
	(void)why;
	(void)whylen;
	return 0;
}

static int refuse(void *ctx, uint64_t offset, uint8_t *data, uint32_t len, bool is_write,
		  char *why, size_t whylen)
{
	(void)ctx;
	(void)data;
	(void)len;
	(void)is_write;
	snprintf(why, whylen, "refused at 0x%llx", (unsigned long long)offset);
	return -1;
}

static struct seen low, high;
static struct mmio_regions table;

static int setup(void **state)
{
	char err[128];

	(void)state;
	memset(&low, 0, sizeof low);
	memset(&high, 0, sizeof high);
	mmio_regions_init(&table);
	/* Entered out of order: the table sorts them. */
	const struct mmio_region h = { "high", 0xfec00000, 0x1000, record, &high };
	const struct mmio_region l = { "low", 0xd0000000, 0x200, record, &low };
	const struct mmio_region bad = { "bad", 0xd0001000, 0x100, refuse, NULL };
	assert_int_equal(mmio_regions_add(&table, &h, err, sizeof err), 0);
	assert_int_equal(mmio_regions_add(&table, &l, err, sizeof err), 0);
	assert_int_equal(mmio_regions_add(&table, &bad, err, sizeof err), 0);
	assert_int_equal(table.count, 3);
	assert_string_equal(table.region[0].name, "low");
	assert_string_equal(table.region[2].name, "high");
	return 0;
}

static enum mmio_result access(uint64_t gpa, uint32_t len, bool is_write, char *why)
{
	uint8_t data[8] = { 0 };
	return mmio_regions_access(&table, gpa, data, len, is_write, why, 128);
}

static void test_routes_by_address(void **state)
{
	char why[128] = "";
	uint8_t data[8] = { 0 };

	(void)state;
	assert_int_equal(mmio_regions_access(&table, 0xd0000010, data, 4, false, why, sizeof why),
			 MMIO_SERVED);
	assert_int_equal(low.calls, 1);
	assert_int_equal(low.offset, 0x10);
	assert_int_equal(low.len, 4);
	assert_false(low.is_write);
	assert_memory_equal(data, "\x5a\x5a\x5a\x5a\0\0\0\0", 8);

	assert_int_equal(access(0xfec00ff8, 8, true, why), MMIO_SERVED);
	assert_int_equal(high.calls, 1);
	assert_int_equal(high.offset, 0xff8);
	assert_true(high.is_write);
	/* First and last byte of a region. */
	assert_int_equal(access(0xd0000000, 1, false, why), MMIO_SERVED);
	assert_int_equal(access(0xd00001ff, 1, false, why), MMIO_SERVED);
	assert_int_equal(low.calls, 3);
	assert_int_equal(low.offset, 0x1ff);
}

static void test_nobodys(void **state)
{
	static const struct { uint64_t gpa; uint32_t len; } outside[] = {
		{ 0xcfffffff, 1 }, { 0xcffffffc, 8 }, /* before, and across the start */
		{ 0xd00001fc, 8 }, { 0xd00001ff, 2 }, /* across the end */
		{ 0xd0000200, 4 }, { 0xd0000fff, 1 }, /* between */
		{ 0xfec01000, 4 }, { 0, 4 }, { UINT64_MAX, 1 }, { UINT64_MAX - 3, 4 },
		{ 0xd0000000ull + (1ull << 32), 4 },
	};
	char why[128];

	(void)state;
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++)
		for (int w = 0; w < 2; w++)
			if (access(outside[i].gpa, outside[i].len, w, why) != MMIO_UNHANDLED)
				fail_msg("0x%llx len %u served", (unsigned long long)outside[i].gpa,
					 outside[i].len);
	/* Lengths KVM never gives. */
	assert_int_equal(access(0xd0000000, 0, false, why), MMIO_UNHANDLED);
	assert_int_equal(access(0xd0000000, 9, false, why), MMIO_UNHANDLED);
	assert_int_equal(access(0xd0000000, UINT32_MAX, false, why), MMIO_UNHANDLED);
	assert_int_equal(low.calls + high.calls, 0);
}

static void test_handler_refuses(void **state)
{
	char why[128] = "";

	(void)state;
	assert_int_equal(access(0xd0001004, 4, true, why), MMIO_GUEST_ERROR);
	assert_string_equal(why, "refused at 0x4");
}

static void test_table_refuses(void **state)
{
	char err[128];

	(void)state;
	const struct mmio_region cases[] = {
		{ "into low", 0xd00001ff, 2, record, NULL },
		{ "over low", 0xcffff000, 0x2000, record, NULL },
		{ "inside high", 0xfec00800, 4, record, NULL },
		{ "same", 0xd0000000, 0x200, record, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(mmio_regions_add(&table, &cases[i], err, sizeof err), -1);
		assert_contains(err, "overlaps");
	}
	const struct mmio_region empty = { "empty", 0x1000, 0, record, NULL };
	assert_int_equal(mmio_regions_add(&table, &empty, err, sizeof err), -1);
	assert_contains(err, "empty or wraps");
	const struct mmio_region wraps = { "wraps", UINT64_MAX - 0xff, 0x200, record, NULL };
	assert_int_equal(mmio_regions_add(&table, &wraps, err, sizeof err), -1);
	assert_int_equal(table.count, 3);
	/* Touching is not overlapping; then the table fills up. */
	for (unsigned i = 0; table.count < MMIO_REGIONS_MAX; i++) {
		const struct mmio_region r = { "page", 0x10000000 + i * 0x1000ull, 0x1000, record, NULL };
		assert_int_equal(mmio_regions_add(&table, &r, err, sizeof err), 0);
	}
	const struct mmio_region one_more = { "one more", 0x1000, 0x1000, record, NULL };
	assert_int_equal(mmio_regions_add(&table, &one_more, err, sizeof err), -1);
	assert_contains(err, "table full");
	for (unsigned i = 1; i < table.count; i++)
		assert_true(table.region[i - 1].base + table.region[i - 1].size <= table.region[i].base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_routes_by_address, setup),
		cmocka_unit_test_setup(test_nobodys, setup),
		cmocka_unit_test_setup(test_handler_refuses, setup),
		cmocka_unit_test_setup(test_table_refuses, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
