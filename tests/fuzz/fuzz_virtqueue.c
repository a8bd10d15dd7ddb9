/* libFuzzer target: kvmrun's virtio devices and IOAPIC driven by a hostile
 * guest.
 *
 * Input: a guest memory image, console input, then a script of register
 * accesses against both devices and the IOAPIC, made through the MMIO
 * table (mmio_regions_access()) exactly as the exit loop makes them, plus
 * the wait hypercall and guest writes to
 * its own memory between accesses.
 *
 *   u16 image_len; image_len bytes copied to guest-physical 0 (64 KiB RAM)
 *   u8 input_len;  input_len bytes the console reads from "stdin", a pipe
 *                  whose writer is closed (so nothing ever blocks)
 *   ops until the end, each one byte of opcode (mod OP_COUNT) and operands:
 *     OP_WRITE  u8 where, u16 offset, u8 len, u64 value
 *     OP_READ   u8 where, u16 offset, u8 len
 *     OP_WAIT
 *     OP_POKE   u16 gpa, u8 len, len bytes
 *     OP_DRIVER u8 dev                      reset .. DRIVER_OK, VERSION_1
 *     OP_QUEUE  u8 dev, u8 queue, u16 size, u16 desc, u16 avail, u16 used
 *     OP_NOTIFY u8 dev, u8 queue
 *     OP_IOAPIC u8 which, u8 len, u32 value, u8 is_write; which bits 0-1:
 *               IOREGSEL, IOWIN, offset 0x40, or (a u16 follows) any offset
 *     OP_EOI    u8 vector                   the local APIC's EOI
 *     OP_PEEK   u8 dev, u8 queue, u8 parts  virtq_peek() on a ready queue
 *     OP_PASS   u8 dev, u8 queue, u8 parts  virtio_queue_pass() with a device
 *               of the fuzzer's that reads the readable part, fills the
 *               writable part, and (parts bit 7) leaves the second chain
 *               for later
 *   "where": bits 0-1 the window (2 and 3 have no device), bit 2 moves the
 *   access 0x800 below it; len is taken mod 10 (KVM gives 1..8). "parts"
 *   mod 3 (of its bits 0-6) picks readable-only, writable-only or both
 *   (enum virtq_parts): kvmrun's devices take one part per queue, so
 *   chains with both reach the walker and the pass through these two ops.
 * Every chain OP_PEEK and OP_PASS get is checked against a plain model of
 * the rules (§2.7.4.2, §2.7.5.2): accepted exactly when the model accepts
 * it, and then the same buffers, readable ones first, with the right
 * totals; the pass's budget and used entries are checked too.
 * The devices' interrupts go through the IOAPIC, whose every MSI and route
 * report is checked against its redirection table (abort on a mismatch).
 * OP_DRIVER and OP_QUEUE are shorthands for register sequences a driver
 * makes; they too go through the MMIO table. Stdout goes to
 * /dev/null; run with -close_fd_mask=2 to silence the diagnostics.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kvmrun/start_info.h>
#include <kvmrun/virtio_mmio.h>
#include <kvmrun/virtqueue.h>

#include "../../monitor/ioapic.h"
#include "../../monitor/stats.h"
#include "../../monitor/stop_request.h"
#include "../../monitor/virtio/pass.h"
#include "../../monitor/virtio/device_table.h"
#include "../../monitor/virtio/virtq.h"

#define FUZZ_RAM (64u << 10)

enum { OP_WRITE, OP_READ, OP_WAIT, OP_POKE, OP_DRIVER, OP_QUEUE, OP_NOTIFY, OP_IOAPIC, OP_EOI,
       OP_PEEK, OP_PASS, OP_COUNT };

static struct guest_mem mem;
static struct virtio_devices devs;
static struct ioapic ioapic;
static struct mmio_regions regions; /* as main.c builds it: the IOAPIC, the device windows */

struct input {
	const uint8_t *p;
	size_t left;
};

static int take(struct input *in, void *out, size_t n)
{
	if (in->left < n)
		return -1;
	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return 0;
}

/* An MSI must come from an unmasked entry in an allowed delivery mode. */
static void check_msi(void *ctx, struct ioapic_msi msi)
{
	(void)ctx;
	unsigned mode = msi.data >> 8 & 7;
	if ((msi.address & 0xfff00000u) != 0xfee00000u || (mode != 0 && mode != 1 && mode != 4))
		abort();
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		struct ioapic_msi m = ioapic_msi_of(ioapic.rte[pin]);
		if (m.address == msi.address && m.data == msi.data &&
		    !(ioapic.rte[pin] & IOAPIC_RTE_MASKED))
			return;
	}
	abort();
}

static void check_routes(void *ctx, const bool level[IOAPIC_PINS],
			 const struct ioapic_msi msi[IOAPIC_PINS])
{
	(void)ctx;
	(void)msi;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		if (level[pin] != ((ioapic.rte[pin] & IOAPIC_RTE_LEVEL) != 0))
			abort();
}

/* State the IOAPIC must never reach: remote IRR or a held interrupt on an
 * edge pin. */
static void check_ioapic(void)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		if (!(ioapic.rte[pin] & IOAPIC_RTE_LEVEL) &&
		    ((ioapic.rte[pin] & IOAPIC_RTE_REMOTE_IRR) || ioapic.pending[pin]))
			abort();
}

static void ioapic_access(struct input *in)
{
	static const uint16_t offsets[] = { IOAPIC_REG_SELECT, IOAPIC_REG_WINDOW, 0x40 };
	uint8_t which, len, is_write;
	uint32_t value;
	uint16_t offset;
	uint8_t data[8] = { 0 };
	char why[256];

	if (take(in, &which, 1) || take(in, &len, 1) || take(in, &value, 4) || take(in, &is_write, 1))
		return;
	if ((which & 3) == 3) {
		if (take(in, &offset, 2))
			return;
		offset %= KVMRUN_IOAPIC_SIZE;
	} else {
		offset = offsets[which & 3];
	}
	memcpy(data, &value, sizeof value);
	(void)mmio_regions_access(&regions, KVMRUN_IOAPIC_BASE + offset, data, len % 9 ? len % 9 : 4,
				  is_write & 1, why, sizeof why);
}

static void mmio(uint8_t where, uint32_t offset, uint32_t len, uint64_t value, int is_write)
{
	uint8_t data[8];
	char why[256];
	uint64_t gpa = KVMRUN_VIRTIO_MMIO_BASE + (uint64_t)(where & 3) * KVMRUN_VIRTIO_MMIO_STRIDE +
		       offset - (where & 4 ? 0x800 : 0);

	memcpy(data, &value, sizeof data);
	(void)mmio_regions_access(&regions, gpa, data, len, is_write, why, sizeof why);
}

static void reg_write(uint8_t dev, uint32_t offset, uint32_t value)
{
	mmio(dev & 1, offset, 4, value, 1);
}

static void driver_init(uint8_t dev)
{
	reg_write(dev, VIRTIO_MMIO_STATUS, 0);
	reg_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	reg_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		  VIRTIO_STATUS_FEATURES_OK);
	reg_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		  VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void queue_setup(uint8_t dev, uint8_t queue, uint16_t size, uint16_t desc, uint16_t avail,
			uint16_t used)
{
	reg_write(dev, VIRTIO_MMIO_QUEUE_SEL, queue);
	reg_write(dev, VIRTIO_MMIO_QUEUE_NUM, size);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, desc);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, avail);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, used);
	reg_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	reg_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* The chain at a queue's next available entry as the rules say it must
 * be, walked without virtq.c: its head and non-empty buffers in order, or
 * false when it breaks a rule. */
struct model_buf {
	uint64_t gpa;
	uint32_t len;
	bool writable;
};

struct model {
	uint16_t head;
	unsigned n;
	struct model_buf buf[VIRTQ_SIZE_MAX];
};

static bool model_chain(const struct virtq *q, enum virtq_parts parts, struct model *m)
{
	bool seen_writable = false;
	uint16_t idx;

	memcpy(&idx, q->avail + 4 + 2 * (q->next_avail % q->size), sizeof idx);
	m->head = idx;
	m->n = 0;
	/* No descriptor twice: at most size of them (§2.7.5.2). */
	for (uint32_t n = 0; n < q->size; n++) {
		struct virtq_desc d;
		if (idx >= q->size)
			return false;
		memcpy(&d, q->desc + sizeof d * idx, sizeof d);
		bool writable = d.flags & VIRTQ_DESC_F_WRITE;
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return false;
		if (writable ? !(parts & VIRTQ_DEVICE_WRITES) : !(parts & VIRTQ_DEVICE_READS))
			return false;
		if (!writable && seen_writable) /* §2.7.4.2 */
			return false;
		seen_writable |= writable;
		if (d.len) {
			if (d.addr > FUZZ_RAM || d.len > FUZZ_RAM - d.addr)
				return false;
			m->buf[m->n++] = (struct model_buf){ d.addr, d.len, writable };
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return true;
		idx = d.next;
	}
	return false;
}

/* A chain the walker returned is the one the model sees: the same buffers
 * in the same order, the readable ones all before the writable ones, and
 * totals that are their sums. */
static void check_chain(const struct virtq *q, enum virtq_parts parts,
			const struct virtq_chain *chain)
{
	static struct model m;
	uint64_t read_bytes = 0, write_bytes = 0;

	if (!model_chain(q, parts, &m) || chain->head != m.head ||
	    chain->nread + chain->nwrite != m.n || m.n > q->size)
		abort();
	for (unsigned i = 0; i < m.n; i++) {
		if (chain->seg[i].iov_base != mem.host + m.buf[i].gpa ||
		    chain->seg[i].iov_len != m.buf[i].len || m.buf[i].writable != (i >= chain->nread))
			abort();
		*(m.buf[i].writable ? &write_bytes : &read_bytes) += m.buf[i].len;
	}
	if (read_bytes != chain->read_bytes || write_bytes != chain->write_bytes ||
	    virtq_chain_writable(chain) != chain->seg + chain->nread)
		abort();
}

/* The ready queue an op names, or NULL. */
static struct virtq *queue_of(uint8_t dev, uint8_t queue, struct virtio_dev **devp)
{
	struct virtio_dev *d = devs.dev[dev % VIRTIO_DEVICE_COUNT];
	struct virtq *q = &d->queue[queue % d->ops->nqueues];

	*devp = d;
	return q->ready ? q : NULL;
}

static void peek_op(uint8_t dev, uint8_t queue, uint8_t parts_byte)
{
	static struct virtq_chain chain;
	static struct model m;
	enum virtq_parts parts = (parts_byte & 0x7f) % 3 + 1;
	struct virtio_dev *d;
	struct virtq *q = queue_of(dev, queue, &d);
	unsigned pending;
	char why[256] = "";

	if (!q || virtq_pending(q, &pending, NULL, 0) < 0 || pending == 0)
		return;
	int rc = virtq_peek(q, &mem, parts, &chain, why, sizeof why);
	if ((rc == 0) != model_chain(q, parts, &m))
		abort();
	/* A refusal says why, in one line. */
	if (rc < 0 && (!why[0] || strchr(why, '\n')))
		abort();
	if (rc == 0)
		check_chain(q, parts, &chain);
}

/* The fuzzer's own device for OP_PASS: what it saw and did, chain by
 * chain, to check against the used ring and the pass's budget. */
static struct {
	const struct virtq *q;
	enum virtq_parts parts;
	bool later;           /* leave the second chain for a later pass */
	unsigned calls, done, checked;
	uint16_t used_before; /* the device's used index when the pass began */
	uint64_t moved;       /* bytes read and written in this pass */
	uint16_t head[VIRTQ_SIZE_MAX];
	uint32_t len[VIRTQ_SIZE_MAX];
} fake;

/* The used entries of the chains finished so far hold their heads and the
 * lengths written, in order. Checked before the next chain's buffers are
 * written: the guest may have put a buffer over the used ring. */
static void check_used(void)
{
	for (; fake.checked < fake.done; fake.checked++) {
		struct virtq_used_elem e;
		uint32_t slot = (uint16_t)(fake.used_before + fake.checked) % fake.q->size;
		memcpy(&e, fake.q->used + 4 + sizeof e * slot, sizeof e);
		if (e.id != fake.head[fake.checked] || e.len != fake.len[fake.checked])
			abort();
	}
}

static int64_t fake_chain(struct virtio_dev *dev, const struct virtq_chain *chain, uint64_t budget)
{
	const struct iovec *out = virtq_chain_writable(chain);
	volatile uint8_t sum = 0;
	uint64_t wrote = 0;

	(void)dev;
	check_used();
	/* Not yet taken: the chain at the next available entry. */
	check_chain(fake.q, fake.parts, chain);
	if (chain->read_bytes > KVMRUN_VIRTQ_READ_CHAIN_MAX || fake.calls >= fake.q->size)
		abort();
	fake.calls++;
	if (fake.later && fake.calls == 2)
		return VIRTIO_CHAIN_LATER;
	/* The readable part is counted first; the budget is what is left. */
	fake.moved += chain->read_bytes;
	if (fake.moved > VIRTIO_PASS_BYTES_MAX || budget != VIRTIO_PASS_BYTES_MAX - fake.moved)
		abort();
	/* Each buffer's ends are there to read (the model put them in RAM). */
	for (unsigned i = 0; i < chain->nread; i++) {
		const uint8_t *p = chain->seg[i].iov_base;
		sum += p[0] + p[chain->seg[i].iov_len - 1];
	}
	for (unsigned i = 0; i < chain->nwrite && wrote < budget; i++) {
		size_t n = out[i].iov_len < budget - wrote ? out[i].iov_len : (size_t)(budget - wrote);
		memset(out[i].iov_base, sum, n);
		wrote += n;
	}
	fake.moved += wrote;
	fake.head[fake.done] = chain->head;
	fake.len[fake.done] = (uint32_t)wrote;
	fake.done++;
	return (int64_t)wrote;
}

static void pass_op(uint8_t dev, uint8_t queue, uint8_t parts_byte)
{
	struct virtio_dev *d;
	struct virtq *q = queue_of(dev, queue, &d);

	if (!q)
		return;
	memset(&fake, 0, sizeof fake);
	fake.q = q;
	fake.parts = (parts_byte & 0x7f) % 3 + 1;
	fake.later = parts_byte & 0x80;
	fake.used_before = q->used_idx;
	unsigned done = virtio_queue_pass(d, (unsigned)(q - d->queue), fake.parts, fake_chain);
	/* Every chain the device finished is in the used ring, nothing else. */
	if (done != fake.done || (uint16_t)(q->used_idx - fake.used_before) != done)
		abort();
	check_used();
}

/* Bytes moved between the guest's buffers and the host, in all. */
static uint64_t moved_bytes(void)
{
	return stats.console_out_bytes + stats.console_in_bytes + stats.rng_bytes;
}

static void run_op(struct input *in, uint8_t op)
{
	uint8_t where, len, dev, queue, bytes[255];
	uint16_t offset, size, desc, avail, used;
	uint64_t value = 0;

	switch (op % OP_COUNT) {
	case OP_WRITE:
		if (!take(in, &where, 1) && !take(in, &offset, 2) && !take(in, &len, 1) &&
		    !take(in, &value, 8))
			mmio(where, offset, len % 10, value, 1);
		break;
	case OP_READ:
		if (!take(in, &where, 1) && !take(in, &offset, 2) && !take(in, &len, 1))
			mmio(where, offset, len % 10, 0, 0);
		break;
	case OP_WAIT:
		virtio_devices_wait(&devs);
		break;
	case OP_POKE:
		if (!take(in, &offset, 2) && !take(in, &len, 1) && !take(in, bytes, len)) {
			uint8_t *p = guest_mem_ptr(&mem, offset, len);
			if (p)
				memcpy(p, bytes, len);
		}
		break;
	case OP_DRIVER:
		if (!take(in, &dev, 1))
			driver_init(dev);
		break;
	case OP_QUEUE:
		if (!take(in, &dev, 1) && !take(in, &queue, 1) && !take(in, &size, 2) &&
		    !take(in, &desc, 2) && !take(in, &avail, 2) && !take(in, &used, 2))
			queue_setup(dev, queue, size, desc, avail, used);
		break;
	case OP_NOTIFY:
		if (!take(in, &dev, 1) && !take(in, &queue, 1)) {
			uint64_t before = moved_bytes();
			reg_write(dev, VIRTIO_MMIO_QUEUE_NOTIFY, queue);
			/* One notification's work is bounded (pass.h). */
			if (moved_bytes() - before > VIRTIO_PASS_BYTES_MAX)
				abort();
		}
		break;
	case OP_IOAPIC:
		ioapic_access(in);
		break;
	case OP_EOI:
		if (!take(in, &dev, 1))
			ioapic_eoi(&ioapic, dev);
		break;
	case OP_PEEK:
	case OP_PASS:
		if (!take(in, &dev, 1) && !take(in, &queue, 1) && !take(in, &len, 1))
			(op % OP_COUNT == OP_PEEK ? peek_op : pass_op)(dev, queue, len);
		break;
	}
	check_ioapic();
}

/* The console's input: a pipe holding these bytes, its writer closed. */
static int make_input(struct input *in)
{
	uint8_t len, bytes[255];
	int fds[2];

	if (take(in, &len, 1) || take(in, bytes, len) || pipe(fds) < 0)
		return -1;
	if (len && write(fds[1], bytes, len) != len)
		abort();
	close(fds[1]);
	return fds[0];
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	int null = open("/dev/null", O_RDWR);

	(void)argc;
	(void)argv;
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0 ||
	    guest_mem_alloc(&mem, FUZZ_RAM, err, sizeof err) < 0)
		abort();
	close(null);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	uint16_t image_len;
	uint8_t op;

	if (take(&in, &image_len, 2))
		return 0;
	/* A u16 length: the image never exceeds the 64 KiB of RAM. */
	size_t image = image_len < in.left ? image_len : in.left;
	memset(mem.host, 0, FUZZ_RAM);
	take(&in, mem.host, image);
	int in_fd = make_input(&in);
	if (in_fd < 0)
		return 0;
	stop_request_forget();
	ioapic_init(&ioapic, (struct ioapic_ops){ .deliver = check_msi,
						   .level_pins_changed = check_routes });
	const struct virtio_device_env env = {
		.mem = &mem, .irq = { .raise = ioapic_raise, .ctx = &ioapic }, .console_in_fd = in_fd,
		.console_out_fd = STDOUT_FILENO, .console_err_fd = STDOUT_FILENO, /* /dev/null */
	};
	char err[256];
	virtio_devices_init(&devs, &env);
	mmio_regions_init(&regions);
	if (ioapic_add_region(&ioapic, &regions, err, sizeof err) < 0 ||
	    virtio_devices_add_regions(&devs, &regions, err, sizeof err) < 0)
		abort();
	while (!take(&in, &op, 1))
		run_op(&in, op);
	close(in_fd);
	return 0;
}
