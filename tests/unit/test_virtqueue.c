/* virtio/virtq.c and pass.c: walking split virtqueues the guest filled with
 * anything (virtio 1.2 §2.7), seen through the entropy device, whose
 * request queue takes device-writable buffers; and chains with a
 * device-readable part then a device-writable one (§2.7.4.2), which no
 * device of kvmrun's takes yet, through virtq_peek() and
 * virtio_queue_pass() on the entropy device's queue. */
#include "unit.h"

#include <kvmrun/virtio_mmio.h>

#include <errno.h>
#include <sys/time.h>

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
	/* The request re-armed the timer every 10 ms (stop_request.c): off,
	 * or SIGALRM ends a later, slower test. */
	setitimer(ITIMER_REAL, &(struct itimerval){ 0 }, NULL);
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
	assert_int_equal(chain.nread, 0);
	assert_int_equal(chain.read_bytes, 0);
	assert_int_equal(chain.nwrite, 2);
	assert_int_equal(chain.write_bytes, 30);
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

/* Chains with a device-readable part then a device-writable part (§2.7.4.2,
 * §2.7.5), walked on the rng's queue as a device that takes both would. */
#define RW VIRTQ_DEVICE_READS_THEN_WRITES

static struct virtq_chain chain;
static char why[256];

static int peek(enum virtq_parts parts)
{
	why[0] = '\0';
	return virtq_peek(&td_dev(TD_RNG)->queue[0], &td.mem, parts, &chain, why, sizeof why);
}

static void expect_seg(unsigned i, uint64_t gpa, size_t len)
{
	assert_ptr_equal(chain.seg[i].iov_base, td_ptr(gpa, len));
	assert_int_equal(chain.seg[i].iov_len, len);
}

static void test_mixed_chain_split(void **state)
{
	unsigned pending;

	(void)state;
	/* 1 -> 3 -> 6 -> 2 -> 8 -> 9: readable 10, empty, 20; writable 30,
	 * empty, 40. The empty ones lie at addresses nothing may use. */
	td_desc(&q, 1, BUF, 10, N, 3);
	td_desc(&q, 3, 0xffffffffffffff00ull, 0, N, 6);
	td_desc(&q, 6, BUF + 0x100, 20, N, 2);
	td_desc(&q, 2, BUF + 0x200, 30, W | N, 8);
	td_desc(&q, 8, TD_MEM_SIZE + 1, 0, W | N, 9);
	td_desc(&q, 9, BUF + 0x300, 40, W, 0);
	td_avail_add(&q, 1);
	assert_int_equal(peek(RW), 0);
	assert_int_equal(chain.head, 1);
	assert_int_equal(chain.nread, 2);
	assert_int_equal(chain.nwrite, 2);
	assert_int_equal(chain.read_bytes, 30);
	assert_int_equal(chain.write_bytes, 70);
	expect_seg(0, BUF, 10);
	expect_seg(1, BUF + 0x100, 20);
	expect_seg(2, BUF + 0x200, 30);
	expect_seg(3, BUF + 0x300, 40);
	assert_ptr_equal(virtq_chain_writable(&chain), &chain.seg[2]);
	/* Peeked, not taken. */
	assert_int_equal(virtq_pending(&td_dev(TD_RNG)->queue[0], &pending, why, sizeof why), 0);
	assert_int_equal(pending, 1);
	assert_int_equal(td_used_idx(&q), 0);
}

/* Either part may be empty; so may both. */
static void test_mixed_chain_one_part(void **state)
{
	struct virtq *vq = &td_dev(TD_RNG)->queue[0];

	(void)state;
	td_desc(&q, 0, BUF, 5, N, 1);
	td_desc(&q, 1, BUF + 8, 7, 0, 0);
	td_avail_add(&q, 0);
	assert_int_equal(peek(RW), 0);
	assert_int_equal(chain.nread, 2);
	assert_int_equal(chain.nwrite, 0);
	assert_int_equal(chain.read_bytes, 12);
	assert_int_equal(chain.write_bytes, 0);
	expect_seg(1, BUF + 8, 7);
	virtq_complete(vq, 0, 0);

	td_desc(&q, 4, BUF, 9, W, 0);
	td_avail_add(&q, 4);
	assert_int_equal(peek(RW), 0);
	assert_int_equal(chain.nread, 0);
	assert_int_equal(chain.nwrite, 1);
	assert_int_equal(chain.read_bytes, 0);
	assert_int_equal(chain.write_bytes, 9);
	assert_ptr_equal(virtq_chain_writable(&chain), &chain.seg[0]);
	expect_seg(0, BUF, 9);
	virtq_complete(vq, 4, 9);

	td_desc(&q, 5, UINT64_MAX, 0, N, 6);
	td_desc(&q, 6, UINT64_MAX, 0, W, 0);
	td_avail_add(&q, 5);
	assert_int_equal(peek(RW), 0);
	assert_int_equal(chain.nread + chain.nwrite, 0);
	assert_int_equal(chain.read_bytes + chain.write_bytes, 0);
}

/* What a device that takes both parts does with a chain, for the pass
 * tests: reads the readable part, fills the writable part with 0xee up to
 * its budget, and says what it saw. */
static struct {
	unsigned calls;
	uint64_t budget, read_bytes, write_bytes;
	unsigned nread, nwrite;
	uint8_t first; /* the first byte read */
} seen;

static int64_t reply_chain(struct virtio_dev *dev, const struct virtq_chain *c, uint64_t budget)
{
	const struct iovec *out = virtq_chain_writable(c);
	uint64_t done = 0;

	(void)dev;
	seen.calls++;
	seen.budget = budget;
	seen.nread = c->nread;
	seen.nwrite = c->nwrite;
	seen.read_bytes = c->read_bytes;
	seen.write_bytes = c->write_bytes;
	if (c->nread)
		seen.first = *(const uint8_t *)c->seg[0].iov_base;
	for (unsigned i = 0; i < c->nwrite && done < budget; i++) {
		size_t n = out[i].iov_len < budget - done ? out[i].iov_len : (size_t)(budget - done);
		memset(out[i].iov_base, 0xee, n);
		done += n;
	}
	return (int64_t)done;
}

static unsigned mixed_pass(void)
{
	memset(&seen, 0, sizeof seen);
	return virtio_queue_pass(td_dev(TD_RNG), 0, RW, reply_chain);
}

/* A request and room for its reply: the device reads one part and
 * writes the other; the used length counts only what it wrote. */
static void test_mixed_chain_pass(void **state)
{
	uint8_t *buf = td_ptr(BUF, 0x400);

	(void)state;
	memset(buf, 0, 0x400);
	memcpy(buf, "ping", 4);
	td_desc(&q, 0, BUF, 4, N, 1);
	td_desc(&q, 1, BUF + 0x100, 16, W | N, 2);
	td_desc(&q, 2, BUF + 0x200, 8, W, 0);
	td_avail_add(&q, 0);
	assert_int_equal(mixed_pass(), 1);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.nread, 1);
	assert_int_equal(seen.nwrite, 2);
	assert_int_equal(seen.first, 'p');
	/* What the readable part took is gone from the budget. */
	assert_int_equal(seen.budget, VIRTIO_PASS_BYTES_MAX - 4);
	assert_int_equal(td_used(&q, 0).id, 0);
	assert_int_equal(td_used(&q, 0).len, 24);
	assert_memory_equal(buf, "ping", 4);
	assert_true(all_bytes(buf + 4, 0x100 - 4, 0));
	assert_true(all_bytes(buf + 0x100, 16, 0xee));
	assert_true(all_bytes(buf + 0x110, 0x200 - 0x110, 0));
	assert_true(all_bytes(buf + 0x200, 8, 0xee));
	assert_true(all_bytes(buf + 0x208, 0x400 - 0x208, 0));
	assert_int_equal(td.irqs, 1);
	assert_false(td_needs_reset(TD_RNG));
}

/* Read and written bytes share one pass's budget: a readable part that
 * does not fit what is left waits for the next pass, whole. */
static void test_mixed_pass_budget(void **state)
{
	(void)state;
	/* 0.5 MiB read, 15 MiB written: 0.5 MiB left, less than chain 2 reads. */
	td_desc(&q, 0, BUF, 512u << 10, N, 1);
	td_desc(&q, 1, BUF + (1u << 20), 15u << 20, W, 0);
	td_desc(&q, 2, BUF, 1u << 20, N, 3);
	td_desc(&q, 3, BUF + (1u << 20), 8, W, 0);
	td_avail_add(&q, 0);
	td_avail_add(&q, 2);
	assert_int_equal(mixed_pass(), 1);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.budget, VIRTIO_PASS_BYTES_MAX - (512u << 10));
	assert_int_equal(td_used(&q, 0).len, 15u << 20);
	assert_int_equal(td_used_idx(&q), 1);
	assert_int_equal(mixed_pass(), 1);
	assert_int_equal(seen.budget, VIRTIO_PASS_BYTES_MAX - (1u << 20));
	assert_int_equal(td_used(&q, 1).id, 2);
	assert_int_equal(td_used(&q, 1).len, 8);

	/* A readable part that takes exactly what is left: the writable part
	 * gets nothing, and the pass ends there. */
	td_desc(&q, 4, BUF, 15u << 20, W, 0);
	td_desc(&q, 5, BUF, 1u << 20, N, 6);
	td_desc(&q, 6, BUF + (1u << 20), 8, W, 0);
	td_desc(&q, 7, BUF, 8, W, 0);
	td_avail_add(&q, 4);
	td_avail_add(&q, 5);
	td_avail_add(&q, 7);
	assert_int_equal(mixed_pass(), 2);
	assert_int_equal(seen.budget, 0);
	assert_int_equal(td_used(&q, 3).id, 5);
	assert_int_equal(td_used(&q, 3).len, 0);
	assert_int_equal(mixed_pass(), 1);
	assert_int_equal(td_used(&q, 4).id, 7);
	assert_false(td_needs_reset(TD_RNG));
}

/* The readable part's limit holds in a chain with a writable part too:
 * exactly KVMRUN_VIRTQ_READ_CHAIN_MAX is fine, one byte more is not. */
static void test_mixed_read_limit(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, KVMRUN_VIRTQ_READ_CHAIN_MAX - 1, N, 1);
	td_desc(&q, 1, BUF, 1, N, 2);
	td_desc(&q, 2, BUF, 8, W, 0);
	td_avail_add(&q, 0);
	assert_int_equal(mixed_pass(), 1);
	assert_int_equal(seen.read_bytes, KVMRUN_VIRTQ_READ_CHAIN_MAX);

	td_desc(&q, 1, BUF, 2, N, 2);
	td_avail_add(&q, 0);
	td_stderr_begin();
	assert_int_equal(mixed_pass(), 0);
	const char *err = td_stderr_end();
	assert_string_equal(err, "kvmrun: virtio-rng: queue 0: chain from descriptor 0 has 1048577 "
			    "device-readable bytes, more than the 1048576 a chain may carry to the "
			    "device: device needs reset\n");
	assert_int_equal(seen.calls, 0);
	assert_true(td_needs_reset(TD_RNG));

	/* Without a writable part, the words of the console's transmitq. */
	rng_ready(16);
	td_desc(&q, 0, BUF, KVMRUN_VIRTQ_READ_CHAIN_MAX + 1, 0, 0);
	td_avail_add(&q, 0);
	td_stderr_begin();
	assert_int_equal(mixed_pass(), 0);
	err = td_stderr_end();
	assert_string_equal(err, "kvmrun: virtio-rng: queue 0: chain from descriptor 0 carries "
			    "1048577 bytes, more than the 1048576 a device-readable chain may: "
			    "device needs reset\n");
}

/* §2.7.4.2: no device-readable descriptor after a device-writable one,
 * empty or not; refused before its address is looked at. */
static void test_readable_after_writable(void **state)
{
	static const struct {
		struct { unsigned i; uint64_t addr; uint32_t len; uint16_t flags, next; } d[4];
		unsigned n;
		uint16_t head;
		const char *why;
	} cases[] = {
		{ { { 0, BUF, 8, N, 1 }, { 1, BUF, 8, W | N, 2 }, { 2, BUF, 8, 0, 0 } }, 3, 0,
		  "descriptor 2 is device-readable after device-writable descriptor 1" },
		{ { { 4, BUF, 8, W | N, 9 }, { 9, 0xd0000000, 8, 0, 0 } }, 2, 4,
		  "descriptor 9 is device-readable after device-writable descriptor 4" },
		{ { { 0, UINT64_MAX, 0, W | N, 1 }, { 1, UINT64_MAX, 0, 0, 0 } }, 2, 0,
		  "descriptor 1 is device-readable after device-writable descriptor 0" },
		{ { { 0, BUF, 8, N, 5 }, { 5, BUF, 8, W | N, 7 }, { 7, BUF, 0, W | N, 3 },
		    { 3, BUF, 8, N, 0 } }, 4, 0,
		  "descriptor 3 is device-readable after device-writable descriptor 5" },
	};
	char want[512];

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		rng_ready(16);
		for (unsigned k = 0; k < cases[c].n; k++)
			td_desc(&q, cases[c].d[k].i, cases[c].d[k].addr, cases[c].d[k].len,
				cases[c].d[k].flags, cases[c].d[k].next);
		td_avail_add(&q, cases[c].head);
		assert_int_equal(peek(RW), -1);
		assert_string_equal(why, cases[c].why);
		/* Through a pass: a driver error, nothing done. */
		td_stderr_begin();
		assert_int_equal(mixed_pass(), 0);
		const char *err = td_stderr_end();
		snprintf(want, sizeof want, "kvmrun: virtio-rng: queue 0: %s: device needs reset\n",
			 cases[c].why);
		assert_string_equal(err, want);
		assert_int_equal(seen.calls, 0);
		assert_int_equal(td_used_idx(&q), 0);
		assert_true(td_needs_reset(TD_RNG));
		assert_int_equal(td_read(TD_RNG, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	}
}

/* A queue that takes one part refuses a chain with the other, naming the
 * first descriptor of the wrong kind, as it always has. */
static void test_one_part_queue_refuses_the_other(void **state)
{
	(void)state;
	td_desc(&q, 0, BUF, 8, N, 1);
	td_desc(&q, 1, BUF + 8, 8, W, 0);
	td_avail_add(&q, 0);
	assert_int_equal(peek(VIRTQ_DEVICE_READS), -1);
	assert_string_equal(why, "descriptor 1 is device-writable in a queue the device reads");
	assert_int_equal(peek(VIRTQ_DEVICE_WRITES), -1);
	assert_string_equal(why, "descriptor 0 is device-readable in a queue the device writes");
	assert_int_equal(peek(RW), 0);
	/* The rng's requestq takes only the writable part. */
	expect_violation("descriptor 0 is device-readable in a queue the device writes");
}

/* The other rules hold in either part. */
static void test_mixed_chain_bounds(void **state)
{
	static const struct {
		struct { unsigned i; uint64_t addr; uint32_t len; uint16_t flags, next; } d[4];
		unsigned n;
		const char *why;
	} cases[] = {
		{ { { 0, BUF, 8, N, 1 }, { 1, BUF, 8, W | N, 2 }, { 2, BUF, 8, W | N, 1 } }, 3,
		  "chain from descriptor 0 is longer than the queue size 16 (a loop?)" },
		{ { { 0, BUF, 8, N, 1 }, { 1, BUF, 8, W | VIRTQ_DESC_F_INDIRECT, 0 } }, 2,
		  "descriptor 1 is INDIRECT, which was not negotiated" },
		{ { { 0, BUF, 8, N, 1 }, { 1, TD_MEM_SIZE - 4, 8, W, 0 } }, 2,
		  "descriptor 1 [0x3fffffc,+0x8) is outside guest RAM" },
		{ { { 0, BUF, 8, N, 1 }, { 1, BUF, 8, W | N, 16 } }, 2,
		  "descriptor 1: next index 16 is out of range (queue size 16)" },
	};

	(void)state;
	/* The longest legal chain: 8 readable, 8 writable, every descriptor once. */
	for (unsigned i = 0; i < 16; i++)
		td_desc(&q, i, BUF + i, 1 + i, (i < 8 ? 0 : W) | (i < 15 ? N : 0), (uint16_t)(i + 1));
	td_avail_add(&q, 0);
	assert_int_equal(peek(RW), 0);
	assert_int_equal(chain.nread, 8);
	assert_int_equal(chain.nwrite, 8);
	assert_int_equal(chain.read_bytes, 36);      /* 1 + ... + 8 */
	assert_int_equal(chain.write_bytes, 100);    /* 9 + ... + 16 */
	for (unsigned i = 0; i < 16; i++)
		expect_seg(i, BUF + i, 1 + i);

	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		rng_ready(16);
		for (unsigned k = 0; k < cases[c].n; k++)
			td_desc(&q, cases[c].d[k].i, cases[c].d[k].addr, cases[c].d[k].len,
				cases[c].d[k].flags, cases[c].d[k].next);
		td_avail_add(&q, 0);
		assert_int_equal(peek(RW), -1);
		assert_string_equal(why, cases[c].why);
	}
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
		T(test_mixed_chain_split),
		T(test_mixed_chain_one_part),
		T(test_mixed_chain_pass),
		T(test_mixed_pass_budget),
		T(test_mixed_read_limit),
		T(test_readable_after_writable),
		T(test_one_part_queue_refuses_the_other),
		T(test_mixed_chain_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
