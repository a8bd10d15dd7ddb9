/* Test guest: attacks on the monitor. Each scenario, named by argv[1], does
 * something a well-behaved guest never does and then checks from inside that
 * the monitor did what README.md ("Hostile guests") documents.
 *
 * Scenarios that the monitor must answer by stopping the guest (status 121)
 * print what they are about to do, then do it; should the guest get control
 * back, it says so and exits 99. Scenarios that the monitor must survive
 * print one verdict line per attack ("attack NAME: ...") and exit 0 when
 * every outcome was the documented one, 1 when one was not (with a
 * "FAIL:" line saying which), 2 on bad usage.
 *
 * The rings and buffers of the hand-driven devices live at the top of the
 * largest free RAM range below 4 GiB, as the memory map gives it; the guest
 * runtime takes its own from the bottom of that range. Device windows come
 * from the device map: device 0 the console, device 1 the rng.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kvmrun/guest.h>
#include <kvmrun/virtio_mmio.h>
#include <kvmrun/virtqueue.h>

#define SCRATCH_SIZE (2u << 20)
#define FLOOD_CHUNK (1u << 20)
#define LIMIT_4G 0x100000000ull

/* Scratch layout: one queue's three areas, then buffers. */
#define OFF_DESC 0x0000u
#define OFF_AVAIL 0x1000u
#define OFF_USED 0x2000u
#define OFF_BUF 0x3000u
#define OFF_FLOOD 0x100000u

static struct kvmrun_start_info si; /* a copy: some attacks overwrite the original */
static uint64_t ram_top;            /* first address past the highest RAM byte */
static uint64_t scratch;            /* SCRATCH_SIZE bytes of free RAM below 4 GiB */
static uintptr_t con_win, rng_win;  /* the two device windows */
static int failures;

/* ------------------------------------------------------------ utilities */

static int usage_error(const char *what);

static void fail(const char *what)
{
	printf("FAIL: %s\n", what);
	failures++;
}

static void *at(uint64_t gpa)
{
	return (void *)(uintptr_t)gpa;
}

static const struct kvmrun_mem_entry *mem_entry_of(uint64_t gpa)
{
	for (uint32_t i = 0; i < si.mem_count && i < KVMRUN_MAX_MEM_ENTRIES; i++)
		if (gpa >= si.mem[i].base && gpa - si.mem[i].base < si.mem[i].size)
			return &si.mem[i];
	return NULL;
}

static const struct kvmrun_mem_entry *mem_entry_use(uint32_t use)
{
	for (uint32_t i = 0; i < si.mem_count && i < KVMRUN_MAX_MEM_ENTRIES; i++)
		if (si.mem[i].use == use)
			return &si.mem[i];
	return NULL;
}

/* Read the machine from start_info: RAM top, scratch memory, windows. */
static int survey(void)
{
	memcpy(&si, kvmrun_start_info(), sizeof si);
	for (uint32_t i = 0; i < si.mem_count && i < KVMRUN_MAX_MEM_ENTRIES; i++) {
		const struct kvmrun_mem_entry *e = &si.mem[i];
		if (e->base + e->size > ram_top)
			ram_top = e->base + e->size;
	}
	/* From the runtime, which also takes free RAM for the app's stack and
	 * its own bookkeeping. */
	void *p = kvmrun_alloc(SCRATCH_SIZE, 4096);
	if (!p) {
		printf("no room for scratch memory\n");
		return -1;
	}
	scratch = (uintptr_t)p;
	if (si.dev_count < 2) {
		printf("expected two devices, found %u\n", si.dev_count);
		return -1;
	}
	con_win = (uintptr_t)si.dev[0].base;
	rng_win = (uintptr_t)si.dev[1].base;
	return 0;
}

static uint32_t rd32(uintptr_t win, uint32_t off)
{
	return *(volatile uint32_t *)(win + off);
}

static void wr32(uintptr_t win, uint32_t off, uint32_t value)
{
	*(volatile uint32_t *)(win + off) = value;
}

/* An access of width 1, 2, 4 or 8 bytes at any address. 8-byte accesses
 * of a 32-bit guest go through an MMX register: one 8-byte access. */
static uint64_t mmio_read(uintptr_t addr, unsigned width)
{
	switch (width) {
	case 1: return *(volatile uint8_t *)addr;
	case 2: return *(volatile uint16_t *)addr;
	case 4: return *(volatile uint32_t *)addr;
	default: {
#ifdef __x86_64__
		return *(volatile uint64_t *)addr;
#else
		uint64_t v;
		__asm__ volatile("movq (%1), %%mm0; movq %%mm0, %0; emms"
				 : "=m"(v) : "r"(addr) : "memory");
		return v;
#endif
	}
	}
}

static void mmio_write(uintptr_t addr, unsigned width, uint64_t value)
{
	switch (width) {
	case 1: *(volatile uint8_t *)addr = (uint8_t)value; break;
	case 2: *(volatile uint16_t *)addr = (uint16_t)value; break;
	case 4: *(volatile uint32_t *)addr = (uint32_t)value; break;
	default:
#ifdef __x86_64__
		*(volatile uint64_t *)addr = value;
#else
		__asm__ volatile("movq %1, %%mm0; movq %%mm0, (%0); emms"
				 : : "r"(addr), "m"(value) : "memory");
#endif
		break;
	}
}

static void mb(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

/* ------------------------------------------------ a device driven by hand */

struct hq {
	uintptr_t win;
	uint16_t size;
	uint16_t avail_idx;
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
};

/* §3.1.1 up to FEATURES_OK, accepting VIRTIO_F_VERSION_1 only. */
static int dev_begin(uintptr_t win)
{
	wr32(win, VIRTIO_MMIO_STATUS, 0);
	if (rd32(win, VIRTIO_MMIO_STATUS) != 0)
		return -1;
	wr32(win, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr32(win, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr32(win, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(win, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr32(win, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(win, VIRTIO_MMIO_DRIVER_FEATURES, 1u << (VIRTIO_F_VERSION_1 - 32));
	wr32(win, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	     VIRTIO_STATUS_FEATURES_OK);
	return rd32(win, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK ? 0 : -1;
}

static void driver_ok(uintptr_t win)
{
	wr32(win, VIRTIO_MMIO_STATUS, rd32(win, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

static void set_queue_regs(uintptr_t win, uint32_t index, uint32_t size, uint64_t desc,
			   uint64_t avail, uint64_t used)
{
	wr32(win, VIRTIO_MMIO_QUEUE_SEL, index);
	wr32(win, VIRTIO_MMIO_QUEUE_NUM, size);
	wr32(win, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr32(win, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr32(win, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr32(win, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr32(win, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr32(win, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
}

/* Rings of size entries at the start of scratch, zeroed. */
static void hq_rings(struct hq *q, uintptr_t win, uint16_t size)
{
	q->win = win;
	q->size = size;
	q->avail_idx = 0;
	q->desc = at(scratch + OFF_DESC);
	q->avail = at(scratch + OFF_AVAIL);
	q->used = at(scratch + OFF_USED);
	memset(at(scratch), 0, OFF_BUF);
}

/* Reset the device and bring queue index up live on fresh rings. */
static int hq_up(struct hq *q, uintptr_t win, uint32_t index, uint16_t size)
{
	hq_rings(q, win, size);
	if (dev_begin(win) < 0)
		return -1;
	set_queue_regs(win, index, size, scratch + OFF_DESC, scratch + OFF_AVAIL,
		       scratch + OFF_USED);
	wr32(win, VIRTIO_MMIO_QUEUE_READY, 1);
	if (rd32(win, VIRTIO_MMIO_QUEUE_READY) != 1)
		return -1;
	driver_ok(win);
	return rd32(win, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK ? 0 : -1;
}

static void set_desc(struct hq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	q->desc[i].addr = addr;
	q->desc[i].len = len;
	q->desc[i].flags = flags;
	q->desc[i].next = next;
}

/* Make head available (without notifying). */
static void offer(struct hq *q, uint16_t head)
{
	q->avail->ring[q->avail_idx % q->size] = head;
	mb();
	q->avail_idx++;
	q->avail->idx = q->avail_idx;
	mb();
}

static void notify(struct hq *q, uint32_t index)
{
	wr32(q->win, VIRTIO_MMIO_QUEUE_NOTIFY, index);
}

static void submit(struct hq *q, uint32_t index, uint16_t head)
{
	offer(q, head);
	notify(q, index);
}

static uint32_t dev_status(uintptr_t win)
{
	return rd32(win, VIRTIO_MMIO_STATUS);
}

/* The device refused what the driver did: DEVICE_NEEDS_RESET in Status,
 * the configuration-change interrupt when DRIVER_OK was set, and nothing
 * in the used ring. */
static void expect_needs_reset(const char *what, struct hq *q)
{
	uint32_t st = dev_status(q->win);
	int bad = 0;

	if (!(st & VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
		printf("FAIL: attack %s: Status 0x%x lacks DEVICE_NEEDS_RESET\n", what, st);
		bad = 1;
	}
	if ((st & VIRTIO_STATUS_DRIVER_OK) &&
	    !(rd32(q->win, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG)) {
		printf("FAIL: attack %s: no configuration-change interrupt\n", what);
		bad = 1;
	}
	if (q->used && (q->used->idx != 0 || q->used->ring[0].id != 0 || q->used->ring[0].len != 0)) {
		printf("FAIL: attack %s: the used ring was written (idx %u)\n", what, q->used->idx);
		bad = 1;
	}
	if (bad)
		failures++;
	else
		printf("attack %s: device needs reset\n", what);
}

/* The device took the chain and says it wrote want bytes. */
static int expect_used(const char *what, struct hq *q, uint16_t head, uint32_t want)
{
	uint32_t st = dev_status(q->win);

	if (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		printf("FAIL: attack %s: device needs reset (Status 0x%x)\n", what, st);
		failures++;
		return -1;
	}
	if (q->used->idx != q->avail_idx) {
		printf("FAIL: attack %s: used index %u, expected %u\n", what, q->used->idx, q->avail_idx);
		failures++;
		return -1;
	}
	volatile struct virtq_used_elem *e = &q->used->ring[(uint16_t)(q->avail_idx - 1) % q->size];
	if (e->id != head || e->len != want) {
		printf("FAIL: attack %s: used element {id %u, len %u}, expected {%u, %u}\n", what,
		       e->id, e->len, head, want);
		failures++;
		return -1;
	}
	return 0;
}

/* One rng request for [addr, +len) as a single writable descriptor. */
static void rng_one(struct hq *q, uint64_t addr, uint32_t len)
{
	set_desc(q, 0, addr, len, VIRTQ_DESC_F_WRITE, 0);
	submit(q, VIRTIO_RNG_REQUESTQ, 0);
}

static int rng_up(struct hq *q, uint16_t size)
{
	if (hq_up(q, rng_win, VIRTIO_RNG_REQUESTQ, size) < 0) {
		fail("cannot bring virtio-rng up by hand");
		return -1;
	}
	return 0;
}

/* Fill [p, +len) from the rng until it differs from what was there (a
 * random byte equals the old one 1 time in 256): 0 once it changed. */
static int rng_changes(struct hq *q, const char *what, uint64_t addr, uint32_t len)
{
	uint8_t before[64];
	uint32_t n = len < sizeof before ? len : (uint32_t)sizeof before;

	memcpy(before, at(addr), n);
	for (int tries = 0; tries < 16; tries++) {
		rng_one(q, addr, len);
		if (expect_used(what, q, 0, len) < 0)
			return -1;
		if (memcmp(before, at(addr), n) != 0)
			return 0;
	}
	printf("FAIL: attack %s: the bytes never changed\n", what);
	failures++;
	return -1;
}

/* ------------------------------------------- virtqueue attacks on the rng */

/* A single bad descriptor: refused, the device needs reset. */
static void bad_desc(const char *what, uint64_t addr, uint32_t len, uint16_t flags)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	set_desc(&q, 0, addr, len, flags, 0);
	submit(&q, VIRTIO_RNG_REQUESTQ, 0);
	expect_needs_reset(what, &q);
}

static void atk_past_ram(void)
{
	bad_desc("past-ram", ram_top, 1, VIRTQ_DESC_F_WRITE);
}

/* [top-8, top+8): the half inside RAM must stay as it was. */
static void atk_straddle(void)
{
	const struct kvmrun_mem_entry *e = mem_entry_of(ram_top - 1);
	uint8_t *tail = at(ram_top - 8);

	if (ram_top > LIMIT_4G && sizeof(void *) == 4) {
		printf("attack straddle: skipped (RAM ends above 4 GiB)\n");
		return;
	}
	if (!e || e->use != KVMRUN_MEM_FREE) {
		fail("straddle: the last page of RAM is not free");
		return;
	}
	memset(tail, 0xa5, 8);
	bad_desc("straddle", ram_top - 8, 16, VIRTQ_DESC_F_WRITE);
	for (int i = 0; i < 8; i++)
		if (tail[i] != 0xa5) {
			fail("straddle: the bytes inside RAM were written");
			return;
		}
}

static void atk_wrap(void)
{
	bad_desc("wrap", 0xfffffffffffffff0ull, 0x20, VIRTQ_DESC_F_WRITE);
}

static void atk_hole(void)
{
	bad_desc("hole", rng_win, 16, VIRTQ_DESC_F_WRITE);
}

static void atk_len_ffffffff(void)
{
	bad_desc("len-ffffffff", scratch + OFF_BUF, 0xffffffffu, VIRTQ_DESC_F_WRITE);
}

static void atk_len_fffff000(void)
{
	bad_desc("len-fffff000", scratch + OFF_BUF, 0xfffff000u, VIRTQ_DESC_F_WRITE);
}

static void atk_readable(void)
{
	bad_desc("readable", scratch + OFF_BUF, 16, 0);
}

static void atk_indirect(void)
{
	bad_desc("indirect", scratch + OFF_BUF, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT);
}

static void atk_loop_self(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	set_desc(&q, 0, scratch + OFF_BUF, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	submit(&q, VIRTIO_RNG_REQUESTQ, 0);
	expect_needs_reset("loop-self", &q);
}

static void atk_loop_two(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	set_desc(&q, 0, scratch + OFF_BUF, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(&q, 1, scratch + OFF_BUF + 16, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	submit(&q, VIRTIO_RNG_REQUESTQ, 0);
	expect_needs_reset("loop-two", &q);
}

static void atk_next_range(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	set_desc(&q, 0, scratch + OFF_BUF, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 200);
	submit(&q, VIRTIO_RNG_REQUESTQ, 0);
	expect_needs_reset("next-range", &q);
}

static void atk_head_range(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	set_desc(&q, 0, scratch + OFF_BUF, 16, VIRTQ_DESC_F_WRITE, 0);
	submit(&q, VIRTIO_RNG_REQUESTQ, 99);
	expect_needs_reset("head-range", &q);
}

/* avail->idx 9 entries ahead of the device in a queue of 8. */
static void atk_avail_ahead(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	set_desc(&q, 0, scratch + OFF_BUF, 16, VIRTQ_DESC_F_WRITE, 0);
	q.avail->idx = 9;
	mb();
	notify(&q, VIRTIO_RNG_REQUESTQ);
	expect_needs_reset("avail-ahead", &q);
}

/* An empty buffer's address is never used, so it is not checked. */
static void atk_zero_len_wild(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	rng_one(&q, 0xdead0000beef0000ull, 0);
	if (expect_used("zero-len-wild", &q, 0, 0) == 0)
		printf("attack zero-len-wild: accepted, used length 0\n");
}

/* start_info is guest RAM: the device may write it (here its magic). */
static void atk_start_info(void)
{
	const struct kvmrun_mem_entry *e = mem_entry_use(KVMRUN_MEM_START_INFO);
	struct hq q;

	if (!e) {
		fail("start-info: no START_INFO range in the memory map");
		return;
	}
	if (rng_up(&q, 8) < 0)
		return;
	if (rng_changes(&q, "start-info", e->base, 64) == 0)
		printf("attack start-info: accepted, magic now 0x%08x\n",
		       *(volatile uint32_t *)at(e->base));
}

/* The upper half of the PML4 (addresses from 128 TiB up, never used
 * here) for 64-bit guests; the unused tail of the GDT for 32-bit ones. */
static void atk_page_tables(void)
{
	const struct kvmrun_mem_entry *pt = mem_entry_use(KVMRUN_MEM_PAGE_TABLES);
	const struct kvmrun_mem_entry *gdt = mem_entry_use(KVMRUN_MEM_GDT);
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	if (pt) {
		if (rng_changes(&q, "page-tables", pt->base + 2048, 2048) == 0)
			printf("attack page-tables: accepted, PML4 entry 256 now 0x%llx\n",
			       (unsigned long long)*(volatile uint64_t *)at(pt->base + 2048));
	} else if (gdt) {
		if (rng_changes(&q, "page-tables", gdt->base + 2048, 64) == 0)
			printf("attack page-tables: no page tables (32-bit); GDT tail accepted\n");
	} else {
		fail("page-tables: neither page tables nor GDT in the memory map");
	}
}

static void atk_last_byte(void)
{
	const struct kvmrun_mem_entry *e = mem_entry_of(ram_top - 1);
	struct hq q;

	if (ram_top > LIMIT_4G && sizeof(void *) == 4) {
		printf("attack last-byte: skipped (RAM ends above 4 GiB)\n");
		return;
	}
	if (!e || e->use != KVMRUN_MEM_FREE) {
		fail("last-byte: the last page of RAM is not free");
		return;
	}
	if (rng_up(&q, 8) < 0)
		return;
	if (rng_changes(&q, "last-byte", ram_top - 1, 1) < 0)
		return;
	if (rng_changes(&q, "last-byte", ram_top - 16, 16) < 0)
		return;
	printf("attack last-byte: accepted, [top-1,+1) and [top-16,+16) filled\n");
}

/* A descriptor above 4 GiB, from any guest: RAM when --mem puts some
 * there, outside RAM otherwise. argv: LEN (default 64). */
static void atk_high(uint32_t len)
{
	struct hq q;
	uint64_t addr = LIMIT_4G;

	if (rng_up(&q, 8) < 0)
		return;
	rng_one(&q, addr, len);
	if (!(dev_status(rng_win) & VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
		volatile struct virtq_used_elem *e = &q.used->ring[0];
		printf("attack high: served, used length %u\n", e->len);
#ifdef __x86_64__
		/* A 64-bit guest sees it: the first 64 bytes are no longer zero. */
		uint64_t any = 0;
		for (int i = 0; i < 8; i++)
			any |= ((volatile uint64_t *)at(addr))[i];
		if (!any)
			fail("high: the bytes at 4 GiB are still zero");
#endif
		return;
	}
	expect_needs_reset("high", &q);
}

/* A chain of the queue's full size (256 one-byte buffers) is no loop. */
static void atk_max_chain(void)
{
	struct hq q;

	if (rng_up(&q, 256) < 0)
		return;
	for (unsigned i = 0; i < 256; i++)
		set_desc(&q, (uint16_t)i, scratch + OFF_BUF + i, 1,
			 VIRTQ_DESC_F_WRITE | (i < 255 ? VIRTQ_DESC_F_NEXT : 0), (uint16_t)(i + 1));
	submit(&q, VIRTIO_RNG_REQUESTQ, 0);
	if (expect_used("max-chain", &q, 0, 256) == 0)
		printf("attack max-chain: accepted, used length 256\n");
}

/* More than 65536 chains: the free-running indexes wrap. */
static void atk_avail_wrap(void)
{
	struct hq q;
	unsigned rounds = 257;

	if (rng_up(&q, 256) < 0)
		return;
	for (unsigned i = 0; i < 256; i++)
		set_desc(&q, (uint16_t)i, scratch + OFF_BUF + i, 1, VIRTQ_DESC_F_WRITE, 0);
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < 256; i++) {
			q.avail->ring[q.avail_idx % 256] = (uint16_t)i;
			q.avail_idx++;
		}
		mb();
		q.avail->idx = q.avail_idx;
		mb();
		notify(&q, VIRTIO_RNG_REQUESTQ);
		if (expect_used("avail-wrap", &q, 255, 1) < 0)
			return;
	}
	printf("attack avail-wrap: %u chains, used index now %u\n", rounds * 256, q.used->idx);
}

/* One buffer over the queue's own rings: the first chain fills the
 * descriptor table and the available ring with random bytes, which the
 * device then reads for the next chains. It must neither crash nor write
 * outside RAM: it serves what happens to be valid and refuses the rest. */
static void atk_self_overwrite(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	rng_one(&q, scratch + OFF_DESC, OFF_USED); /* descriptors and avail ring */
	for (int i = 0; i < 7; i++)
		offer(&q, 0); /* heads the random bytes replace */
	notify(&q, VIRTIO_RNG_REQUESTQ);
	notify(&q, VIRTIO_RNG_REQUESTQ);
	printf("attack self-overwrite: survived, %s\n",
	       dev_status(rng_win) & VIRTIO_STATUS_DEVICE_NEEDS_RESET ? "device needs reset"
								       : "device live");
}

/* A transmit chain of 1 MiB + 1 byte: more than a device-readable chain
 * may carry; nothing of it may reach stdout. */
static void atk_tx_long(void)
{
	struct hq q;

	if (hq_up(&q, con_win, VIRTIO_CONSOLE_TRANSMITQ, 8) < 0) {
		fail("cannot bring virtio-console up by hand");
		return;
	}
	memset(at(scratch + OFF_FLOOD), 'x', FLOOD_CHUNK);
	set_desc(&q, 0, scratch + OFF_FLOOD, FLOOD_CHUNK, VIRTQ_DESC_F_NEXT, 1);
	set_desc(&q, 1, scratch + OFF_FLOOD, 1, 0, 0);
	submit(&q, VIRTIO_CONSOLE_TRANSMITQ, 0);
	expect_needs_reset("tx-long", &q);
}

/* Queue registers written while the queue is ready: ignored. */
static void atk_live_reconfig(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	wr32(rng_win, VIRTIO_MMIO_QUEUE_SEL, 0);
	set_queue_regs(rng_win, 0, 2, ram_top, ram_top + 0x1000, ram_top + 0x2000);
	wr32(rng_win, VIRTIO_MMIO_QUEUE_READY, 1); /* again: nothing to do */
	if (rd32(rng_win, VIRTIO_MMIO_QUEUE_READY) != 1) {
		fail("live-reconfig: the queue is no longer ready");
		return;
	}
	/* Heads up to 7 still work, as they would not in a queue of 2. */
	for (uint16_t h = 0; h < 8; h++) {
		set_desc(&q, h, scratch + OFF_BUF + 16u * h, 16, VIRTQ_DESC_F_WRITE, 0);
		submit(&q, VIRTIO_RNG_REQUESTQ, h);
		if (expect_used("live-reconfig", &q, h, 16) < 0)
			return;
	}
	printf("attack live-reconfig: ignored, the queue keeps working\n");
}

/* Disabling a live queue: notifications are ignored until it is ready
 * again, and then both sides start over at index 0. */
static void atk_ready_zero(void)
{
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	rng_one(&q, scratch + OFF_BUF, 16);
	if (expect_used("ready-zero", &q, 0, 16) < 0)
		return;
	wr32(rng_win, VIRTIO_MMIO_QUEUE_READY, 0);
	rng_one(&q, scratch + OFF_BUF, 16);
	if (q.used->idx != 1) {
		fail("ready-zero: a queue that is not ready was served");
		return;
	}
	memset(at(scratch), 0, OFF_BUF);
	q.avail_idx = 0;
	wr32(rng_win, VIRTIO_MMIO_QUEUE_READY, 1);
	rng_one(&q, scratch + OFF_BUF, 16);
	if (expect_used("ready-zero", &q, 0, 16) == 0)
		printf("attack ready-zero: ignored while not ready, works again after\n");
}

/* Rings that break the rules: QueueReady does not stick. */
static void bad_ring(const char *what, uint32_t size, uint64_t desc, uint64_t avail,
		     uint64_t used)
{
	struct hq q;

	hq_rings(&q, rng_win, 8);
	q.used = NULL; /* not ours to inspect: it may lie outside RAM */
	if (dev_begin(rng_win) < 0) {
		fail("cannot bring virtio-rng up by hand");
		return;
	}
	set_queue_regs(rng_win, 0, size, desc, avail, used);
	wr32(rng_win, VIRTIO_MMIO_QUEUE_READY, 1);
	if (rd32(rng_win, VIRTIO_MMIO_QUEUE_READY) != 0) {
		printf("FAIL: attack %s: the queue became ready\n", what);
		failures++;
		return;
	}
	expect_needs_reset(what, &q);
}

static void atk_ring_past(void)
{
	bad_ring("ring-past", 8, ram_top, scratch + OFF_AVAIL, scratch + OFF_USED);
}

static void atk_ring_straddle(void)
{
	bad_ring("ring-straddle", 8, scratch + OFF_DESC, scratch + OFF_AVAIL, ram_top - 8);
}

static void atk_ring_wrap(void)
{
	bad_ring("ring-wrap", 8, scratch + OFF_DESC, 0xfffffffffffffff0ull, scratch + OFF_USED);
}

static void atk_ring_hole(void)
{
	bad_ring("ring-hole", 8, scratch + OFF_DESC, scratch + OFF_AVAIL, rng_win);
}

static void atk_ring_misaligned(void)
{
	bad_ring("ring-misaligned", 8, scratch + OFF_DESC + 8, scratch + OFF_AVAIL,
		 scratch + OFF_USED);
}

static void atk_ring_size(void)
{
	bad_ring("ring-size-0", 0, scratch + OFF_DESC, scratch + OFF_AVAIL, scratch + OFF_USED);
	bad_ring("ring-size-3", 3, scratch + OFF_DESC, scratch + OFF_AVAIL, scratch + OFF_USED);
	bad_ring("ring-size-512", 512, scratch + OFF_DESC, scratch + OFF_AVAIL, scratch + OFF_USED);
}

/* Writes to read-only registers change nothing. */
static void atk_readonly(void)
{
	static const uint32_t regs[] = {
		VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_VERSION, VIRTIO_MMIO_DEVICE_ID,
		VIRTIO_MMIO_VENDOR_ID, VIRTIO_MMIO_DEVICE_FEATURES, VIRTIO_MMIO_QUEUE_NUM_MAX,
		VIRTIO_MMIO_INTERRUPT_STATUS, VIRTIO_MMIO_CONFIG_GENERATION, 0x0b0, 0x0b8,
	};
	static const uint32_t values[] = { 0, 0xffffffffu, 0x12345678u };
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	for (unsigned d = 0; d < 2; d++) {
		uintptr_t win = d ? rng_win : con_win;
		for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++) {
			uint32_t before = rd32(win, regs[i]);
			for (unsigned v = 0; v < 3; v++) {
				wr32(win, regs[i], values[v]);
				if (rd32(win, regs[i]) != before) {
					printf("FAIL: attack readonly: device %u register 0x%03x changed "
					       "from 0x%x to 0x%x\n", d, regs[i], before, rd32(win, regs[i]));
					failures++;
				}
			}
		}
	}
	if (rd32(rng_win, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    rd32(rng_win, VIRTIO_MMIO_VERSION) != 2 ||
	    rd32(rng_win, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_ENTROPY ||
	    rd32(con_win, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_CONSOLE ||
	    rd32(rng_win, VIRTIO_MMIO_QUEUE_NUM_MAX) != 256)
		fail("readonly: identification registers have unexpected values");
	rng_one(&q, scratch + OFF_BUF, 32);
	if (expect_used("readonly", &q, 0, 32) == 0)
		printf("attack readonly: writes ignored, values unchanged\n");
}

/* Status and feature games: refused features, DRIVER_OK without
 * FEATURES_OK, bits that do not clear, FAILED, notify before DRIVER_OK. */
static void atk_status(void)
{
	const uint32_t ad = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	struct hq q;

	/* A feature the rng does not offer (bit 0): FEATURES_OK refused. */
	wr32(rng_win, VIRTIO_MMIO_STATUS, 0);
	wr32(rng_win, VIRTIO_MMIO_STATUS, ad);
	wr32(rng_win, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(rng_win, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr32(rng_win, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(rng_win, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr32(rng_win, VIRTIO_MMIO_STATUS, ad | VIRTIO_STATUS_FEATURES_OK);
	if (dev_status(rng_win) != ad)
		fail("status: FEATURES_OK stuck with a feature not offered");
	/* A feature bit above 63. */
	wr32(rng_win, VIRTIO_MMIO_STATUS, 0);
	wr32(rng_win, VIRTIO_MMIO_STATUS, ad);
	wr32(rng_win, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(rng_win, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr32(rng_win, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 7);
	wr32(rng_win, VIRTIO_MMIO_DRIVER_FEATURES, 0x80000000u);
	wr32(rng_win, VIRTIO_MMIO_STATUS, ad | VIRTIO_STATUS_FEATURES_OK);
	if (dev_status(rng_win) != ad)
		fail("status: FEATURES_OK stuck with a feature bit above 63");
	/* Without VERSION_1. */
	wr32(rng_win, VIRTIO_MMIO_STATUS, 0);
	wr32(rng_win, VIRTIO_MMIO_STATUS, ad | VIRTIO_STATUS_FEATURES_OK);
	if (dev_status(rng_win) != ad)
		fail("status: FEATURES_OK stuck without VERSION_1");
	printf("attack features: FEATURES_OK refused\n");

	/* Bits only ever get set. */
	if (rng_up(&q, 8) < 0)
		return;
	uint32_t live = dev_status(rng_win);
	wr32(rng_win, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	if (dev_status(rng_win) != live)
		fail("status: Status bits were cleared without a reset");
	/* DEVICE_NEEDS_RESET is the device's to set. */
	wr32(rng_win, VIRTIO_MMIO_STATUS, live | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	if (dev_status(rng_win) != live)
		fail("status: the driver set DEVICE_NEEDS_RESET");
	rng_one(&q, scratch + OFF_BUF, 16);
	if (expect_used("status", &q, 0, 16) == 0)
		printf("attack status-bits: not cleared, device works\n");

	/* FAILED: the device stops serving. */
	wr32(rng_win, VIRTIO_MMIO_STATUS, live | VIRTIO_STATUS_FAILED);
	rng_one(&q, scratch + OFF_BUF, 16);
	if (q.used->idx != 1)
		fail("status: a FAILED device served a request");
	else
		printf("attack failed: device serves nothing\n");

	/* Notify before DRIVER_OK: nothing consumed, then consumed after. */
	hq_rings(&q, rng_win, 8);
	if (dev_begin(rng_win) < 0) {
		fail("status: cannot begin");
		return;
	}
	set_queue_regs(rng_win, 0, 8, scratch + OFF_DESC, scratch + OFF_AVAIL, scratch + OFF_USED);
	wr32(rng_win, VIRTIO_MMIO_QUEUE_READY, 1);
	rng_one(&q, scratch + OFF_BUF, 16);
	if (q.used->idx != 0)
		fail("status: a request was served before DRIVER_OK");
	driver_ok(rng_win);
	notify(&q, VIRTIO_RNG_REQUESTQ);
	if (expect_used("notify-early", &q, 0, 16) == 0)
		printf("attack notify-early: nothing served before DRIVER_OK\n");

	/* DRIVER_OK without FEATURES_OK: a driver error. */
	hq_rings(&q, rng_win, 8);
	wr32(rng_win, VIRTIO_MMIO_STATUS, 0);
	wr32(rng_win, VIRTIO_MMIO_STATUS, ad);
	wr32(rng_win, VIRTIO_MMIO_STATUS, ad | VIRTIO_STATUS_DRIVER_OK);
	if (dev_status(rng_win) & VIRTIO_STATUS_DRIVER_OK)
		fail("status: DRIVER_OK stuck without FEATURES_OK");
	expect_needs_reset("driver-ok-early", &q);
}

/* Unknown, write-only and config-space registers of both devices. */
static void atk_ignored(void)
{
	static const uint32_t unknown[] = {
		0x018, 0x01c, 0x028, 0x02c, 0x03c, 0x040, 0x048, 0x04c, 0x054, 0x058, 0x05c,
		0x068, 0x06c, 0x074, 0x078, 0x07c, 0x088, 0x08c, 0x098, 0x09c, 0x0a8, 0x0ac,
		0x0c0, 0x0c4, 0x0d0, 0x0e0, 0x0f0, 0x0f8,
	};
	static const uint32_t write_only[] = {
		VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DRIVER_FEATURES,
		VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_MMIO_QUEUE_NUM,
		VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_QUEUE_DESC_LOW,
		VIRTIO_MMIO_QUEUE_DESC_HIGH, VIRTIO_MMIO_QUEUE_DRIVER_LOW,
		VIRTIO_MMIO_QUEUE_DRIVER_HIGH, VIRTIO_MMIO_QUEUE_DEVICE_LOW,
		VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
	};
	struct hq q;

	if (rng_up(&q, 8) < 0)
		return;
	for (unsigned d = 0; d < 2; d++) {
		uintptr_t win = d ? rng_win : con_win;
		uint32_t st = dev_status(win);
		for (unsigned i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
			if (rd32(win, unknown[i]) != 0)
				fail("ignored: an unknown register does not read 0");
			wr32(win, unknown[i], 0xffffffffu);
			if (rd32(win, unknown[i]) != 0)
				fail("ignored: an unknown register kept a write");
		}
		for (unsigned i = 0; i < sizeof write_only / sizeof write_only[0]; i++)
			if (rd32(win, write_only[i]) != 0)
				fail("ignored: a write-only register does not read 0");
		for (uint32_t off = 0x0b0; off <= 0x0bc; off += 4)
			if (rd32(win, off) != 0xffffffffu)
				fail("ignored: SHMLen/SHMBase do not read all ones");
		/* Config space: any width and alignment reads the same bytes as
		 * before the writes, which vanish. The rng has no config; the
		 * console's is zero but for cols and rows (F_SIZE, a terminal). */
		uint8_t cfg[VIRTIO_MMIO_WINDOW_SIZE - VIRTIO_MMIO_CONFIG];
		for (uint32_t i = 0; i < sizeof cfg; i++)
			cfg[i] = (uint8_t)mmio_read(win + VIRTIO_MMIO_CONFIG + i, 1);
		wr32(win, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
		uint32_t nonzero = d == 0 && (rd32(win, VIRTIO_MMIO_DEVICE_FEATURES) &
					      (1u << VIRTIO_CONSOLE_F_SIZE)) ? 4 : 0;
		for (uint32_t i = nonzero; i < sizeof cfg; i++)
			if (cfg[i] != 0) {
				printf("FAIL: attack ignored: device %u config byte 0x%x is 0x%x\n", d, i,
				       cfg[i]);
				failures++;
			}
		for (uint32_t off = VIRTIO_MMIO_CONFIG; off < VIRTIO_MMIO_WINDOW_SIZE; off += 13) {
			mmio_write(win + off, 1, 0xff);
			if (off + 8 <= VIRTIO_MMIO_WINDOW_SIZE)
				mmio_write(win + off, 8, ~0ull);
		}
		for (uint32_t off = VIRTIO_MMIO_CONFIG; off < VIRTIO_MMIO_WINDOW_SIZE; off++) {
			for (unsigned w = 1; w <= 8; w *= 2) {
				if (off + w > VIRTIO_MMIO_WINDOW_SIZE)
					break;
				if ((off & 7) && w == 8 && (off & 3) != 1)
					continue; /* enough unaligned 8-byte reads */
				uint64_t want = 0;
				for (unsigned b = w; b-- > 0;)
					want = want << 8 | cfg[off - VIRTIO_MMIO_CONFIG + b];
				uint64_t got = mmio_read(win + off, w);
				if (got != want) {
					printf("FAIL: attack ignored: device %u config 0x%03x (%u bytes) "
					       "reads 0x%llx, not 0x%llx\n", d, off, w,
					       (unsigned long long)got, (unsigned long long)want);
					failures++;
				}
			}
		}
		if (dev_status(win) != st)
			fail("ignored: Status changed");
	}
	/* A queue that does not exist: QueueNumMax 0, writes ignored. */
	wr32(rng_win, VIRTIO_MMIO_QUEUE_SEL, 1);
	if (rd32(rng_win, VIRTIO_MMIO_QUEUE_NUM_MAX) != 0)
		fail("ignored: queue 1 of the rng has a QueueNumMax");
	wr32(rng_win, VIRTIO_MMIO_QUEUE_NUM, 8);
	wr32(rng_win, VIRTIO_MMIO_QUEUE_READY, 1);
	if (rd32(rng_win, VIRTIO_MMIO_QUEUE_READY) != 0)
		fail("ignored: queue 1 of the rng became ready");
	wr32(rng_win, VIRTIO_MMIO_QUEUE_SEL, 0xffffffffu);
	wr32(rng_win, VIRTIO_MMIO_QUEUE_READY, 1);
	wr32(rng_win, VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffffu);
	wr32(rng_win, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr32(rng_win, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffffu);
	if (rd32(rng_win, VIRTIO_MMIO_DEVICE_FEATURES) != 0)
		fail("ignored: DeviceFeatures for selector 0xffffffff is not 0");
	wr32(rng_win, VIRTIO_MMIO_QUEUE_SEL, 0);
	rng_one(&q, scratch + OFF_BUF, 16);
	if (expect_used("ignored", &q, 0, 16) < 0)
		return;
	/* The console was only read and written where it is harmless. */
	if (dev_status(con_win) & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		fail("ignored: the console needs reset");
	printf("attack ignored: unknown, write-only and config registers harmless\n");
}

/* Control registers at the wrong width or alignment: a driver error;
 * reads return 0, writes are dropped. One per reset, all on the rng. */
static void atk_width(void)
{
	struct width_case { uint32_t off; unsigned width; int write; };
	static const struct width_case cases[] = {
		{ VIRTIO_MMIO_STATUS, 1, 0 },
		{ VIRTIO_MMIO_STATUS, 1, 1 }, /* a 1-byte 0 to Status: no reset */
		{ VIRTIO_MMIO_QUEUE_SEL, 2, 1 },
		{ VIRTIO_MMIO_STATUS + 2, 2, 0 },
		{ VIRTIO_MMIO_MAGIC_VALUE + 1, 4, 0 },
		{ VIRTIO_MMIO_QUEUE_NOTIFY + 2, 4, 1 },
		{ VIRTIO_MMIO_MAGIC_VALUE, 8, 0 },
		{ VIRTIO_MMIO_QUEUE_DESC_LOW, 8, 1 },
		{ VIRTIO_MMIO_CONFIG_GENERATION - 4, 8, 0 },
	};
	struct hq q;
	char what[64];

	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct width_case *c = &cases[i];
		if (rng_up(&q, 8) < 0)
			return;
		snprintf(what, sizeof what, "width-%u-%s-0x%03x", c->width, c->write ? "write" : "read",
			 c->off);
		if (c->write) {
			mmio_write(rng_win + c->off, c->width, 0);
		} else if (mmio_read(rng_win + c->off, c->width) != 0) {
			printf("FAIL: attack %s: read a non-zero value\n", what);
			failures++;
		}
		if (c->write && c->off == VIRTIO_MMIO_STATUS &&
		    !(dev_status(rng_win) & VIRTIO_STATUS_DRIVER_OK)) {
			printf("FAIL: attack %s: reset the device\n", what);
			failures++;
		}
		expect_needs_reset(what, &q);
	}
	/* A reset and a proper driver bring it back. */
	if (rng_up(&q, 8) < 0)
		return;
	rng_one(&q, scratch + OFF_BUF, 16);
	if (expect_used("width", &q, 0, 16) == 0)
		printf("attack width: device works again after a reset\n");
}

/* ------------------------------------------------------ stopping attacks */

static void about_to(const char *what)
{
	printf("attack: %s\n", what);
	fflush(NULL);
}

static int let_through(void)
{
	printf("the monitor let it through\n");
	return 99;
}

/* One MMIO access: r|w WIDTH ADDRESS (ADDRESS: a number, or devN+OFFSET,
 * or top+OFFSET for the end of RAM). */
static int do_mmio(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	int write = argv[2][0] == 'w';
	unsigned width = (unsigned)num(argv[3]);
	const char *a = argv[4];
	uint64_t addr;

	if (strncmp(a, "dev", 3) == 0 && strchr(a, '+') && a[3] >= '0' && a[3] < '2')
		addr = si.dev[a[3] - '0'].base + num(strchr(a, '+') + 1);
	else if (strncmp(a, "top+", 4) == 0)
		addr = ram_top + num(a + 4);
	else
		addr = num(a);
	printf("attack: %u-byte MMIO %s at 0x%llx\n", width, write ? "write" : "read",
	       (unsigned long long)addr);
	fflush(NULL);
	if (write) {
		mmio_write((uintptr_t)addr, width, 0x5a5a5a5a5a5a5a5aull);
		printf("write done\n");
	} else {
		printf("read 0x%llx\n", (unsigned long long)mmio_read((uintptr_t)addr, width));
	}
	return 0;
}

static void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"(port) : "memory");
}

/* A debug write request in scratch memory. */
static uint32_t debug_request(uint64_t data, uint32_t len)
{
	volatile struct kvmrun_debug_write *req = at(scratch + OFF_BUF);

	req->data = data;
	req->len = len;
	req->reserved = 0;
	mb();
	return (uint32_t)(scratch + OFF_BUF);
}

/* Garbage on the hypercall ports. */
static int do_hypercall(const char *how)
{
	uint8_t bytes[4] = { 1, 2, 3, 4 };
	uint32_t v = 0;

	about_to(how);
	if (strcmp(how, "exit-in") == 0) {
		__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)KVMRUN_PORT_EXIT));
	} else if (strcmp(how, "exit-outb") == 0) {
		__asm__ volatile("outb %b0, %w1" : : "a"((uint8_t)7), "Nd"((uint16_t)KVMRUN_PORT_EXIT));
	} else if (strcmp(how, "exit-outw") == 0) {
		__asm__ volatile("outw %w0, %w1" : : "a"((uint16_t)7), "Nd"((uint16_t)KVMRUN_PORT_EXIT));
	} else if (strcmp(how, "exit-rep-outsb") == 0) {
		const void *p = bytes;
		uintptr_t n = 4;
		__asm__ volatile("cld; rep outsb" : "+S"(p), "+c"(n)
				 : "d"((uint16_t)KVMRUN_PORT_EXIT) : "memory");
	} else if (strcmp(how, "exit-rep-insb") == 0) {
		void *p = bytes;
		uintptr_t n = 4;
		__asm__ volatile("cld; rep insb" : "+D"(p), "+c"(n)
				 : "d"((uint16_t)KVMRUN_PORT_EXIT) : "memory");
	} else if (strcmp(how, "debug-in") == 0) {
		__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)KVMRUN_PORT_DEBUG_WRITE));
	} else if (strcmp(how, "debug-outb") == 0) {
		__asm__ volatile("outb %b0, %w1" : : "a"((uint8_t)0),
				 "Nd"((uint16_t)KVMRUN_PORT_DEBUG_WRITE));
	} else if (strcmp(how, "debug-request-past-ram") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, (uint32_t)ram_top);
	} else if (strcmp(how, "debug-request-straddle") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, (uint32_t)ram_top - 8);
	} else if (strcmp(how, "debug-request-hole") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, (uint32_t)rng_win);
	} else if (strcmp(how, "debug-request-top") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, 0xfffffff8u);
	} else if (strcmp(how, "debug-buffer-past-ram") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, debug_request(ram_top, 16));
	} else if (strcmp(how, "debug-buffer-straddle") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, debug_request(ram_top - 8, 16));
	} else if (strcmp(how, "debug-buffer-hole") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, debug_request(rng_win, 4));
	} else if (strcmp(how, "debug-buffer-wrap") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, debug_request(0xfffffffffffffff0ull, 0x20));
	} else if (strcmp(how, "debug-length") == 0) {
		outl(KVMRUN_PORT_DEBUG_WRITE, debug_request(scratch, KVMRUN_DEBUG_WRITE_MAX + 1));
	} else if (strcmp(how, "wait-outb") == 0) {
		__asm__ volatile("outb %b0, %w1" : : "a"((uint8_t)0), "Nd"((uint16_t)KVMRUN_PORT_WAIT));
	} else if (strcmp(how, "wait-in") == 0) {
		__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)KVMRUN_PORT_WAIT));
	} else if (strcmp(how, "wait-rep-outsl") == 0) {
		const void *p = bytes;
		uintptr_t n = 1;
		/* rep outsl with a count of 1 is one 32-bit out: allowed. */
		__asm__ volatile("cld; rep outsl" : "+S"(p), "+c"(n)
				 : "d"((uint16_t)KVMRUN_PORT_WAIT) : "memory");
		printf("one rep outsl to the wait port: returned\n");
		p = bytes;
		n = 2;
		__asm__ volatile("cld; rep outsw" : "+S"(p), "+c"(n)
				 : "d"((uint16_t)KVMRUN_PORT_WAIT) : "memory");
	} else if (strcmp(how, "debug-edge") == 0) {
		/* Legitimate: a buffer that ends at the last byte of RAM. */
		static const char msg[] = "debug write at the end of RAM\n";
		if (ram_top > LIMIT_4G && sizeof(void *) == 4)
			return 2;
		memcpy(at(ram_top - (sizeof msg - 1)), msg, sizeof msg - 1);
		outl(KVMRUN_PORT_DEBUG_WRITE, debug_request(ram_top - (sizeof msg - 1),
							    sizeof msg - 1));
		return 0;
	} else {
		printf("unknown hypercall attack %s\n", how);
		return 2;
	}
	(void)v;
	return let_through();
}

/* ------------------------------------------------- floods and endless runs */

/* MIB mebibytes of console output through virtio-console (write(2)) or
 * the early console (the debug write hypercall); 0: forever. */
static int do_flood(const char *how, uint64_t mib)
{
	char *buf = at(scratch + OFF_FLOOD);
	int early = strcmp(how, "early") == 0;

	for (uint32_t i = 0; i < FLOOD_CHUNK; i++)
		buf[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	for (uint64_t i = 0; mib == 0 || i < mib; i++) {
		if (early)
			kvmrun_debug_write(buf, FLOOD_CHUNK);
		else if (write(1, buf, FLOOD_CHUNK) != (long)FLOOD_CHUNK)
			return 3;
	}
	return 0;
}

/* A queue of 256 entries that all name one chain over the same 1 MiB of
 * scratch memory, on the console's receiveq ("rx": 256 device-writable
 * descriptors, 256 MiB a chain), its transmitq ("tx": one 1 MiB
 * descriptor, the most a device-readable chain may carry) or the rng
 * ("rng": as rx). Before the monitor bounded it, one notification of rx
 * asked for 64 GiB of input. "once": notify once, then say what the device
 * took and exit; "forever": keep the queue full and notify without end. */
static int do_bulk(const char *dev, const char *how)
{
	int tx = strcmp(dev, "tx") == 0, rng = strcmp(dev, "rng") == 0;
	uintptr_t win = rng ? rng_win : con_win;
	uint32_t index = tx ? VIRTIO_CONSOLE_TRANSMITQ : 0;
	uint64_t buf = scratch + OFF_FLOOD;
	uint16_t ndesc = tx ? 1 : 256;
	struct hq q;

	if (!tx && !rng && strcmp(dev, "rx") != 0)
		return usage_error("bulk rx|tx|rng once|forever");
	memset(at(buf), '~', FLOOD_CHUNK);
	/* Said first: the runtime's console driver, started by the first
	 * output, would reset a console set up by hand before it. */
	int forever = strcmp(how, "forever") == 0;
	if (forever)
		about_to(dev);
	if (hq_up(&q, win, index, 256) < 0) {
		printf("cannot bring %s up by hand\n", dev);
		return 1;
	}
	for (uint16_t i = 0; i < ndesc; i++)
		set_desc(&q, i, buf, FLOOD_CHUNK,
			 (tx ? 0 : VIRTQ_DESC_F_WRITE) | (i + 1 < ndesc ? VIRTQ_DESC_F_NEXT : 0),
			 (uint16_t)(i + 1));
	for (unsigned i = 0; i < q.size; i++)
		offer(&q, 0);
	if (forever) {
		for (;;) {
			while ((uint16_t)(q.avail_idx - q.used->idx) < q.size)
				offer(&q, 0);
			notify(&q, index);
		}
	}
	notify(&q, index);
	uint16_t used = q.used->idx;
	uint64_t bytes = 0;
	for (uint16_t i = 0; i < used; i++)
		bytes += tx ? FLOOD_CHUNK : q.used->ring[i % q.size].len;
	int reset = (dev_status(win) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) != 0;
	/* Said through the early console: this device may be the console. */
	char line[160];
	int n = snprintf(line, sizeof line, "bulk %s: one notification took %u of %u chains, "
			 "%llu bytes%s\n", dev, used, q.size, (unsigned long long)bytes,
			 reset ? ", device needs reset" : "");
	kvmrun_debug_write(line, (uint32_t)n);
	return 0;
}

/* Hundreds of driver errors on both devices, a reset before each. */
static int do_error_flood(unsigned rounds)
{
	struct hq q;
	unsigned refused = 0, console_refused = 0;

	for (unsigned i = 0; i < rounds; i++) {
		if (rng_up(&q, 8) < 0)
			return 1;
		rng_one(&q, ram_top, 16);
		/* A second error before the reset: no second line. */
		(void)mmio_read(rng_win + VIRTIO_MMIO_STATUS, 1);
		if (dev_status(rng_win) & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
			refused++;
	}
	for (unsigned i = 0; i < rounds; i++) {
		wr32(con_win, VIRTIO_MMIO_STATUS, 0);
		(void)mmio_read(con_win + VIRTIO_MMIO_QUEUE_SEL, 2);
		if (dev_status(con_win) & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
			console_refused++;
	}
	/* The console is gone: output now takes the early console. */
	printf("error flood: rng refused %u of %u, console refused %u of %u\n", refused, rounds,
	       console_refused, rounds);
	if (refused != rounds || console_refused != rounds)
		return 1;
	if (rng_up(&q, 8) < 0)
		return 1;
	rng_one(&q, scratch + OFF_BUF, 16);
	if (expect_used("error-flood", &q, 0, 16) < 0)
		return 1;
	printf("error flood: the rng works after a reset\n");
	return 0;
}

static int usage_error(const char *what)
{
	printf("usage: hostile %s\n", what);
	return 2;
}

static int do_forever(const char *how)
{
	about_to(how);
	if (strcmp(how, "spin") == 0)
		for (;;)
			__asm__ volatile("" ::: "memory");
	if (strcmp(how, "cli-hlt") == 0)
		for (;;)
			__asm__ volatile("cli; hlt");
	/* Halted, but an interrupt could wake it: not a crash. */
	if (strcmp(how, "sti-hlt") == 0)
		for (;;)
			__asm__ volatile("sti; hlt");
	if (strcmp(how, "mmio-spin") == 0)
		for (;;)
			(void)rd32(rng_win, VIRTIO_MMIO_STATUS);
	if (strcmp(how, "wait-input") == 0) {
		char c;
		long n = read(0, &c, 1);
		printf("read returned %ld\n", n);
		return 0;
	}
	printf("unknown endless attack %s\n", how);
	return 2;
}

/* Jump to ADDRESS (devN+OFFSET, top+OFFSET or a number): code fetched from
 * a device window or from past the end of RAM. */
static int do_exec(const char *a)
{
	uint64_t addr;

	if (strncmp(a, "dev", 3) == 0 && strchr(a, '+') && a[3] >= '0' && a[3] < '2')
		addr = si.dev[a[3] - '0'].base + num(strchr(a, '+') + 1);
	else if (strncmp(a, "top+", 4) == 0)
		addr = ram_top + num(a + 4);
	else
		addr = num(a);
	printf("attack: jump to 0x%llx\n", (unsigned long long)addr);
	fflush(NULL);
	((void (*)(void))(uintptr_t)addr)();
	return let_through();
}

/* --------------------------------------------------------------- main */

struct attack {
	const char *name;
	void (*fn)(void);
};

static const struct attack vq_attacks[] = {
	{ "past-ram", atk_past_ram },
	{ "straddle", atk_straddle },
	{ "wrap", atk_wrap },
	{ "hole", atk_hole },
	{ "len-ffffffff", atk_len_ffffffff },
	{ "len-fffff000", atk_len_fffff000 },
	{ "readable", atk_readable },
	{ "indirect", atk_indirect },
	{ "loop-self", atk_loop_self },
	{ "loop-two", atk_loop_two },
	{ "next-range", atk_next_range },
	{ "head-range", atk_head_range },
	{ "avail-ahead", atk_avail_ahead },
	{ "zero-len-wild", atk_zero_len_wild },
	{ "start-info", atk_start_info },
	{ "page-tables", atk_page_tables },
	{ "last-byte", atk_last_byte },
	{ "max-chain", atk_max_chain },
	{ "avail-wrap", atk_avail_wrap },
	{ "self-overwrite", atk_self_overwrite },
	{ "live-reconfig", atk_live_reconfig },
	{ "ready-zero", atk_ready_zero },
	{ "ring-past", atk_ring_past },
	{ "ring-straddle", atk_ring_straddle },
	{ "ring-wrap", atk_ring_wrap },
	{ "ring-hole", atk_ring_hole },
	{ "ring-misaligned", atk_ring_misaligned },
	{ "ring-size", atk_ring_size },
	{ "readonly", atk_readonly },
	{ "status", atk_status },
	{ "ignored", atk_ignored },
	{ "width", atk_width },
	{ "tx-long", atk_tx_long },
};

static int usage(void)
{
	printf("usage: hostile vq ATTACK... | high [LEN] | mmio r|w WIDTH ADDR | hypercall HOW |\n"
	       "       flood virtio|early MIB | bulk rx|tx|rng once|forever | error-flood ROUNDS |\n"
	       "       forever HOW | exec ADDR\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (survey() < 0)
		return 2;
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];

	if (strcmp(cmd, "vq") == 0) {
		for (int i = 2; i < argc; i++) {
			unsigned k = 0;
			while (k < sizeof vq_attacks / sizeof vq_attacks[0] &&
			       strcmp(vq_attacks[k].name, argv[i]) != 0)
				k++;
			if (k == sizeof vq_attacks / sizeof vq_attacks[0]) {
				printf("unknown attack %s\n", argv[i]);
				return 2;
			}
			vq_attacks[k].fn();
		}
		return failures ? 1 : 0;
	}
	if (strcmp(cmd, "high") == 0) {
		atk_high(argc > 2 ? (uint32_t)num(argv[2]) : 64);
		return failures ? 1 : 0;
	}
	if (strcmp(cmd, "mmio") == 0)
		return do_mmio(argc, argv);
	if (strcmp(cmd, "hypercall") == 0 && argc > 2)
		return do_hypercall(argv[2]);
	if (strcmp(cmd, "flood") == 0 && argc > 3)
		return do_flood(argv[2], num(argv[3]));
	if (strcmp(cmd, "bulk") == 0 && argc > 3)
		return do_bulk(argv[2], argv[3]);
	if (strcmp(cmd, "error-flood") == 0 && argc > 2)
		return do_error_flood((unsigned)num(argv[2]));
	if (strcmp(cmd, "exec") == 0 && argc > 2)
		return do_exec(argv[2]);
	if (strcmp(cmd, "forever") == 0 && argc > 2)
		return do_forever(argv[2]);
	return usage();
}
