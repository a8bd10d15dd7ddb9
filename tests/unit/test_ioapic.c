/* ioapic.c: the guest's IOAPIC, driven as the guest would, through
 * IOREGSEL/IOWIN, with the MSIs it sends and the routes it reports
 * recorded instead of reaching KVM. */
#include "unit.h"

#include <string.h>

#include "../../monitor/ioapic.h"

#define MAX_SENT 16

static struct {
	struct ioapic io;
	struct ioapic_msi sent[MAX_SENT];
	unsigned nsent;
	unsigned route_updates;
	bool level[IOAPIC_PINS];
	struct ioapic_msi route[IOAPIC_PINS];
} t;

static void record_msi(void *ctx, struct ioapic_msi msi)
{
	(void)ctx;
	if (t.nsent < MAX_SENT)
		t.sent[t.nsent] = msi;
	t.nsent++;
}

static void record_routes(void *ctx, const bool level[IOAPIC_PINS],
			  const struct ioapic_msi msi[IOAPIC_PINS])
{
	(void)ctx;
	t.route_updates++;
	memcpy(t.level, level, sizeof t.level);
	memcpy(t.route, msi, sizeof t.route);
}

static int setup(void **state)
{
	(void)state;
	memset(&t, 0, sizeof t);
	ioapic_init(&t.io, (struct ioapic_ops){ .deliver = record_msi,
						.level_pins_changed = record_routes });
	return 0;
}

static int access32(uint64_t offset, uint32_t *value, bool is_write)
{
	char why[256] = "";
	uint8_t data[8];

	memcpy(data, value, 4);
	int rc = ioapic_mmio(&t.io, offset, data, 4, is_write, why, sizeof why);
	if (!is_write)
		memcpy(value, data, 4);
	return rc;
}

static uint32_t reg_read(uint32_t reg)
{
	uint32_t value = 0;
	assert_int_equal(access32(IOAPIC_REG_SELECT, &reg, true), 0);
	assert_int_equal(access32(IOAPIC_REG_WINDOW, &value, false), 0);
	return value;
}

static int reg_write(uint32_t reg, uint32_t value)
{
	assert_int_equal(access32(IOAPIC_REG_SELECT, &reg, true), 0);
	return access32(IOAPIC_REG_WINDOW, &value, true);
}

/* Program pin's entry: high word (destination) first, then low. */
static void program(unsigned pin, uint64_t rte)
{
	assert_int_equal(reg_write(0x11 + 2 * pin, (uint32_t)(rte >> 32)), 0);
	assert_int_equal(reg_write(0x10 + 2 * pin, (uint32_t)rte), 0);
}

static void test_identity_registers(void **state)
{
	(void)state;
	/* Version 0x11, 24 entries (maximum redirection entry 23). */
	assert_int_equal(reg_read(0x01), 0x00170011);
	assert_int_equal(reg_read(0x00), 0);
	assert_int_equal(reg_write(0x00, 0xffffffff), 0);
	assert_int_equal(reg_read(0x00), 0x0f000000); /* only the 4-bit ID is writable */
	assert_int_equal(reg_read(0x02), 0x0f000000);
	assert_int_equal(reg_write(0x01, 0), 0);      /* read-only: ignored */
	assert_int_equal(reg_read(0x01), 0x00170011);
	assert_int_equal(reg_read(0x03), 0);          /* reserved */
	assert_int_equal(reg_read(0x40), 0);          /* past the table */
	uint32_t sel = 0x12345;
	assert_int_equal(access32(IOAPIC_REG_SELECT, &sel, true), 0);
	assert_int_equal(access32(IOAPIC_REG_SELECT, &sel, false), 0);
	assert_int_equal(sel, 0x45); /* IOREGSEL keeps 8 bits */
}

static void test_entries_start_masked_and_read_back(void **state)
{
	(void)state;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		assert_int_equal(reg_read(0x10 + 2 * pin), IOAPIC_RTE_MASKED);
		assert_int_equal(reg_read(0x11 + 2 * pin), 0);
	}
	program(5, 0x03ull << 56 | IOAPIC_RTE_DEST_LOGICAL | 0x41);
	assert_int_equal(reg_read(0x10 + 10), IOAPIC_RTE_DEST_LOGICAL | 0x41);
	assert_int_equal(reg_read(0x11 + 10), 0x03000000);
	/* The guest cannot set remote IRR or delivery status. */
	assert_int_equal(reg_write(0x10 + 10, 0x41 | IOAPIC_RTE_REMOTE_IRR |
				   IOAPIC_RTE_DELIVERY_STATUS | IOAPIC_RTE_MASKED), 0);
	assert_int_equal(reg_read(0x10 + 10), 0x41 | IOAPIC_RTE_MASKED);
}

static void test_masked_pins_deliver_nothing(void **state)
{
	(void)state;
	for (uint32_t pin = 0; pin < IOAPIC_PINS + 8; pin++)
		ioapic_raise(&t.io, pin);
	assert_int_equal(t.nsent, 0);
}

static void test_edge_pin_sends_one_msi_per_interrupt(void **state)
{
	(void)state;
	program(5, 0x02ull << 56 | 0x40);
	ioapic_raise(&t.io, 5);
	ioapic_raise(&t.io, 5);
	assert_int_equal(t.nsent, 2);
	/* Physical destination 2, fixed delivery, vector 0x40, edge. */
	assert_int_equal(t.sent[0].address, 0xfee02000);
	assert_int_equal(t.sent[0].data, 0x40);
	/* Edge pins need no EOI route. */
	assert_int_equal(t.route_updates, 0);
}

static void test_edge_interrupt_while_masked_is_lost(void **state)
{
	(void)state;
	program(6, 0x40 | IOAPIC_RTE_MASKED);
	ioapic_raise(&t.io, 6);
	program(6, 0x40);
	assert_int_equal(t.nsent, 0);
	ioapic_raise(&t.io, 6);
	assert_int_equal(t.nsent, 1);
}

static void test_msi_encodings(void **state)
{
	(void)state;
	struct ioapic_msi m = ioapic_msi_of(0xffull << 56 | IOAPIC_RTE_DEST_LOGICAL | 1u << 8 | 0x31);
	assert_int_equal(m.address, 0xfeeff004); /* logical destination 0xff */
	assert_int_equal(m.data, 0x131);         /* lowest priority, vector 0x31 */
	m = ioapic_msi_of(IOAPIC_RTE_LEVEL | 0x50);
	assert_int_equal(m.data, 0xc050);        /* level, asserted */
	m = ioapic_msi_of(4u << 8);
	assert_int_equal(m.data, 0x400);         /* NMI */
}

static void test_level_pin_waits_for_eoi(void **state)
{
	(void)state;
	program(5, IOAPIC_RTE_LEVEL | 0x50);
	assert_int_equal(t.route_updates, 1);
	assert_true(t.level[5]);
	assert_false(t.level[6]);
	assert_int_equal(t.route[5].data, 0xc050);

	ioapic_raise(&t.io, 5);
	assert_int_equal(t.nsent, 1);
	assert_int_equal(t.sent[0].data, 0xc050);
	assert_int_equal(reg_read(0x10 + 10) & IOAPIC_RTE_REMOTE_IRR, IOAPIC_RTE_REMOTE_IRR);

	/* Raised again before the EOI: held until it comes. */
	ioapic_raise(&t.io, 5);
	ioapic_raise(&t.io, 5);
	assert_int_equal(t.nsent, 1);
	ioapic_eoi(&t.io, 0x51); /* another vector's EOI changes nothing */
	assert_int_equal(t.nsent, 1);
	ioapic_eoi(&t.io, 0x50);
	assert_int_equal(t.nsent, 2); /* the held interrupt, once */
	ioapic_eoi(&t.io, 0x50);
	assert_int_equal(t.nsent, 2);
	assert_int_equal(reg_read(0x10 + 10) & IOAPIC_RTE_REMOTE_IRR, 0);
}

static void test_level_pin_raised_while_masked_goes_out_on_unmask(void **state)
{
	(void)state;
	program(7, IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | 0x60);
	ioapic_raise(&t.io, 7);
	assert_int_equal(t.nsent, 0);
	program(7, IOAPIC_RTE_LEVEL | 0x60);
	assert_int_equal(t.nsent, 1);
	assert_int_equal(t.sent[0].data, 0xc060);
}

static void test_switching_to_edge_forgets_level_state(void **state)
{
	(void)state;
	program(5, IOAPIC_RTE_LEVEL | 0x50);
	ioapic_raise(&t.io, 5);
	ioapic_raise(&t.io, 5); /* held */
	program(5, 0x50);       /* now edge: no remote IRR, nothing held */
	assert_int_equal(reg_read(0x10 + 10), 0x50);
	assert_int_equal(t.route_updates, 2);
	assert_false(t.level[5]);
	ioapic_eoi(&t.io, 0x50);
	assert_int_equal(t.nsent, 1);
}

static void test_routes_reported_only_when_level_pins_change(void **state)
{
	(void)state;
	program(5, 0x40);
	program(5, 0x41);
	assert_int_equal(t.route_updates, 0);
	program(9, IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | 0x70);
	assert_int_equal(t.route_updates, 1);
	program(9, IOAPIC_RTE_LEVEL | 0x70); /* unmasking: same route */
	assert_int_equal(t.route_updates, 1);
	program(9, IOAPIC_RTE_LEVEL | 0x71);
	assert_int_equal(t.route_updates, 2);
	assert_int_equal(t.route[9].data, 0xc071);
}

static void test_refused_delivery_modes(void **state)
{
	(void)state;
	static const struct { unsigned mode; const char *name; } refused[] = {
		{ 2, "SMI" }, { 3, "reserved" }, { 5, "INIT" }, { 6, "reserved" }, { 7, "ExtINT" },
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		uint32_t low = refused[i].mode << 8 | 0x40;
		/* Masked, any mode may be written ... */
		assert_int_equal(reg_write(0x10, low | IOAPIC_RTE_MASKED), 0);
		/* ... unmasked, the guest is stopped with the reason. */
		char why[256] = "", want[64];
		uint32_t reg = 0x10;
		uint8_t data[4];
		memcpy(data, &low, 4);
		assert_int_equal(access32(IOAPIC_REG_SELECT, &reg, true), 0);
		assert_int_equal(ioapic_mmio(&t.io, IOAPIC_REG_WINDOW, data, 4, true, why, sizeof why), -1);
		snprintf(want, sizeof want, "pin 0 unmasked with delivery mode %u (%s)", refused[i].mode,
			 refused[i].name);
		assert_contains(why, want);
		assert_int_equal(reg_read(0x10) & IOAPIC_RTE_MASKED, IOAPIC_RTE_MASKED);
	}
	program(0, 4u << 8 | 0x02); /* NMI is fine */
	ioapic_raise(&t.io, 0);
	assert_int_equal(t.sent[0].data, 0x402);
}

static void test_bad_accesses_are_guest_errors(void **state)
{
	(void)state;
	static const struct { uint64_t offset; uint32_t len; } bad[] = {
		{ 0x00, 1 }, { 0x00, 2 }, { 0x00, 8 }, { 0x10, 1 }, { 0x10, 8 }, { 0x04, 4 },
		{ 0x20, 4 }, { 0x40, 4 }, { 0x11, 4 }, { 0xffc, 4 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (int w = 0; w < 2; w++) {
			uint8_t data[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
			char why[256] = "", want[96];
			assert_int_equal(ioapic_mmio(&t.io, bad[i].offset, data, bad[i].len, w, why,
						     sizeof why), -1);
			snprintf(want, sizeof want, "IOAPIC: %u-byte %s at offset 0x%llx", bad[i].len,
				 w ? "write" : "read", (unsigned long long)bad[i].offset);
			assert_contains(why, want);
		}
	}
	/* Nothing changed. */
	assert_int_equal(reg_read(0x10), IOAPIC_RTE_MASKED);
	assert_int_equal(t.nsent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_identity_registers, setup),
		cmocka_unit_test_setup(test_entries_start_masked_and_read_back, setup),
		cmocka_unit_test_setup(test_masked_pins_deliver_nothing, setup),
		cmocka_unit_test_setup(test_edge_pin_sends_one_msi_per_interrupt, setup),
		cmocka_unit_test_setup(test_edge_interrupt_while_masked_is_lost, setup),
		cmocka_unit_test_setup(test_msi_encodings, setup),
		cmocka_unit_test_setup(test_level_pin_waits_for_eoi, setup),
		cmocka_unit_test_setup(test_level_pin_raised_while_masked_goes_out_on_unmask, setup),
		cmocka_unit_test_setup(test_switching_to_edge_forgets_level_state, setup),
		cmocka_unit_test_setup(test_routes_reported_only_when_level_pins_change, setup),
		cmocka_unit_test_setup(test_refused_delivery_modes, setup),
		cmocka_unit_test_setup(test_bad_accesses_are_guest_errors, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
