/* include/kvmrun/machine_layout.h: the guest-physical map holds together.
 * Each piece lies where its comment puts it, and none overlaps another. */
#include "unit.h"

#include <kvmrun/machine_layout.h>
#include <kvmrun/start_info.h>
#include <kvmrun/virtio_mmio.h>

struct piece {
	const char *name;
	uint64_t base, size;
};

/* Every fixed piece, in address order. RAM above the boot area is not one:
 * it takes what is left below the hole and above 4 GiB. */
static const struct piece pieces[] = {
	{ "null page", 0, KVMRUN_GDT_ADDR },
	{ "GDT", KVMRUN_GDT_ADDR, 0x1000 },
	{ "start_info", KVMRUN_START_INFO_ADDR, KVMRUN_START_INFO_SIZE },
	{ "page tables", KVMRUN_PAGE_TABLES_ADDR, KVMRUN_STACK_BASE - KVMRUN_PAGE_TABLES_ADDR },
	{ "stack", KVMRUN_STACK_BASE, KVMRUN_STACK_TOP - KVMRUN_STACK_BASE },
	{ "device windows", KVMRUN_VIRTIO_MMIO_BASE,
	  (uint64_t)KVMRUN_MAX_DEV_ENTRIES * KVMRUN_VIRTIO_MMIO_STRIDE },
	{ "IOAPIC", KVMRUN_IOAPIC_BASE, KVMRUN_IOAPIC_SIZE },
	{ "local APIC", KVMRUN_LAPIC_BASE, 0x1000 },
	{ "identity-map page", KVMRUN_IDENTITY_MAP_ADDR, 0x1000 },
	{ "TSS", KVMRUN_TSS_ADDR, KVMRUN_TSS_SIZE },
};

static void test_pieces_in_order_without_overlap(void **state)
{
	(void)state;
	for (size_t i = 1; i < sizeof pieces / sizeof pieces[0]; i++)
		if (pieces[i - 1].base + pieces[i - 1].size > pieces[i].base)
			fail_msg("%s [0x%llx, +0x%llx) runs into %s at 0x%llx", pieces[i - 1].name,
				 (unsigned long long)pieces[i - 1].base,
				 (unsigned long long)pieces[i - 1].size, pieces[i].name,
				 (unsigned long long)pieces[i].base);
}

static void test_boot_area_and_hole(void **state)
{
	(void)state;
	/* The boot area's pieces end at its end; the app starts there. */
	assert_true(KVMRUN_STACK_TOP <= KVMRUN_BOOT_AREA_END);
	assert_true(KVMRUN_BOOT_AREA_END < KVMRUN_MMIO_HOLE_START);
	/* Everything else KVM and kvmrun place lies in the hole, below 4 GiB
	 * (api.rst wants the TSS and identity map there). */
	for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
		if (pieces[i].base < KVMRUN_BOOT_AREA_END)
			continue;
		assert_true(pieces[i].base >= KVMRUN_MMIO_HOLE_START);
		assert_true(pieces[i].base + pieces[i].size <= KVMRUN_HIGH_RAM_START);
	}
	assert_int_equal(KVMRUN_HIGH_RAM_START, 1ull << 32);
	/* One register file fits each device's stride; pages stay apart. */
	assert_true(VIRTIO_MMIO_WINDOW_SIZE <= KVMRUN_VIRTIO_MMIO_STRIDE);
	assert_int_equal(KVMRUN_VIRTIO_MMIO_STRIDE % 0x1000, 0);
	/* start_info's area holds the structure and some argv strings. */
	assert_true(sizeof(struct kvmrun_start_info) < KVMRUN_START_INFO_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pieces_in_order_without_overlap),
		cmocka_unit_test(test_boot_area_and_hole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
