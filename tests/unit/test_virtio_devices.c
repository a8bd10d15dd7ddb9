/* virtio/device_table.c: which MMIO accesses reach which device, the device map
 * start_info gives the guest, and the interrupt lines. */
#include "unit.h"

#include <kvmrun/start_info.h>

#include "../../monitor/start_info_build.h"
#include "virtio_test_driver.h"

static void test_map(void **state)
{
	struct kvmrun_dev_entry map[VIRTIO_DEVICE_COUNT];

	(void)state;
	virtio_devices_map(map);
	assert_int_equal(VIRTIO_DEVICE_COUNT, 3);
	assert_int_equal(map[0].base, 0xd0000000);
	assert_int_equal(map[0].size, 0x200);
	assert_int_equal(map[0].irq, 5);
	assert_int_equal(map[1].base, 0xd0001000);
	assert_int_equal(map[1].size, 0x200);
	assert_int_equal(map[1].irq, 6);
	assert_int_equal(map[2].base, 0xd0002000); /* the standard error console */
	assert_int_equal(map[2].irq, 7);
	/* The windows lie in the MMIO hole, below the IOAPIC. */
	assert_true(map[0].base >= KVMRUN_MMIO_HOLE_START);
	assert_true(map[2].base + map[2].size <= KVMRUN_IOAPIC_BASE);
}

static void test_start_info_devices(void **state)
{
	struct kvmrun_dev_entry map[KVMRUN_MAX_DEV_ENTRIES + 1];
	char err[256] = "";

	(void)state;
	virtio_devices_map(map);
	assert_int_equal(start_info_add_devices(&td.mem, map, VIRTIO_DEVICE_COUNT, err, sizeof err), 0);
	const struct kvmrun_start_info *si =
		td_ptr(KVMRUN_START_INFO_ADDR, sizeof(struct kvmrun_start_info));
	assert_int_equal(si->dev_count, 3);
	assert_memory_equal(si->dev, map, 3 * sizeof map[0]);
	for (unsigned i = 3; i < KVMRUN_MAX_DEV_ENTRIES; i++)
		assert_int_equal(si->dev[i].base | si->dev[i].size | si->dev[i].irq, 0);
	/* Nothing else in start_info changes. */
	assert_int_equal(si->magic, 0);
	assert_int_equal(si->mem_count, 0);

	memset(map, 0x11, sizeof map);
	assert_int_equal(start_info_add_devices(&td.mem, map, KVMRUN_MAX_DEV_ENTRIES + 1, err,
						sizeof err), -1);
	assert_string_equal(err, "too many devices for start_info: 9 (at most 8)");
	assert_int_equal(start_info_add_devices(&td.mem, map, 0, err, sizeof err), 0);
	assert_int_equal(si->dev_count, 0);
	assert_int_equal(si->dev[0].base, 0);
}

static bool mmio(uint64_t gpa, uint32_t len)
{
	uint8_t data[8] = { 0 };
	char why[64];
	return mmio_regions_access(&td.regions, gpa, data, len, false, why, sizeof why) ==
	       MMIO_SERVED;
}

static void test_windows(void **state)
{
	const uint64_t base = KVMRUN_VIRTIO_MMIO_BASE, stride = KVMRUN_VIRTIO_MMIO_STRIDE;

	(void)state;
	/* Each window answers with its own device. */
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_ENTROPY);
	/* First and last bytes of each window. */
	for (unsigned d = 0; d < 2; d++) {
		assert_true(mmio(base + d * stride, 4));
		assert_true(mmio(base + d * stride + 0x1ff, 1));
		assert_true(mmio(base + d * stride + 0x1f8, 8));
	}
	/* Not a device's: before, between, after the windows, across an end. */
	static const struct { uint64_t gpa; uint32_t len; } outside[] = {
		{ 0xcffffffc, 4 }, { 0xcfffffff, 1 }, { 0xcffffffc, 8 },
		{ 0xd0000200, 4 }, { 0xd00001fc, 8 }, { 0xd00001ff, 2 }, { 0xd0000ffc, 4 },
		{ 0xd0001200, 1 }, { 0xd0002200, 4 }, { 0xd0003000, 4 }, { 0xfec00000, 4 },
		{ 0, 4 }, { 0x100000000ull, 4 }, { UINT64_MAX, 1 }, { UINT64_MAX - 3, 4 },
		{ 0xd0000000ull + 0x100000000ull, 4 },
	};
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++)
		if (mmio(outside[i].gpa, outside[i].len))
			fail_msg("0x%llx len %u served", (unsigned long long)outside[i].gpa,
				 outside[i].len);
	/* Lengths KVM never gives. */
	assert_false(mmio(base, 0));
	assert_false(mmio(base, 9));
	assert_false(mmio(base, UINT32_MAX));
}

static void test_irq_lines(void **state)
{
	(void)state;
	virtio_dev_interrupt(td_dev(TD_CONSOLE), VIRTIO_MMIO_INT_VRING);
	assert_int_equal(td.irq_line, KVMRUN_VIRTIO_IRQ_BASE);
	virtio_dev_interrupt(td_dev(TD_RNG), VIRTIO_MMIO_INT_VRING);
	assert_int_equal(td.irq_line, KVMRUN_VIRTIO_IRQ_BASE + 1);
	assert_int_equal(td.irqs, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_start_info_devices, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_windows, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_irq_lines, td_fixture_setup, td_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
