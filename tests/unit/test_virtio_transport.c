/* virtio/transport.c: the virtio-mmio register file (virtio 1.2 §4.2.2),
 * status and feature negotiation, queue set-up and its checks. */
#include "unit.h"

#include <fcntl.h>
#include <unistd.h>

#include "virtio_test_driver.h"

#define ACK VIRTIO_STATUS_ACKNOWLEDGE
#define DRV VIRTIO_STATUS_DRIVER
#define FOK VIRTIO_STATUS_FEATURES_OK
#define DOK VIRTIO_STATUS_DRIVER_OK
#define NEEDS_RESET VIRTIO_STATUS_DEVICE_NEEDS_RESET

static void test_identity(void **state)
{
	(void)state;
	for (unsigned d = 0; d < 2; d++) {
		assert_int_equal(td_read(d, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
		assert_int_equal(td_read(d, VIRTIO_MMIO_VERSION), 2);
		assert_int_equal(td_read(d, VIRTIO_MMIO_VENDOR_ID), 0x4b564d52);
		assert_int_equal(td_read(d, VIRTIO_MMIO_STATUS), 0);
		assert_int_equal(td_read(d, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
		assert_int_equal(td_read(d, VIRTIO_MMIO_CONFIG_GENERATION), 0);
	}
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_DEVICE_ID), 3);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_DEVICE_ID), 4);
}

static void test_device_features_windows(void **state)
{
	static const struct { uint32_t sel, bits; } windows[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 0 }, { 3, 0 }, { 0x80000000u, 0 }, { 0xffffffffu, 0 }, { 1, 1 },
	};

	(void)state;
	for (unsigned d = 0; d < 2; d++)
		for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
			td_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, windows[i].sel);
			assert_int_equal(td_read(d, VIRTIO_MMIO_DEVICE_FEATURES), windows[i].bits);
		}
}

/* Offer driver features window by window, then ask for FEATURES_OK. */
static uint32_t negotiate(unsigned dev, uint32_t low, uint32_t high, uint32_t sel2)
{
	td_write(dev, VIRTIO_MMIO_STATUS, 0);
	td_write(dev, VIRTIO_MMIO_STATUS, ACK);
	td_write(dev, VIRTIO_MMIO_STATUS, ACK | DRV);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, low);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, high);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, sel2);
	td_write(dev, VIRTIO_MMIO_STATUS, ACK | DRV | FOK);
	return td_read(dev, VIRTIO_MMIO_STATUS);
}

static void test_features_ok(void **state)
{
	(void)state;
	td_stderr_begin();
	for (unsigned d = 0; d < 2; d++) {
		/* VERSION_1 alone: accepted. */
		assert_int_equal(negotiate(d, 0, 1, 0), ACK | DRV | FOK);
		/* Without VERSION_1: refused, the bit does not stick. */
		assert_int_equal(negotiate(d, 0, 0, 0), ACK | DRV);
		/* Bits the device did not offer: console F_SIZE, F_MULTIPORT,
		 * EVENT_IDX (29), INDIRECT_DESC (28), bit 33, bit 64. */
		assert_int_equal(negotiate(d, 1u << 0, 1, 0), ACK | DRV);
		assert_int_equal(negotiate(d, 1u << 1, 1, 0), ACK | DRV);
		assert_int_equal(negotiate(d, 1u << 28, 1, 0), ACK | DRV);
		assert_int_equal(negotiate(d, 1u << 29, 1, 0), ACK | DRV);
		assert_int_equal(negotiate(d, 0, 3, 0), ACK | DRV);
		assert_int_equal(negotiate(d, 0, 1, 1), ACK | DRV);
		assert_int_equal(negotiate(d, 0, 0x80000001u, 0), ACK | DRV);
		/* Refused is not an error: no NEEDS_RESET. A retry with less works. */
		assert_int_equal(negotiate(d, 0, 1, 0), ACK | DRV | FOK);
	}
	assert_string_equal(td_stderr_end(), "");
}

static void test_features_fixed_after_features_ok(void **state)
{
	(void)state;
	assert_int_equal(negotiate(TD_RNG, 0, 1, 0), ACK | DRV | FOK);
	td_write(TD_RNG, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	td_write(TD_RNG, VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
	td_write(TD_RNG, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	td_write(TD_RNG, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	assert_int_equal(td_dev(TD_RNG)->driver_features, 1ull << 32);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_STATUS), ACK | DRV | FOK);
}

static void test_status_bits(void **state)
{
	(void)state;
	td_driver_start(TD_RNG);
	/* The driver cannot clear a bit but by writing 0. */
	td_write(TD_RNG, VIRTIO_MMIO_STATUS, ACK);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_STATUS), ACK | DRV | FOK);
	/* Nor set DEVICE_NEEDS_RESET or undefined bits. */
	td_write(TD_RNG, VIRTIO_MMIO_STATUS, ACK | DRV | FOK | NEEDS_RESET | 0x30 | 0xffffff00u);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_STATUS), ACK | DRV | FOK);
	td_driver_ok(TD_RNG);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK);
	/* FAILED sticks; the device is not live any more. */
	td_write(TD_RNG, VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK | VIRTIO_STATUS_FAILED);
	assert_false(virtio_dev_live(td_dev(TD_RNG)));
	td_write(TD_RNG, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_STATUS), 0);
}

static void test_driver_ok_without_features_ok(void **state)
{
	(void)state;
	td_stderr_begin();
	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS, ACK | DRV);
	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS, ACK | DRV | DOK);
	const char *err = td_stderr_end();
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_STATUS), ACK | DRV | NEEDS_RESET);
	assert_string_equal(err, "kvmrun: virtio-console: the driver set DRIVER_OK without "
			    "FEATURES_OK: device needs reset\n");
	/* DRIVER_OK was never set: no configuration interrupt. */
	assert_int_equal(td.irqs, 0);
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

static void test_queue_num_max(void **state)
{
	static const struct { unsigned dev; uint32_t sel, max; } cases[] = {
		{ TD_CONSOLE, 0, 256 }, { TD_CONSOLE, 1, 256 }, { TD_CONSOLE, 2, 0 },
		{ TD_CONSOLE, 0xffffffffu, 0 }, { TD_RNG, 0, 256 }, { TD_RNG, 1, 0 },
		{ TD_RNG, 0x10000, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		td_write(cases[i].dev, VIRTIO_MMIO_QUEUE_SEL, cases[i].sel);
		assert_int_equal(td_read(cases[i].dev, VIRTIO_MMIO_QUEUE_NUM_MAX), cases[i].max);
		assert_int_equal(td_read(cases[i].dev, VIRTIO_MMIO_QUEUE_READY), 0);
	}
}

/* A queue with these settings must be refused with this diagnostic. */
struct bad_queue {
	uint32_t size;
	uint64_t desc, avail, used;
	const char *why;
};

static void expect_refused(unsigned dev, unsigned index, const struct bad_queue *b)
{
	char want[512];

	td_driver_start(dev);
	td.irqs = 0;
	td_dev(dev)->reports = 0; /* many cases: stay under the limit */
	td_write(dev, VIRTIO_MMIO_QUEUE_SEL, index);
	td_write(dev, VIRTIO_MMIO_QUEUE_NUM, b->size);
	td_write(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)b->desc);
	td_write(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(b->desc >> 32));
	td_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)b->avail);
	td_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(b->avail >> 32));
	td_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)b->used);
	td_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(b->used >> 32));
	td_stderr_begin();
	td_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	/* A second try prints nothing more. */
	td_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	const char *err = td_stderr_end();
	snprintf(want, sizeof want, "kvmrun: %s: queue %u: %s: device needs reset\n",
		 dev == TD_RNG ? "virtio-rng" : "virtio-console", index, b->why);
	assert_string_equal(err, want);
	assert_int_equal(td_read(dev, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_true(td_needs_reset(dev));
	assert_int_equal(td.irqs, 0); /* before DRIVER_OK: no interrupt */
}

static void test_queue_ready_checks(void **state)
{
	const uint64_t top = TD_MEM_SIZE;
	const struct bad_queue cases[] = {
		{ 0, 0x10000, 0x11000, 0x12000, "queue size 0 is outside 1..256" },
		{ 512, 0x10000, 0x11000, 0x12000, "queue size 512 is outside 1..256" },
		{ 257, 0x10000, 0x11000, 0x12000, "queue size 257 is outside 1..256" },
		{ 0xffffffffu, 0x10000, 0x11000, 0x12000, "queue size 4294967295 is outside 1..256" },
		{ 3, 0x10000, 0x11000, 0x12000, "queue size 3 is not a power of two" },
		{ 96, 0x10000, 0x11000, 0x12000, "queue size 96 is not a power of two" },
		{ 16, 0x10008, 0x11000, 0x12000,
		  "descriptor table at 0x10008 is not 16-byte aligned" },
		{ 16, 0x10000, 0x11001, 0x12000, "available ring at 0x11001 is not 2-byte aligned" },
		{ 16, 0x10000, 0x11000, 0x12002, "used ring at 0x12002 is not 4-byte aligned" },
		{ 16, top, 0x11000, 0x12000,
		  "descriptor table [0x4000000,+0x100) is outside guest RAM" },
		/* Straddling the end of RAM: the start is RAM, the end is not. */
		{ 256, top - 0x800, 0x11000, 0x12000,
		  "descriptor table [0x3fff800,+0x1000) is outside guest RAM" },
		{ 256, 0x10000, top - 0x200, 0x12000,
		  "available ring [0x3fffe00,+0x206) is outside guest RAM" },
		{ 256, 0x10000, 0x11000, top - 0x800,
		  "used ring [0x3fff800,+0x806) is outside guest RAM" },
		/* In the MMIO hole, above 4 GiB, wrapping around 2^64. */
		{ 16, 0xd0000000, 0x11000, 0x12000,
		  "descriptor table [0xd0000000,+0x100) is outside guest RAM" },
		{ 16, 0x10000, 0x100000000ull, 0x12000,
		  "available ring [0x100000000,+0x26) is outside guest RAM" },
		{ 16, 0x10000, 0x11000, 0xfffffffffffffff0ull,
		  "used ring [0xfffffffffffffff0,+0x86) is outside guest RAM" },
		{ 16, 0xfffffffffffffff0ull, 0x11000, 0x12000,
		  "descriptor table [0xfffffffffffffff0,+0x100) is outside guest RAM" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		expect_refused(TD_RNG, 0, &cases[i]);
		expect_refused(TD_CONSOLE, 1, &cases[i]);
	}
}

static void test_queue_exactly_at_ram_end(void **state)
{
	struct td_queue q;

	(void)state;
	td_driver_start(TD_RNG);
	/* The used ring ends exactly at the end of RAM: accepted. */
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_SEL, 0);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_NUM, 256);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(TD_MEM_SIZE - 0x1000));
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(TD_MEM_SIZE - 0x2000));
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(TD_MEM_SIZE - 0x808));
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_QUEUE_READY), 1);
	assert_false(td_needs_reset(TD_RNG));
	/* Size 1 is a power of two too. */
	td_queue_setup(&q, TD_CONSOLE, 1, 1, 0x10000);
	assert_false(td_needs_reset(TD_CONSOLE));
}

static void test_queue_locked_while_ready(void **state)
{
	struct td_queue q;

	(void)state;
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&q, TD_CONSOLE, 1, 8, 0x10000);
	const struct virtq before = td_dev(TD_CONSOLE)->queue[1];
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_NUM, 4);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x50000);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_DESC_HIGH, 1);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_DRIVER_LOW, 0x50000);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 1);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0x50000);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 1);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_READY, 1);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_READY, 2);
	assert_memory_equal(&td_dev(TD_CONSOLE)->queue[1], &before, sizeof before);
	/* The other queue is still free to set up. */
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_SEL, 0);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_NUM, 4);
	assert_int_equal(td_dev(TD_CONSOLE)->queue[0].size, 4);
	/* QueueReady 0 disables; then the settings may change again. */
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_SEL, 1);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_QUEUE_READY), 0);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_NUM, 4);
	assert_int_equal(td_dev(TD_CONSOLE)->queue[1].size, 4);
	assert_false(td_needs_reset(TD_CONSOLE));
}

static void test_no_such_queue(void **state)
{
	(void)state;
	td_driver_start(TD_RNG);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_SEL, 1);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_NUM, 16);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x10000);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_QUEUE_READY), 0);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
	assert_int_equal(td_dev(TD_RNG)->queue[1].size, 0);
	assert_false(td_needs_reset(TD_RNG));
}

static void test_reset_clears_everything(void **state)
{
	struct td_queue rx, tx;

	(void)state;
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&rx, TD_CONSOLE, 0, 16, 0x10000);
	td_queue_setup(&tx, TD_CONSOLE, 1, 16, 0x20000);
	td_driver_ok(TD_CONSOLE);
	/* A bad chain: NEEDS_RESET and the configuration interrupt. */
	td_desc(&tx, 0, TD_MEM_SIZE, 16, 0, 0);
	td_avail_add(&tx, 0);
	td_stderr_begin();
	td_notify(&tx);
	td_stderr_end();
	assert_true(td_needs_reset(TD_CONSOLE));
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	td_write(TD_CONSOLE, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);

	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS, 0);
	const struct virtio_dev *dev = td_dev(TD_CONSOLE);
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_DEVICE_FEATURES), 0); /* window 0 again */
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_QUEUE_READY), 0);     /* QueueSel 0 */
	assert_int_equal(dev->queue_sel, 0);
	assert_int_equal(dev->driver_features, 0);
	assert_int_equal(dev->driver_features_sel, 0);
	for (unsigned i = 0; i < 2; i++) {
		const struct virtq *q = &dev->queue[i];
		assert_false(q->ready);
		assert_int_equal(q->size, 0);
		assert_int_equal(q->desc_gpa | q->avail_gpa | q->used_gpa, 0);
		assert_int_equal(q->next_avail, 0);
		assert_int_equal(q->used_idx, 0);
	}
	/* And it works again from scratch, from index 0. */
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&tx, TD_CONSOLE, 1, 16, 0x20000);
	td_driver_ok(TD_CONSOLE);
	td_desc(&tx, 0, 0x30000, 0, 0, 0);
	td_avail_add(&tx, 0);
	td_notify(&tx);
	assert_int_equal(td_used_idx(&tx), 1);
	assert_false(td_needs_reset(TD_CONSOLE));
}

static void test_write_only_registers_read_zero(void **state)
{
	static const uint32_t write_only[] = {
		VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DRIVER_FEATURES,
		VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_MMIO_QUEUE_NUM,
		VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_QUEUE_DESC_LOW,
		VIRTIO_MMIO_QUEUE_DESC_HIGH, VIRTIO_MMIO_QUEUE_DRIVER_LOW,
		VIRTIO_MMIO_QUEUE_DRIVER_HIGH, VIRTIO_MMIO_QUEUE_DEVICE_LOW,
		VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
		/* Reserved or legacy-only offsets. */
		0x018, 0x01c, 0x028, 0x03c, 0x040, 0x048, 0x054, 0x068, 0x074, 0x0a8, 0x0ac, 0x0c0,
		0x0f8,
	};

	(void)state;
	td_driver_start(TD_CONSOLE);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_SEL, 1);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_NUM, 16);
	td_write(TD_CONSOLE, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x10000);
	for (size_t i = 0; i < sizeof write_only / sizeof write_only[0]; i++)
		assert_int_equal(td_read(TD_CONSOLE, write_only[i]), 0);
	/* No shared memory regions: length and base all ones (§4.2.2). */
	for (uint32_t off = 0x0b0; off <= 0x0bc; off += 4)
		assert_int_equal(td_read(TD_CONSOLE, off), 0xffffffff);
	assert_false(td_needs_reset(TD_CONSOLE));
}

static void test_read_only_registers_ignore_writes(void **state)
{
	static const uint32_t read_only[] = {
		VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_VERSION, VIRTIO_MMIO_DEVICE_ID,
		VIRTIO_MMIO_VENDOR_ID, VIRTIO_MMIO_DEVICE_FEATURES, VIRTIO_MMIO_QUEUE_NUM_MAX,
		VIRTIO_MMIO_INTERRUPT_STATUS, VIRTIO_MMIO_CONFIG_GENERATION, 0x0b0, 0x0b4, 0x0fc,
		0x0f0,
	};

	(void)state;
	td_driver_start(TD_RNG);
	const struct virtio_dev before = *td_dev(TD_RNG);
	for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++)
		td_write(TD_RNG, read_only[i], 0xdeadbeef);
	assert_memory_equal(td_dev(TD_RNG), &before, sizeof before);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_DEVICE_ID), 4);
	td_write(TD_RNG, VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
}

static void test_interrupt_ack(void **state)
{
	struct virtio_dev *dev = td_dev(TD_RNG);

	(void)state;
	dev->int_status = VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG;
	td_write(TD_RNG, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	td_write(TD_RNG, VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffff);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

/* Control registers take aligned 32-bit accesses only: anything else reads
 * 0, writes nothing and puts the device in NEEDS_RESET, with one line. */
static void test_control_register_widths(void **state)
{
	static const struct { uint32_t offset, len; bool is_write; const char *why; } cases[] = {
		{ 0x000, 1, false, "1-byte read at offset 0x000" },
		{ 0x000, 2, false, "2-byte read at offset 0x000" },
		{ 0x000, 8, false, "8-byte read at offset 0x000" },
		{ 0x001, 4, false, "4-byte read at offset 0x001" },
		{ 0x002, 2, false, "2-byte read at offset 0x002" },
		{ 0x070, 1, true, "1-byte write at offset 0x070" },
		{ 0x070, 8, true, "8-byte write at offset 0x070" },
		{ 0x080, 8, true, "8-byte write at offset 0x080" },
		{ 0x072, 4, true, "4-byte write at offset 0x072" },
		{ 0x0fc, 2, false, "2-byte read at offset 0x0fc" },
		{ 0x0fe, 2, false, "2-byte read at offset 0x0fe" },
		{ 0x0fc, 8, false, "8-byte read at offset 0x0fc" }, /* runs into config space */
		{ 0x0ff, 1, true, "1-byte write at offset 0x0ff" },
	};
	char want[256];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		td_driver_start(TD_RNG);
		td_stderr_begin();
		uint64_t v = td_access(TD_RNG, cases[i].offset, cases[i].len, 0, cases[i].is_write);
		const char *err = td_stderr_end();
		snprintf(want, sizeof want, "kvmrun: virtio-rng: %s: control registers take aligned "
			 "32-bit accesses: device needs reset\n", cases[i].why);
		assert_string_equal(err, want);
		assert_int_equal(v, 0);
		/* A write of 0 to Status did not reset the device. */
		assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_STATUS), ACK | DRV | FOK | NEEDS_RESET);
	}
}

static void test_config_space(void **state)
{
	(void)state;
	td_driver_start(TD_CONSOLE);
	td_driver_start(TD_RNG);
	td_stderr_begin();
	for (unsigned d = 0; d < 2; d++) {
		/* Any width, any alignment, the whole rest of the window. */
		for (uint32_t off = 0x100; off < VIRTIO_MMIO_WINDOW_SIZE; off++)
			for (uint32_t len = 1; len <= 8 && off + len <= VIRTIO_MMIO_WINDOW_SIZE; len++)
				assert_int_equal(td_access(d, off, len, 0, false), 0);
		/* Writes change nothing; the console's emerg_wr prints nothing. */
		td_access(d, 0x100 + VIRTIO_CONSOLE_CFG_EMERG_WR, 4, 'A', true);
		td_access(d, 0x100, 8, ~0ull, true);
		td_access(d, 0x1f8, 8, ~0ull, true);
		assert_int_equal(td_access(d, 0x100 + VIRTIO_CONSOLE_CFG_COLS, 2, 0, false), 0);
		assert_int_equal(td_access(d, 0x100 + VIRTIO_CONSOLE_CFG_MAX_NR_PORTS, 4, 0, false), 0);
		assert_false(td_needs_reset(d));
	}
	assert_string_equal(td_stderr_end(), "");
}

/* A device config of size bytes (virtio-blk's is 60; 256 fills the
 * window): no byte 0, and neighbours differ, so a misplaced byte shows. */
static void give_config(struct virtio_dev *dev, uint32_t size)
{
	memset(dev->config, 0, sizeof dev->config);
	for (uint32_t i = 0; i < size; i++)
		dev->config[i] = (uint8_t)(i % 255 + 1);
	dev->config_size = size;
}

/* What a read of len bytes at offset must return: the config's bytes,
 * little-endian, zeros past its end. */
static uint64_t config_value(const struct virtio_dev *dev, uint32_t offset, uint32_t len)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < len; i++) {
		uint32_t at = offset - VIRTIO_MMIO_CONFIG + i;
		if (at < dev->config_size)
			v |= (uint64_t)dev->config[at] << (8 * i);
	}
	return v;
}

static void check_config_reads(unsigned d)
{
	const struct virtio_dev *dev = td_dev(d);

	for (uint32_t off = VIRTIO_MMIO_CONFIG; off < VIRTIO_MMIO_WINDOW_SIZE; off++)
		for (uint32_t len = 1; len <= 8 && off + len <= VIRTIO_MMIO_WINDOW_SIZE; len++) {
			uint64_t got = td_access(d, off, len, 0, false);
			if (got != config_value(dev, off, len))
				fail_msg("config size %u: %u-byte read at 0x%x: 0x%llx, not 0x%llx",
					 dev->config_size, len, off, (unsigned long long)got,
					 (unsigned long long)config_value(dev, off, len));
		}
}

/* Config space larger than 16 bytes, up to the whole window: every width
 * and alignment reads the right bytes, the last ones included; zeros past
 * the config; writes change nothing; ConfigGeneration stays 0. */
static void test_config_space_large(void **state)
{
	static const uint32_t sizes[] = { 60, 61, 255, VIRTIO_DEV_CONFIG_MAX };
	uint8_t before[VIRTIO_DEV_CONFIG_MAX];
	struct virtio_dev *dev = td_dev(TD_RNG);

	(void)state;
	td_driver_start(TD_RNG);
	td_driver_ok(TD_RNG);
	td_stderr_begin();
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		give_config(dev, sizes[s]);
		check_config_reads(TD_RNG);
		memcpy(before, dev->config, sizeof before);
		for (uint32_t off = VIRTIO_MMIO_CONFIG; off < VIRTIO_MMIO_WINDOW_SIZE; off++)
			for (uint32_t len = 1; len <= 8 && off + len <= VIRTIO_MMIO_WINDOW_SIZE; len *= 2)
				td_access(TD_RNG, off, len, ~0ull, true);
		assert_memory_equal(dev->config, before, sizeof before);
		check_config_reads(TD_RNG);
		assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_CONFIG_GENERATION), 0);
	}
	/* The last bytes of a full config, by name. */
	assert_int_equal(td_access(TD_RNG, 0x1ff, 1, 0, false), 255 % 255 + 1);
	assert_int_equal(td_access(TD_RNG, 0x1f8, 8, 0, false), 0x01fffefdfcfbfaf9ull);
	assert_int_equal(td_access(TD_RNG, 0x1fe, 2, 0, false), 0x01ff);
	assert_false(td_needs_reset(TD_RNG));
	assert_int_equal(td.irqs, 0);
	assert_string_equal(td_stderr_end(), "");
}

/* An access that runs past the window's end is no device's: the MMIO table
 * serves nothing (the exit loop stops the guest), and the transport,
 * called all the same, leaves the data alone. */
static void test_config_space_window_end(void **state)
{
	static const struct { uint32_t offset, len; } cases[] = {
		{ 0x1f9, 8 }, { 0x1fc, 8 }, { 0x1ff, 2 }, { 0x1fe, 4 }, { 0x200, 1 },
	};
	struct virtio_dev *dev = td_dev(TD_RNG);
	uint64_t window = KVMRUN_VIRTIO_MMIO_BASE + TD_RNG * KVMRUN_VIRTIO_MMIO_STRIDE;
	char why[256];

	(void)state;
	give_config(dev, VIRTIO_DEV_CONFIG_MAX);
	td_stderr_begin();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t data[8];
		memset(data, 0x5a, sizeof data);
		assert_int_not_equal(mmio_regions_access(&td.regions, window + cases[i].offset, data,
							 cases[i].len, false, why, sizeof why),
				     MMIO_SERVED);
		virtio_dev_mmio(dev, cases[i].offset, data, cases[i].len, false);
		for (unsigned b = 0; b < sizeof data; b++)
			assert_int_equal(data[b], 0x5a);
		virtio_dev_mmio(dev, cases[i].offset, data, cases[i].len, true);
	}
	assert_string_equal(td_stderr_end(), "");
	assert_false(td_needs_reset(TD_RNG));
	/* Just inside, the same bytes are served. */
	assert_int_equal(td_access(TD_RNG, 0x1f8, 8, 0, false), 0x01fffefdfcfbfaf9ull);
}

/* One line per reset, and a limit in all, however hard the guest tries. */
static void test_diagnostics_limited(void **state)
{
	(void)state;
	td_stderr_begin();
	for (unsigned round = 0; round < 100; round++) {
		td_write(TD_RNG, VIRTIO_MMIO_STATUS, 0);
		for (unsigned i = 0; i < 10; i++)
			td_access(TD_RNG, 0x70, 2, 0, false);
	}
	const char *err = td_stderr_end();
	assert_int_equal(td_lines(err), VIRTIO_DEV_REPORTS_MAX + 1);
	assert_contains(err, "kvmrun: virtio-rng: 16 errors reported; later ones are not\n");
	assert_true(td_needs_reset(TD_RNG));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_device_features_windows, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_features_ok, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_features_fixed_after_features_ok, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_status_bits, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_driver_ok_without_features_ok, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_queue_num_max, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_queue_ready_checks, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_queue_exactly_at_ram_end, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_queue_locked_while_ready, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_no_such_queue, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reset_clears_everything, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_write_only_registers_read_zero, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_read_only_registers_ignore_writes, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_ack, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_control_register_widths, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_config_space, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_config_space_large, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_config_space_window_end, td_fixture_setup, td_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_diagnostics_limited, td_fixture_setup, td_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
