/* virtio/virtq.c and pass.c: walking split virtqueues the guest filled with
 * anything (virtio 1.2 §2.7), seen through the entropy device, whose
 * request queue takes device-writable buffers. */
#include "unit.h"

#include <kvmrun/virtio_mmio.h>

#include <errno.h>

#include "../../monitor/stats.h"
#include "../../monitor/stop_request.h"
#include "../../monitor/virtio/pass.h"
#include "virtio_test_driver.h"

#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define BUF 0x100000ull /* buffers live here */

static struct td_queue q;

/* The rng, live, with a queue of `size` at 0x10000. */
static void rng_ready(uint32_t size)
{
	td_driver_start(TD_RNG);
	td_queue_setup(&q, TD_RNG, 0, size, 0x10000);
	td_driver_ok(TD_RNG);
	td.irqs = 0;
}

static int setup(void **state)
{
	(void)state;
	td_setup(-1);
	rng_ready(16);
	return 0;
}

static bool all_bytes(const uint8_t *p, size_t len, uint8_t value)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != value)
			return false;
	return true;
}

static void test_single_descriptor(void **state)
{
	uint8_t *buf = td_ptr(BUF, 0x2000);

	(void)state;
	memset(buf, 0, 0x2000);
	uint64_t before = stats.rng_bytes;
	td_desc(&q, 3, BUF + 0x10, 4096, W, 0);
	td_avail_add(&q, 3);
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 1);
	assert_int_equal(td_used(&q, 0).id, 3);
	assert_int_equal(td_used(&q, 0).len, 4096);
	assert_int_equal(stats.rng_bytes - before, 4096);
	/* Random: not all zero; nothing written around the buffer. */
	assert_false(all_bytes(buf + 0x10, 4096, 0));
	assert_true(all_bytes(buf, 0x10, 0));
	assert_true(all_bytes(buf + 0x10 + 4096, 0x2000 - 0x10 - 4096, 0));
	assert_int_equal(td.irqs, 1);
	assert_int_equal(td.irq_line, KVMRUN_VIRTIO_IRQ_BASE + 1);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	assert_false(td_needs_reset(TD_RNG));
}

static void test_multi_descriptor_chain(void **state)
{
	uint8_t *buf = td_ptr(BUF, 0x1000);

	(void)state;
	memset(buf, 0, 0x1000);
	/* 5 -> 0 -> 9 -> 15 (an empty one in between, at a bogus address). */
	td_desc(&q, 5, BUF, 100, W | N, 0);
	td_desc(&q, 0, BUF + 0x200, 1, W | N, 9);
	td_desc(&q, 9, 0xffffffffffffff00ull, 0, W | N, 15);
	td_desc(&q, 15, BUF + 0x400, 300, W, 7);
	td_avail_add(&q, 5);
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 1);
	assert_int_equal(td_used(&q, 0).id, 5);
	assert_int_equal(td_used(&q, 0).len, 401);
	assert_true(all_bytes(buf + 100, 0x200 - 100, 0));
	assert_true(all_bytes(buf + 0x201, 0x400 - 0x201, 0));
	assert_true(all_bytes(buf + 0x400 + 300, 0x1000 - 0x400 - 300, 0));
	assert_false(td_needs_reset(TD_RNG));
}

/* Many chains in one notification: one interrupt for all of them. */
static void test_batch(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 16; i++) {
		td_desc(&q, i, BUF + 0x100 * i, 16 + i, W, 0);
		td_avail_add(&q, (uint16_t)(15 - i));
	}
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 16);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(td_used(&q, i).id, 15 - i);
		assert_int_equal(td_used(&q, i).len, 16 + (15 - i));
	}
	assert_int_equal(td.irqs, 1);
	/* Nothing new: no used entry, no interrupt. */
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 16);
	assert_int_equal(td.irqs, 1);
}

static void test_no_interrupt_flag(void **state)
{
	(void)state;
	td_avail_flags(&q, VIRTQ_AVAIL_F_NO_INTERRUPT);
	td_desc(&q, 0, BUF, 8, W, 0);
	td_avail_add(&q, 0);
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 1);
	assert_int_equal(td.irqs, 0);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

/* The free-running indexes wrap at 2^16 (§2.7.6): 70000 chains later,
 * every used entry is still exact. */
static void test_index_wraps(void **state)
{
	(void)state;
	rng_ready(256);
	for (unsigned i = 0; i < 256; i++)
		td_desc(&q, i, BUF + i, 1 + i % 7, W, 0);
	unsigned done = 0;
	while (done < 70000) {
		unsigned batch = 1 + done % 256;
		for (unsigned i = 0; i < batch; i++)
			td_avail_add(&q, (uint16_t)((done + i) % 256));
		td_notify(&q);
		for (unsigned i = 0; i < batch; i++) {
			struct virtq_used_elem e = td_used(&q, done + i);
			if (e.id != (done + i) % 256 || e.len != 1 + e.id % 7)
				fail_msg("used entry %u: {%u, %u}", done + i, e.id, e.len);
		}
		done += batch;
		assert_int_equal(td_used_idx(&q), (uint16_t)done);
	}
	assert_false(td_needs_reset(TD_RNG));
}

/* The chain must be refused: NEEDS_RESET, the configuration interrupt,
 * one line, and the device does nothing more until reset. */
static void expect_violation(const char *why)
{
	char want[512];

	td_stderr_begin();
	td_notify(&q);
	td_notify(&q);
	td_avail_add(&q, 0);
	td_notify(&q);
	const char *err = td_stderr_end();
	snprintf(want, sizeof want, "kvmrun: virtio-rng: queue 0: %s: device needs reset\n", why);
	assert_string_equal(err, want);
	assert_true(td_needs_reset(TD_RNG));
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(td.irqs, 1);
	assert_int_equal(td_used_idx(&q), 0);
}

static void test_outside_ram(void **state)
{
	(void)state;
	td_desc(&q, 3, TD_MEM_SIZE - 0x10, 0x20, W, 0);
	td_avail_add(&q, 3);
	expect_violation("descriptor 3 [0x3fffff0,+0x20) is outside guest RAM");
}

static void test_outside_ram_later_in_chain(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 0x20, W | N, 1);
	td_desc(&q, 1, 0xd0000000, 4, W, 0);
	td_avail_add(&q, 0);
	expect_violation("descriptor 1 [0xd0000000,+0x4) is outside guest RAM");
}

static void test_wraps_around_2_64(void **state)
{
	(void)state;
	td_desc(&q, 2, UINT64_MAX - 8, 64, W, 0);
	td_avail_add(&q, 2);
	expect_violation("descriptor 2 [0xfffffffffffffff7,+0x40) is outside guest RAM");
}

static void test_max_length_descriptor(void **state)
{
	(void)state;
	td_desc(&q, 0, 0x1000, UINT32_MAX, W, 0);
	td_avail_add(&q, 0);
	expect_violation("descriptor 0 [0x1000,+0xffffffff) is outside guest RAM");
}

static void test_loop(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 8, W | N, 1);
	td_desc(&q, 1, BUF, 8, W | N, 0);
	td_avail_add(&q, 0);
	expect_violation("chain from descriptor 0 is longer than the queue size 16 (a loop?)");
}

static void test_self_loop(void **state)
{
	(void)state;
	td_desc(&q, 7, 0, 0, W | N, 7);
	td_avail_add(&q, 7);
	expect_violation("chain from descriptor 7 is longer than the queue size 16 (a loop?)");
}

/* The longest legal chain uses every descriptor once; one more is a loop. */
static void test_chain_length_limit(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 16; i++)
		td_desc(&q, i, BUF + i, 1, W | (i < 15 ? N : 0), (uint16_t)(i + 1));
	td_avail_add(&q, 0);
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 1);
	assert_int_equal(td_used(&q, 0).len, 16);
	assert_false(td_needs_reset(TD_RNG));

	rng_ready(16);
	for (unsigned i = 0; i < 16; i++)
		td_desc(&q, i, BUF + i, 1, W | N, (uint16_t)((i + 1) % 16));
	td_avail_add(&q, 4);
	expect_violation("chain from descriptor 4 is longer than the queue size 16 (a loop?)");
}

static void test_head_out_of_range(void **state)
{
	(void)state;
	td_avail_add(&q, 16);
	expect_violation("available ring entry 0: head index 16 is out of range (queue size 16)");
}

static void test_head_out_of_range_later(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 8, W, 0);
	td_avail_add(&q, 0);
	td_avail_add(&q, 0xffff);
	td_stderr_begin();
	td_notify(&q);
	const char *err = td_stderr_end();
	assert_string_equal(err, "kvmrun: virtio-rng: queue 0: available ring entry 1: head index "
			    "65535 is out of range (queue size 16): device needs reset\n");
	/* The good chain before it is done; both interrupts, one edge. */
	assert_int_equal(td_used_idx(&q), 1);
	assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(td.irqs, 1);
}

static void test_next_out_of_range(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 8, W | N, 16);
	td_avail_add(&q, 0);
	expect_violation("descriptor 0: next index 16 is out of range (queue size 16)");
}

static void test_next_ignored_without_flag(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 8, W, 0xffff);
	td_avail_add(&q, 0);
	td_notify(&q);
	assert_int_equal(td_used(&q, 0).len, 8);
	assert_false(td_needs_reset(TD_RNG));
}

static void test_indirect(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 16, W | VIRTQ_DESC_F_INDIRECT, 0);
	td_avail_add(&q, 0);
	expect_violation("descriptor 0 is INDIRECT, which was not negotiated");
}

static void test_device_readable_in_rng(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 16, W | N, 1);
	td_desc(&q, 1, BUF + 16, 16, 0, 0);
	td_avail_add(&q, 0);
	expect_violation("descriptor 1 is device-readable in a queue the device writes");
}

static void test_zero_length_readable_in_rng(void **state)
{
	(void)state;
	/* Empty buffers are skipped, but their flags still follow the rules. */
	td_desc(&q, 0, 0, 0, 0, 0);
	td_avail_add(&q, 0);
	expect_violation("descriptor 0 is device-readable in a queue the device writes");
}

static void test_zero_length_only(void **state)
{
	(void)state;
	td_desc(&q, 0, UINT64_MAX, 0, W | N, 1);
	td_desc(&q, 1, TD_MEM_SIZE + 1, 0, W, 0);
	td_avail_add(&q, 0);
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 1);
	assert_int_equal(td_used(&q, 0).len, 0);
	assert_false(td_needs_reset(TD_RNG));
}

static void test_avail_idx_far_ahead(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 8, W, 0);
	for (unsigned i = 0; i < 17; i++)
		td_avail_add(&q, 0);
	td_stderr_begin();
	td_notify(&q);
	const char *err = td_stderr_end();
	assert_string_equal(err, "kvmrun: virtio-rng: queue 0: available index 17 is 17 entries "
			    "ahead of the device (at 0), more than the queue size 16: device "
			    "needs reset\n");
	assert_int_equal(td_used_idx(&q), 0);
	assert_true(td_needs_reset(TD_RNG));
	assert_int_equal(td.irqs, 1);
}

static void test_avail_idx_backwards(void **state)
{
	uint16_t idx = 0xffff;

	(void)state;
	memcpy(td_ptr(q.avail + 2, 2), &idx, 2);
	td_stderr_begin();
	td_notify(&q);
	const char *err = td_stderr_end();
	assert_contains(err, "available index 65535 is 65535 entries ahead of the device (at 0)");
	assert_true(td_needs_reset(TD_RNG));
}

/* A full queue is legal: size entries outstanding. */
static void test_full_queue(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 16; i++) {
		td_desc(&q, i, BUF, 1, W, 0);
		td_avail_add(&q, (uint16_t)i);
	}
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 16);
	assert_false(td_needs_reset(TD_RNG));
}

/* The cap on one chain: a 2 MiB buffer gets VIRTIO_RNG_CHAIN_MAX bytes. */
static void test_rng_chain_cap(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 2u << 20, W, 0);
	td_avail_add(&q, 0);
	td_notify(&q);
	assert_int_equal(td_used(&q, 0).len, VIRTIO_RNG_CHAIN_MAX);
}

/* One notification fills at most VIRTIO_PASS_BYTES_MAX: of 32 chains of
 * 2 MiB (each capped at 1 MiB), 16; the rest on the next notification. */
static void test_rng_pass_budget(void **state)
{
	(void)state;
	td_write(TD_RNG, VIRTIO_MMIO_STATUS, 0);
	rng_ready(32);
	for (unsigned i = 0; i < 32; i++) {
		td_desc(&q, i, BUF, 2u << 20, W, 0);
		td_avail_add(&q, (uint16_t)i);
	}
	uint64_t before = stats.rng_bytes;
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), VIRTIO_PASS_BYTES_MAX / VIRTIO_RNG_CHAIN_MAX);
	assert_int_equal(stats.rng_bytes - before, VIRTIO_PASS_BYTES_MAX);
	assert_int_equal(td.irqs, 1);
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 32);
	assert_false(td_needs_reset(TD_RNG));
}

/* A stop request ends the pass before the next chain: nothing is taken. */
static void test_pass_stops_at_a_stop_request(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 16, W, 0);
	td_avail_add(&q, 0);
	stop_request_io_error("testing", EIO);
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 0);
	stop_request_forget();
	td_notify(&q);
	assert_int_equal(td_used_idx(&q), 1);
}

/* Straight through the virtq API: peek does not take, complete does. */
static void test_peek_then_complete(void **state)
{
	struct virtq *vq = &td_dev(TD_RNG)->queue[0];
	struct virtq_chain chain;
	unsigned pending;
	char why[256];

	(void)state;
	td_desc(&q, 2, BUF, 10, W | N, 4);
	td_desc(&q, 4, BUF + 100, 20, W, 0);
	td_avail_add(&q, 2);
	assert_int_equal(virtq_pending(vq, &pending, why, sizeof why), 0);
	assert_int_equal(pending, 1);
	assert_int_equal(virtq_peek(vq, &td.mem, VIRTQ_DEVICE_WRITES, &chain, why, sizeof why), 0);
	assert_int_equal(chain.head, 2);
	assert_int_equal(chain.nseg, 2);
	assert_int_equal(chain.bytes, 30);
	assert_ptr_equal(chain.seg[0].iov_base, td_ptr(BUF, 10));
	assert_int_equal(chain.seg[1].iov_len, 20);
	assert_int_equal(virtq_pending(vq, &pending, why, sizeof why), 0);
	assert_int_equal(pending, 1);
	/* The other direction refuses the same chain. */
	assert_int_equal(virtq_peek(vq, &td.mem, VIRTQ_DEVICE_READS, &chain, why, sizeof why), -1);
	assert_string_equal(why, "descriptor 2 is device-writable in a queue the device reads");
	virtq_complete(vq, 2, 7);
	assert_int_equal(virtq_pending(vq, &pending, why, sizeof why), 0);
	assert_int_equal(pending, 0);
	assert_int_equal(td_used_idx(&q), 1);
	assert_int_equal(td_used(&q, 0).len, 7);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, td_fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_single_descriptor),
		T(test_multi_descriptor_chain),
		T(test_batch),
		T(test_no_interrupt_flag),
		T(test_index_wraps),
		T(test_outside_ram),
		T(test_outside_ram_later_in_chain),
		T(test_wraps_around_2_64),
		T(test_max_length_descriptor),
		T(test_loop),
		T(test_self_loop),
		T(test_chain_length_limit),
		T(test_head_out_of_range),
		T(test_head_out_of_range_later),
		T(test_next_out_of_range),
		T(test_next_ignored_without_flag),
		T(test_indirect),
		T(test_device_readable_in_rng),
		T(test_zero_length_readable_in_rng),
		T(test_zero_length_only),
		T(test_avail_idx_far_ahead),
		T(test_avail_idx_backwards),
		T(test_full_queue),
		T(test_rng_chain_cap),
		T(test_rng_pass_budget),
		T(test_pass_stops_at_a_stop_request),
		T(test_peek_then_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
