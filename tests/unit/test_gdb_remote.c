/* gdb_remote.c, the GDB remote protocol core behind --gdb: packets fed as
 * bytes against a fake target (an array as guest RAM, a register set),
 * replies read back framed as GDB would see them. */
#include "unit.h"

#include <stdlib.h>

#include "../../monitor/gdb_remote.h"

#define RAM_BASE 0x10000u
#define RAM_SIZE 0x4000u

struct fake {
	struct gdb_regs regs;
	uint8_t ram[RAM_SIZE];
	int set_regs_calls;
	bool fail_regs; /* get_regs and set_regs fail */
};

static int fake_get_regs(void *ctx, struct gdb_regs *r)
{
	if (((struct fake *)ctx)->fail_regs)
		return -1;
	*r = ((struct fake *)ctx)->regs;
	return 0;
}

static int fake_set_regs(void *ctx, const struct gdb_regs *r)
{
	struct fake *f = ctx;

	if (f->fail_regs)
		return -1;
	f->regs = *r;
	f->set_regs_calls++;
	return 0;
}

static bool in_ram(uint64_t addr, size_t len)
{
	return addr >= RAM_BASE && addr - RAM_BASE <= RAM_SIZE && len <= RAM_SIZE - (addr - RAM_BASE);
}

static int fake_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = ctx;

	if (!in_ram(addr, len))
		return -1;
	memcpy(buf, f->ram + (addr - RAM_BASE), len);
	return 0;
}

static int fake_write_mem(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct fake *f = ctx;

	if (!in_ram(addr, len))
		return -1;
	memcpy(f->ram + (addr - RAM_BASE), buf, len);
	return 0;
}

/* A session and its fake guest, zeroed, RAM holding i & 0xff at offset i. */
struct rig {
	struct gdb_session s;
	struct fake f;
	char last[GDB_OUT_MAX + 1];
};

static struct rig *new_rig(int bits)
{
	struct rig *r = calloc(1, sizeof *r);
	struct gdb_target t = { .bits = bits, .get_regs = fake_get_regs, .set_regs = fake_set_regs,
				.read_mem = fake_read_mem, .write_mem = fake_write_mem };

	assert_non_null(r);
	for (size_t i = 0; i < RAM_SIZE; i++)
		r->f.ram[i] = (uint8_t)i;
	t.ctx = &r->f;
	gdb_session_init(&r->s, &t);
	return r;
}

static uint8_t checksum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *b++);
	return sum;
}

/* Feeds raw bytes whole; the action of the last feed call. */
static enum gdb_action feed_raw(struct rig *r, const void *p, size_t n)
{
	size_t used;
	enum gdb_action a = gdb_session_feed(&r->s, p, n, &used);

	assert_int_equal(used, n);
	return a;
}

/* Sends payload p (n bytes) framed with a good checksum. */
static enum gdb_action send_bin(struct rig *r, const void *p, size_t n)
{
	char *buf = malloc(n + 5);
	enum gdb_action a;

	assert_non_null(buf);
	buf[0] = '$';
	memcpy(buf + 1, p, n);
	snprintf(buf + 1 + n, 4, "#%02x", checksum(p, n));
	a = feed_raw(r, buf, n + 4);
	free(buf);
	return a;
}

static enum gdb_action send_pkt(struct rig *r, const char *payload)
{
	return send_bin(r, payload, strlen(payload));
}

/* All queued output as a string, drained. */
static const char *drain(struct rig *r)
{
	size_t n;
	const uint8_t *o = gdb_session_output(&r->s, &n);

	assert_true(n <= GDB_OUT_MAX);
	memcpy(r->last, o, n);
	r->last[n] = 0;
	gdb_session_output_consumed(&r->s, n);
	return r->last;
}

/* The output must be [+]$payload#cs with a right checksum: the payload. */
static const char *reply(struct rig *r, bool ack)
{
	const char *o = drain(r);
	size_t n = strlen(o);
	unsigned cs;

	if (ack) {
		assert_true(o[0] == '+');
		o++;
		n--;
	}
	assert_true(n >= 4);
	assert_true(o[0] == '$');
	assert_true(o[n - 3] == '#');
	assert_int_equal(sscanf(o + n - 2, "%2x", &cs), 1);
	assert_int_equal(cs, checksum(o + 1, n - 4));
	r->last[(size_t)(o - r->last) + n - 3] = 0;
	return o + 1;
}

/* Sends a packet that asks nothing of the target; its reply's payload. */
static const char *ask(struct rig *r, const char *payload)
{
	assert_int_equal(send_pkt(r, payload), GDB_ACTION_NONE);
	return reply(r, !r->s.no_ack);
}

static void hex_to_bytes(const char *hex, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
}

static uint64_t le(const uint8_t *b, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | b[n];
	return v;
}

/* ---- Framing -------------------------------------------------------- */

static void test_framing(void **state)
{
	struct rig *r = new_rig(64);
	size_t used;

	(void)state;
	/* Fixed bytes, checked by hand: the checksum is the byte sum mod 256. */
	assert_int_equal(feed_raw(r, "$?#3f", 5), GDB_ACTION_NONE);
	assert_string_equal(drain(r), "+$T05thread:1;#d7");
	assert_int_equal(feed_raw(r, "$vMustReplyEmpty#3a", 19), GDB_ACTION_NONE);
	assert_string_equal(drain(r), "+$#00");
	/* A bad checksum, and one that is not hex: '-', no reply. */
	feed_raw(r, "$?#00", 5);
	assert_string_equal(drain(r), "-");
	feed_raw(r, "$?#g0", 5);
	assert_string_equal(drain(r), "-");
	feed_raw(r, "$?#3g", 5);
	assert_string_equal(drain(r), "-");
	/* Acks and noise between packets: taken, nothing said. */
	feed_raw(r, "+-+xyz\r\n", 8);
	assert_string_equal(drain(r), "");
	/* Split anywhere. */
	feed_raw(r, "$qAtt", 5);
	feed_raw(r, "ached#", 6);
	assert_string_equal(drain(r), "");
	feed_raw(r, "8", 1);
	feed_raw(r, "f", 1);
	assert_string_equal(drain(r), "+$1#31");
	/* A '$' in a payload starts over. */
	feed_raw(r, "$qAtt$?#3f", 10);
	assert_string_equal(drain(r), "+$T05thread:1;#d7");
	/* Two packets, an action between: stops after the first. */
	const char two[] = "$c#63$?#3f";
	assert_int_equal(gdb_session_feed(&r->s, (const uint8_t *)two, 10, &used),
			 GDB_ACTION_CONTINUE);
	assert_int_equal(used, 5);
	assert_string_equal(drain(r), "+");
	assert_int_equal(gdb_session_stopped(&r->s, GDB_STOP_STEP, 0), 0);
	assert_string_equal(drain(r), "$T05thread:1;#d7");
	assert_int_equal(feed_raw(r, two + used, 5), GDB_ACTION_NONE);
	assert_string_equal(drain(r), "+$T05thread:1;#d7");
	/* ^C outside a packet, and its bytes after. */
	const uint8_t intr[] = { 0x03, '$', '?', '#', '3', 'f' };
	assert_int_equal(gdb_session_feed(&r->s, intr, sizeof intr, &used), GDB_ACTION_INTERRUPT);
	assert_int_equal(used, 1);
	assert_int_equal(feed_raw(r, intr + 1, 5), GDB_ACTION_NONE);
	assert_string_equal(drain(r), "+$T05thread:1;#d7");
	free(r);
}

static void test_no_ack(void **state)
{
	struct rig *r = new_rig(64);

	(void)state;
	feed_raw(r, "$QStartNoAckMode#b0", 19);
	assert_string_equal(drain(r), "+$OK#9a"); /* this one still acked */
	assert_true(r->s.no_ack);
	feed_raw(r, "+$?#3f", 6);
	assert_string_equal(drain(r), "$T05thread:1;#d7");
	feed_raw(r, "$?#00", 5); /* bad: dropped, no '-' */
	assert_string_equal(drain(r), "");
	assert_string_equal(ask(r, "qC"), "QC1");
	free(r);
}

static void test_oversized_packet(void **state)
{
	struct rig *r = new_rig(64);
	size_t n = GDB_PACKET_MAX + 100;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	big[0] = 'M';
	assert_int_equal(send_bin(r, big, n), GDB_ACTION_NONE);
	assert_string_equal(reply(r, true), "E16");
	/* And the next packet is fine. */
	assert_string_equal(ask(r, "qAttached"), "1");
	free(big);
	free(r);
}

/* ---- Registers ------------------------------------------------------ */

static void fill_regs(struct gdb_regs *g)
{
	uint64_t *gpr[] = { &g->rax, &g->rbx, &g->rcx, &g->rdx, &g->rsi, &g->rdi, &g->rsp, &g->rbp,
			    &g->r8,  &g->r9,  &g->r10, &g->r11, &g->r12, &g->r13, &g->r14, &g->r15 };

	/* kvm_regs order: rax 0x1010..., rbx 0x2020..., rsp 0x7070..., rbp 0x8080... */
	for (unsigned i = 0; i < 16; i++)
		*gpr[i] = 0x0101010101010101ull * (0x10 * (i + 1) & 0xff) + i;
	g->rip = 0x1122334455667788ull;
	g->rflags = 0x246;
	g->cs = 0x10;
	g->ss = 0x18;
	g->gs = 0x2b;
	for (unsigned i = 0; i < 8; i++)
		memset(g->st[i], 0xa0 + i, 10);
	g->fctrl = 0x37f;
	g->fop = 0x7ff;
	for (unsigned i = 0; i < 16; i++)
		memset(g->xmm[i], 0xc0 + i, 16);
	g->mxcsr = 0x1f80;
}

static void test_g_amd64(void **state)
{
	struct rig *r = new_rig(64);
	uint8_t b[536];
	const char *g;

	(void)state;
	fill_regs(&r->f.regs);
	g = ask(r, "g");
	assert_int_equal(strlen(g), 2 * sizeof b);
	hex_to_bytes(g, b, sizeof b);
	assert_true(le(b + 0, 8) == r->f.regs.rax);
	assert_true(le(b + 8, 8) == r->f.regs.rbx);
	assert_true(le(b + 16, 8) == r->f.regs.rcx);
	assert_true(le(b + 40, 8) == r->f.regs.rdi);
	assert_true(le(b + 48, 8) == r->f.regs.rbp); /* GDB: rbp before rsp */
	assert_true(le(b + 56, 8) == r->f.regs.rsp);
	assert_true(le(b + 64, 8) == r->f.regs.r8);
	assert_true(le(b + 120, 8) == r->f.regs.r15);
	assert_true(le(b + 128, 8) == 0x1122334455667788ull); /* rip */
	assert_true(le(b + 136, 4) == 0x246);                 /* eflags */
	assert_true(le(b + 140, 4) == 0x10);                  /* cs */
	assert_true(le(b + 144, 4) == 0x18);                  /* ss */
	assert_true(le(b + 160, 4) == 0x2b);                  /* gs */
	assert_int_equal(b[164], 0xa0);                       /* st0 */
	assert_int_equal(b[164 + 79], 0xa7);                  /* st7's last byte */
	assert_true(le(b + 244, 4) == 0x37f);                 /* fctrl */
	assert_true(le(b + 272, 4) == 0x7ff);                 /* fop */
	assert_int_equal(b[276], 0xc0);                       /* xmm0 */
	assert_int_equal(b[276 + 255], 0xcf);                 /* xmm15 */
	assert_true(le(b + 532, 4) == 0x1f80);                /* mxcsr */
	free(r);
}

static void test_g_i386(void **state)
{
	struct rig *r = new_rig(32);
	uint8_t b[308];
	const char *g;

	(void)state;
	fill_regs(&r->f.regs);
	r->f.regs.rip = 0x8049570;
	g = ask(r, "g");
	assert_int_equal(strlen(g), 2 * sizeof b);
	hex_to_bytes(g, b, sizeof b);
	/* eax ecx edx ebx esp ebp esi edi, 4 bytes each. */
	assert_true(le(b + 0, 4) == (uint32_t)r->f.regs.rax);
	assert_true(le(b + 4, 4) == (uint32_t)r->f.regs.rcx);
	assert_true(le(b + 8, 4) == (uint32_t)r->f.regs.rdx);
	assert_true(le(b + 12, 4) == (uint32_t)r->f.regs.rbx);
	assert_true(le(b + 16, 4) == (uint32_t)r->f.regs.rsp);
	assert_true(le(b + 20, 4) == (uint32_t)r->f.regs.rbp);
	assert_true(le(b + 24, 4) == (uint32_t)r->f.regs.rsi);
	assert_true(le(b + 28, 4) == (uint32_t)r->f.regs.rdi);
	assert_true(le(b + 32, 4) == 0x8049570); /* eip */
	assert_true(le(b + 36, 4) == 0x246);
	assert_true(le(b + 40, 4) == 0x10);
	assert_int_equal(b[64], 0xa0);  /* st0 */
	assert_true(le(b + 144, 4) == 0x37f);
	assert_int_equal(b[176], 0xc0); /* xmm0 */
	assert_int_equal(b[176 + 127], 0xc7);
	assert_true(le(b + 304, 4) == 0x1f80);
	free(r);
}

static void test_G(void **state)
{
	struct rig *r = new_rig(64);
	char pkt[2 * 536 + 16];
	struct gdb_regs before;

	(void)state;
	fill_regs(&r->f.regs);
	before = r->f.regs;
	snprintf(pkt, sizeof pkt, "G%s", ask(r, "g"));
	/* Unchanged round trip. */
	assert_string_equal(ask(r, pkt), "OK");
	assert_memory_equal(&r->f.regs, &before, sizeof before);
	/* rip (offset 128) changed to 0x401000. */
	memcpy(pkt + 1 + 2 * 128, "0010400000000000", 16);
	assert_string_equal(ask(r, pkt), "OK");
	assert_true(r->f.regs.rip == 0x401000);
	/* One byte short, one too long, not hex: refused, nothing set. */
	r->f.set_regs_calls = 0;
	pkt[strlen(pkt) - 2] = 0;
	assert_string_equal(ask(r, pkt), "E16");
	strcat(pkt, "0000");
	assert_string_equal(ask(r, pkt), "E16");
	pkt[strlen(pkt) - 2] = 0;
	pkt[10] = 'x';
	assert_string_equal(ask(r, pkt), "E16");
	assert_string_equal(ask(r, "G"), "E16");
	assert_int_equal(r->f.set_regs_calls, 0);
	free(r);

	/* i386: a 32-bit value zero-extends; xmm8-15 are kept. */
	r = new_rig(32);
	fill_regs(&r->f.regs);
	snprintf(pkt, sizeof pkt, "G%s", ask(r, "g"));
	memcpy(pkt + 1, "efbeadde", 8); /* eax */
	assert_string_equal(ask(r, pkt), "OK");
	assert_true(r->f.regs.rax == 0xdeadbeef);
	assert_int_equal(r->f.regs.xmm[15][0], 0xcf);
	free(r);
}

static void test_p_P(void **state)
{
	struct rig *r = new_rig(64);

	(void)state;
	fill_regs(&r->f.regs);
	assert_string_equal(ask(r, "p10"), "8877665544332211"); /* rip */
	assert_string_equal(ask(r, "p7"), "7670707070707070"); /* rsp: kvm 7th */
	assert_string_equal(ask(r, "p11"), "46020000");        /* eflags */
	assert_string_equal(ask(r, "p38"), "801f0000");        /* mxcsr, the last */
	assert_string_equal(ask(r, "p39"), "E16");
	assert_string_equal(ask(r, "p"), "E16");
	assert_string_equal(ask(r, "pffffffffffffffffff"), "E16");
	assert_string_equal(ask(r, "p1x"), "E16");
	assert_string_equal(ask(r, "P10=0010400000000000"), "OK");
	assert_true(r->f.regs.rip == 0x401000);
	assert_string_equal(ask(r, "P12=33000000"), "OK"); /* cs */
	assert_int_equal(r->f.regs.cs, 0x33);
	assert_string_equal(ask(r, "P10=00104000"), "E16"); /* short */
	assert_string_equal(ask(r, "P10=001040000000000000"), "E16");
	assert_string_equal(ask(r, "P10"), "E16");
	assert_string_equal(ask(r, "P39=00000000"), "E16");
	free(r);

	r = new_rig(32);
	fill_regs(&r->f.regs);
	assert_string_equal(ask(r, "p1"), "32303030"); /* ecx */
	assert_string_equal(ask(r, "p3"), "21202020"); /* ebx */
	assert_string_equal(ask(r, "p28"), "801f0000"); /* mxcsr is 40 */
	assert_string_equal(ask(r, "p29"), "E16");
	assert_string_equal(ask(r, "P8=00100000"), "OK"); /* eip */
	assert_true(r->f.regs.rip == 0x1000);
	free(r);
}

/* The target's register callbacks failing: E, nothing resumed. */
static void test_register_failures(void **state)
{
	struct rig *r = new_rig(64);
	char pkt[2 * 536 + 16];

	(void)state;
	snprintf(pkt, sizeof pkt, "G%s", ask(r, "g"));
	r->f.fail_regs = true;
	assert_string_equal(ask(r, "g"), "E0e");
	assert_string_equal(ask(r, pkt), "E16");
	assert_string_equal(ask(r, "p10"), "E0e");
	assert_string_equal(ask(r, "P10=0010400000000000"), "E0e");
	assert_string_equal(ask(r, "c1000"), "E16");
	assert_string_equal(ask(r, "S05;1000"), "E16");
	free(r);
}

/* ---- Memory --------------------------------------------------------- */

static void test_memory(void **state)
{
	struct rig *r = new_rig(64);
	char pkt[64];
	const char *m;

	(void)state;
	assert_string_equal(ask(r, "m10010,4"), "10111213");
	assert_string_equal(ask(r, "m10010,0"), "");
	/* Past the end: the readable start; wholly outside: E. */
	assert_string_equal(ask(r, "m13ffe,4"), "feff");
	assert_string_equal(ask(r, "m14000,1"), "E0e");
	assert_string_equal(ask(r, "mfff0,4"), "E0e");
	/* More than a reply holds: what fits. */
	m = ask(r, "m10000,100000");
	assert_int_equal(strlen(m), GDB_PACKET_MAX);
	/* Malformed and overflowing numbers, wrapping ranges. */
	assert_string_equal(ask(r, "m"), "E16");
	assert_string_equal(ask(r, "m10000"), "E16");
	assert_string_equal(ask(r, "m10000,"), "E16");
	assert_string_equal(ask(r, "m,4"), "E16");
	assert_string_equal(ask(r, "m10000,4x"), "E16");
	assert_string_equal(ask(r, "m10000000000000000,1"), "E16");
	assert_string_equal(ask(r, "m0000000000000000010000,1"), "00"); /* long but small */
	assert_string_equal(ask(r, "mffffffffffffffff,2"), "E16");
	assert_string_equal(ask(r, "m1,ffffffffffffffff"), "E0e"); /* ends at 2^64 - 1 */
	assert_string_equal(ask(r, "m2,ffffffffffffffff"), "E16");

	assert_string_equal(ask(r, "M10020,3:aabbcc"), "OK");
	assert_int_equal(r->f.ram[0x20], 0xaa);
	assert_int_equal(r->f.ram[0x22], 0xcc);
	assert_string_equal(ask(r, "M10020,3:aabb"), "E16");
	assert_string_equal(ask(r, "M10020,1:aabb"), "E16");
	assert_string_equal(ask(r, "M10020,1:zz"), "E16");
	assert_string_equal(ask(r, "M10020,1"), "E16");
	assert_string_equal(ask(r, "M13fff,2:0102"), "E0e");
	assert_int_equal(r->f.ram[RAM_SIZE - 1], 0xff); /* nothing written */

	/* X: binary, '#' '$' '}' '*' escaped as '}' and the byte ^ 0x20. */
	const char x[] = "X10030,6:}\x03}\x04}]}\x0a\x01\xff";
	assert_int_equal(send_bin(r, x, sizeof x - 1), GDB_ACTION_NONE);
	assert_string_equal(reply(r, true), "OK");
	assert_memory_equal(r->f.ram + 0x30, "#$}*\x01\xff", 6);
	assert_string_equal(ask(r, "X10030,0:"), "OK"); /* GDB's probe */
	assert_string_equal(ask(r, "X10030,2:a"), "E16");
	assert_string_equal(ask(r, "X10030,1:ab"), "E16");
	assert_string_equal(ask(r, "X10030,1:}"), "E16");
	assert_string_equal(ask(r, "X14000,1:a"), "E0e");
	assert_string_equal(ask(r, "X10030,1"), "E16");
	free(r);

	/* i386: addresses past 4 GiB are no guest's. */
	r = new_rig(32);
	assert_string_equal(ask(r, "m100000000,1"), "E16");
	assert_string_equal(ask(r, "mffffffff,2"), "E16");
	snprintf(pkt, sizeof pkt, "M%x,1:00", 0xffffffffu);
	assert_string_equal(ask(r, pkt), "E0e");
	free(r);
}

/* ---- Breakpoints ---------------------------------------------------- */

static void test_sw_breakpoints(void **state)
{
	struct rig *r = new_rig(64);
	uint64_t dr[4], dr7;
	char pkt[64];

	(void)state;
	assert_string_equal(ask(r, "Z0,10040,1"), "OK");
	assert_int_equal(r->f.ram[0x40], 0xcc);
	assert_string_equal(ask(r, "m1003f,3"), "3f4041"); /* the original shown */
	assert_string_equal(ask(r, "Z0,10040,1"), "OK");  /* again: fine, once */
	assert_string_equal(ask(r, "z0,10040,1"), "OK");
	assert_int_equal(r->f.ram[0x40], 0x40);
	assert_string_equal(ask(r, "z0,10040,1"), "E02");
	/* A write over it: the saved byte changes, the int3 stays. */
	assert_string_equal(ask(r, "Z0,10041,1"), "OK");
	assert_string_equal(ask(r, "M10040,3:aabbdd"), "OK");
	assert_int_equal(r->f.ram[0x40], 0xaa);
	assert_int_equal(r->f.ram[0x41], 0xcc);
	assert_int_equal(r->f.ram[0x42], 0xdd);
	assert_string_equal(ask(r, "m10041,1"), "bb");
	const char x[] = "X10041,1:}]"; /* '}' itself */
	send_bin(r, x, sizeof x - 1);
	assert_string_equal(reply(r, true), "OK");
	assert_int_equal(r->f.ram[0x41], 0xcc);
	assert_string_equal(ask(r, "m10041,1"), "7d");
	assert_string_equal(ask(r, "z0,10041,1"), "OK");
	assert_int_equal(r->f.ram[0x41], 0x7d);
	/* Refused: kinds other than 1, outside RAM, bad numbers. */
	assert_string_equal(ask(r, "Z0,10040,2"), "E16");
	assert_string_equal(ask(r, "Z0,14000,1"), "E0e");
	assert_string_equal(ask(r, "Z0,10040"), "E16");
	assert_string_equal(ask(r, "Z0,,1"), "E16");
	assert_string_equal(ask(r, "Z0,10040,1x"), "E16");
	assert_string_equal(ask(r, "Z0,10040,1;X2,ab"), "OK"); /* conditions ignored */
	assert_string_equal(ask(r, "z0,10040,1"), "OK");
	/* 64 at most. */
	for (unsigned i = 0; i < GDB_SW_BREAKPOINTS_MAX; i++) {
		snprintf(pkt, sizeof pkt, "Z0,%x,1", RAM_BASE + 0x100 + i);
		assert_string_equal(ask(r, pkt), "OK");
	}
	assert_string_equal(ask(r, "Z0,10300,1"), "E1c");
	assert_int_equal(r->f.ram[0x300], 0x00);
	assert_int_equal(r->f.ram[0x13f], 0xcc);
	/* The guest overwrote one: detach leaves its byte. */
	r->f.ram[0x100] = 0x90;
	assert_string_equal(ask(r, "Z1,10000,1"), "OK");
	assert_int_equal(send_pkt(r, "D"), GDB_ACTION_DETACH);
	assert_string_equal(reply(r, true), "OK");
	assert_int_equal(r->f.ram[0x100], 0x90);
	for (unsigned i = 1; i < GDB_SW_BREAKPOINTS_MAX; i++)
		assert_int_equal(r->f.ram[0x100 + i], (uint8_t)(0x100 + i));
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr7 == 0);
	assert_int_equal(send_pkt(r, "D;1"), GDB_ACTION_DETACH);
	assert_string_equal(reply(r, true), "OK");
	free(r);
}

static void test_hw_breakpoints(void **state)
{
	struct rig *r = new_rig(64);
	uint64_t dr[4], dr7;

	(void)state;
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr7 == 0);
	/* DR7 (SDM §17.2.4): Ln at bit 2n, R/Wn at 16+4n, LENn at 18+4n;
	 * LEN 00 1 byte, 01 2, 11 4, 10 8; R/W 00 execute, 01 write, 11 access. */
	assert_string_equal(ask(r, "Z1,401000,1"), "OK");
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr[0] == 0x401000);
	assert_true(dr7 == 0x101);
	assert_string_equal(ask(r, "Z2,500000,4"), "OK");
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr[1] == 0x500000);
	assert_true(dr7 == (0x105 | 1ull << 20 | 3ull << 22));
	assert_string_equal(ask(r, "Z4,600008,8"), "OK");
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr[2] == 0x600008);
	assert_true(dr7 == (0x115 | 1ull << 20 | 3ull << 22 | 3ull << 24 | 2ull << 26));
	/* Unaligned: two registers needed, one left. */
	assert_string_equal(ask(r, "Z2,700001,2"), "E1c");
	assert_string_equal(ask(r, "Z2,700000,1"), "OK");
	assert_string_equal(ask(r, "Z1,401010,1"), "E1c");
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr[3] == 0x700000);
	assert_true((dr7 >> 28) == 1); /* write, one byte */
	/* Removing frees exactly that one. */
	assert_string_equal(ask(r, "z2,500000,4"), "OK");
	assert_string_equal(ask(r, "z2,500000,4"), "E02");
	assert_string_equal(ask(r, "z4,500000,4"), "E02");
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true((dr7 & 0xc) == 0);
	assert_true(((dr7 >> 20) & 0xf) == 0);
	assert_string_equal(ask(r, "z4,600008,8"), "OK");
	assert_string_equal(ask(r, "Z2,700001,2"), "OK"); /* 700001 + 700002 */
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr[1] == 0x700001 && dr[2] == 0x700002);
	assert_true(((dr7 >> 20) & 0xf) == 1 && ((dr7 >> 24) & 0xf) == 1);
	assert_string_equal(ask(r, "z2,700001,2"), "OK");
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr7 == (0x141 | 1ull << 28));
	/* Read-only watchpoints x86 lacks: the empty reply (GDB then asks Z4). */
	assert_string_equal(ask(r, "Z3,500000,4"), "");
	assert_string_equal(ask(r, "z3,500000,4"), "");
	assert_string_equal(ask(r, "Z5,500000,4"), "");
	assert_string_equal(ask(r, "Z2,500000,0"), "E16");
	assert_string_equal(ask(r, "Z2,500000,9"), "E16");
	assert_string_equal(ask(r, "Z2,500000,10000000000000000"), "E16");
	free(r);

	/* i386: no 8-byte register; an 8-byte watch takes two. */
	r = new_rig(32);
	assert_string_equal(ask(r, "Z2,500000,8"), "OK");
	gdb_session_debug_regs(&r->s, dr, &dr7);
	assert_true(dr[0] == 0x500000 && dr[1] == 0x500004);
	assert_true(dr7 == (0x105 | 0xdull << 16 | 0xdull << 20));
	assert_string_equal(ask(r, "Z1,100000000,1"), "E16");
	free(r);
}

static void test_classify_debug(void **state)
{
	struct rig *r = new_rig(64);
	uint64_t arg;

	(void)state;
	ask(r, "Z0,10040,1");
	ask(r, "Z1,401000,1");
	ask(r, "Z2,500002,2");
	ask(r, "Z4,600000,4");
	assert_int_equal(gdb_session_classify_debug(&r->s, 3, 0, 0x10040, &arg), GDB_STOP_SWBREAK);
	assert_true(arg == 0x10040);
	/* Only at the int3 itself: after it is another instruction's place. */
	assert_int_equal(gdb_session_classify_debug(&r->s, 3, 0, 0x10041, &arg), GDB_STOP_TRAP);
	assert_true(gdb_session_breakpoint_at(&r->s, 0x10040));
	assert_false(gdb_session_breakpoint_at(&r->s, 0x10041));
	assert_int_equal(gdb_session_classify_debug(&r->s, 3, 0, 0x10050, &arg), GDB_STOP_TRAP);
	assert_int_equal(gdb_session_classify_debug(&r->s, 1, 0x1, 0x401000, &arg), GDB_STOP_HWBREAK);
	assert_int_equal(gdb_session_classify_debug(&r->s, 1, 0x2, 0x1234, &arg), GDB_STOP_WATCH);
	assert_true(arg == 0x500002);
	assert_int_equal(gdb_session_classify_debug(&r->s, 1, 0x4, 0x1234, &arg), GDB_STOP_AWATCH);
	assert_true(arg == 0x600000);
	/* A data hit wins over an execute one and over the step. */
	assert_int_equal(gdb_session_classify_debug(&r->s, 1, 0x4005, 0x1234, &arg), GDB_STOP_AWATCH);
	assert_int_equal(gdb_session_classify_debug(&r->s, 1, 0x4000, 0x1234, &arg), GDB_STOP_STEP);
	assert_int_equal(gdb_session_classify_debug(&r->s, 1, 0x4001, 0x401000, &arg), GDB_STOP_HWBREAK);
	/* B3 of an unused register, and nothing at all. */
	assert_int_equal(gdb_session_classify_debug(&r->s, 1, 0x8, 0x1234, &arg), GDB_STOP_TRAP);
	assert_int_equal(gdb_session_classify_debug(&r->s, 1, 0, 0x1234, &arg), GDB_STOP_TRAP);
	assert_int_equal(gdb_session_classify_debug(&r->s, 13, 0xf, 0x10040, &arg), GDB_STOP_TRAP);
	free(r);
}

/* ---- Stop replies and resuming -------------------------------------- */

static const char *stop(struct rig *r, enum gdb_stop why, uint64_t arg)
{
	assert_int_equal(gdb_session_stopped(&r->s, why, arg), 0);
	return reply(r, false);
}

static void test_stop_replies(void **state)
{
	struct rig *r = new_rig(64);

	(void)state;
	/* Before GDB said it takes swbreak/hwbreak: plain T05. */
	assert_string_equal(stop(r, GDB_STOP_SWBREAK, 0), "T05thread:1;");
	assert_string_equal(stop(r, GDB_STOP_HWBREAK, 0), "T05thread:1;");
	assert_string_equal(ask(r, "qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386"),
			    "PacketSize=1000;swbreak+;hwbreak+;QStartNoAckMode+;qXfer:features:read+");
	assert_string_equal(stop(r, GDB_STOP_SWBREAK, 0), "T05swbreak:;thread:1;");
	assert_string_equal(stop(r, GDB_STOP_HWBREAK, 0), "T05hwbreak:;thread:1;");
	assert_string_equal(stop(r, GDB_STOP_WATCH, 0x4c0000), "T05watch:4c0000;thread:1;");
	assert_string_equal(stop(r, GDB_STOP_RWATCH, 0x10), "T05rwatch:10;thread:1;");
	assert_string_equal(stop(r, GDB_STOP_AWATCH, 0xffffffffffffffffull),
			    "T05awatch:ffffffffffffffff;thread:1;");
	assert_string_equal(stop(r, GDB_STOP_STEP, 0), "T05thread:1;");
	assert_string_equal(stop(r, GDB_STOP_TRAP, 0), "T05thread:1;");
	assert_string_equal(stop(r, GDB_STOP_INTERRUPT, 0), "T02thread:1;");
	assert_string_equal(stop(r, GDB_STOP_SIGNAL, 11), "T0bthread:1;");
	assert_string_equal(ask(r, "?"), "T0bthread:1;");
	assert_string_equal(stop(r, GDB_STOP_EXITED, 3), "W03");
	assert_string_equal(stop(r, GDB_STOP_EXITED, 0x1ff), "Wff");
	assert_string_equal(stop(r, GDB_STOP_CRASHED, 11), "X0b");
	assert_string_equal(ask(r, "?"), "X0b");
	/* swbreak+ alone, among other features. */
	free(r);
	r = new_rig(32);
	ask(r, "qSupported:xmlRegisters=i386;swbreak+");
	assert_string_equal(stop(r, GDB_STOP_SWBREAK, 0), "T05swbreak:;thread:1;");
	assert_string_equal(stop(r, GDB_STOP_HWBREAK, 0), "T05thread:1;");
	free(r);
}

static void test_resume(void **state)
{
	struct rig *r = new_rig(64);

	(void)state;
	r->f.regs.rip = 0x1000;
	assert_int_equal(send_pkt(r, "c"), GDB_ACTION_CONTINUE);
	assert_string_equal(drain(r), "+"); /* the reply comes at the stop */
	assert_int_equal(send_pkt(r, "s"), GDB_ACTION_STEP);
	assert_true(r->f.regs.rip == 0x1000);
	assert_int_equal(send_pkt(r, "c401000"), GDB_ACTION_CONTINUE);
	assert_true(r->f.regs.rip == 0x401000);
	assert_int_equal(send_pkt(r, "s10"), GDB_ACTION_STEP);
	assert_true(r->f.regs.rip == 0x10);
	assert_int_equal(send_pkt(r, "C05"), GDB_ACTION_CONTINUE);
	assert_int_equal(send_pkt(r, "S05;20"), GDB_ACTION_STEP);
	assert_true(r->f.regs.rip == 0x20);
	assert_string_equal(drain(r), "+++++");
	assert_string_equal(ask(r, "c10x"), "E16");
	assert_string_equal(ask(r, "c10000000000000000"), "E16");
	assert_string_equal(ask(r, "C"), "E16");
	assert_string_equal(ask(r, "C05;"), "E16");
	assert_string_equal(ask(r, "C05;x"), "E16");
	assert_true(r->f.regs.rip == 0x20);
	assert_string_equal(ask(r, "vCont?"), "vCont;c;s");
	assert_int_equal(send_pkt(r, "vCont;c"), GDB_ACTION_CONTINUE);
	assert_int_equal(send_pkt(r, "vCont;s:1;c"), GDB_ACTION_STEP);
	assert_int_equal(send_pkt(r, "vCont;s:p1.1;c"), GDB_ACTION_STEP);
	assert_int_equal(send_pkt(r, "vCont;c:-1"), GDB_ACTION_CONTINUE);
	assert_int_equal(send_pkt(r, "vCont;s:2;c"), GDB_ACTION_CONTINUE);
	drain(r);
	assert_string_equal(ask(r, "vCont;c:2"), "E16");
	assert_string_equal(ask(r, "vCont;t"), "E16");
	assert_string_equal(ask(r, "vCont;C05"), "E16");
	assert_string_equal(ask(r, "vCont;"), "E16");
	assert_string_equal(ask(r, "vCont;cx"), "E16");
	assert_string_equal(ask(r, "vCont"), "");
	assert_int_equal(send_pkt(r, "k"), GDB_ACTION_KILL);
	assert_string_equal(drain(r), "+"); /* no reply to k */
	free(r);

	r = new_rig(32);
	assert_string_equal(ask(r, "c100000000"), "E16");
	assert_int_equal(send_pkt(r, "cffffffff"), GDB_ACTION_CONTINUE);
	assert_true(r->f.regs.rip == 0xffffffff);
	free(r);
}

/* ---- Queries -------------------------------------------------------- */

/* target.xml read in chunks of size chunk, joined. */
static char *read_target_xml(struct rig *r, unsigned chunk)
{
	size_t cap = 16384, len = 0;
	char *xml = calloc(1, cap);
	char pkt[64];

	assert_non_null(xml);
	for (int guard = 0; guard < 10000; guard++) {
		const char *rep;

		snprintf(pkt, sizeof pkt, "qXfer:features:read:target.xml:%zx,%x", len, chunk);
		rep = ask(r, pkt);
		assert_true(rep[0] == 'm' || rep[0] == 'l');
		assert_true(strlen(rep + 1) <= chunk);
		assert_true(len + strlen(rep + 1) < cap);
		strcpy(xml + len, rep + 1);
		len += strlen(rep + 1);
		if (rep[0] == 'l')
			return xml;
	}
	fail_msg("target.xml never ended");
	return NULL;
}

static void test_queries(void **state)
{
	struct rig *r = new_rig(64);
	char *xml, *small;

	(void)state;
	assert_string_equal(ask(r, "qAttached"), "1");
	assert_string_equal(ask(r, "qAttached:1"), "1");
	assert_string_equal(ask(r, "qC"), "QC1");
	assert_string_equal(ask(r, "qfThreadInfo"), "m1");
	assert_string_equal(ask(r, "qsThreadInfo"), "l");
	assert_string_equal(ask(r, "Hg0"), "OK");
	assert_string_equal(ask(r, "Hc-1"), "OK");
	assert_string_equal(ask(r, "T1"), "OK");
	assert_string_equal(ask(r, "Tp1.1"), "OK");
	assert_string_equal(ask(r, "T2"), "E02");
	assert_string_equal(ask(r, "Tzz"), "E02");
	assert_string_equal(ask(r, "vMustReplyEmpty"), "");
	assert_string_equal(ask(r, "qTStatus"), "");
	assert_string_equal(ask(r, "qOffsets"), "");
	assert_string_equal(ask(r, "!"), "");
	assert_string_equal(ask(r, ""), "");
	assert_string_equal(ask(r, "QFoo"), "");

	xml = read_target_xml(r, 0xffb);
	small = read_target_xml(r, 7);
	assert_string_equal(xml, small);
	assert_contains(xml, "<architecture>i386:x86-64</architecture>");
	assert_contains(xml, "<feature name=\"org.gnu.gdb.i386.core\">");
	assert_contains(xml, "<feature name=\"org.gnu.gdb.i386.sse\">");
	/* rbp before rsp, as in the g packet; xmm15 then mxcsr last. */
	assert_true(strstr(xml, "\"rbp\"") < strstr(xml, "\"rsp\""));
	assert_true(strstr(xml, "\"xmm15\"") < strstr(xml, "\"mxcsr\""));
	assert_string_equal(xml + strlen(xml) - 9, "</target>");
	free(xml);
	free(small);
	assert_string_equal(ask(r, "qXfer:features:read:target.xml:100000,10"), "l");
	assert_string_equal(ask(r, "qXfer:features:read:other.xml:0,10"), "E02");
	assert_string_equal(ask(r, "qXfer:features:read:target.xml:0,0"), "E16");
	assert_string_equal(ask(r, "qXfer:features:read:target.xml:0"), "E16");
	assert_string_equal(ask(r, "qXfer:features:read:target.xml:x,10"), "E16");
	free(r);

	/* No auxiliary vector: not offered, not served. */
	r = new_rig(64);
	assert_null(strstr(ask(r, "qSupported:swbreak+"), "auxv"));
	assert_string_equal(ask(r, "qXfer:auxv:read::0,100"), "E02");
	/* One: offered, and read in parts ('}' and '#' bytes escaped). */
	/* (no zero bytes: the test's reply() reads replies as strings) */
	static const uint8_t auxv[] = { 9, 1, 2, 3, 4, 5, 6, 7, 0x7d, 0x23, 0x40, 1, 1, 1, 1, 1 };
	r->s.target.auxv = auxv;
	r->s.target.auxv_len = sizeof auxv;
	assert_contains(ask(r, "qSupported:swbreak+"), ";qXfer:auxv:read+");
	assert_true(ask(r, "qXfer:auxv:read::0,8")[0] == 'm');
	const char *part = ask(r, "qXfer:auxv:read::8,100");
	assert_true(part[0] == 'l');
	assert_true((uint8_t)part[1] == 0x7d && (uint8_t)part[2] == (0x7d ^ 0x20));
	assert_true((uint8_t)part[3] == 0x7d && (uint8_t)part[4] == (0x23 ^ 0x20));
	assert_true(part[5] == 0x40);
	assert_string_equal(ask(r, "qXfer:auxv:read::16,8"), "l");
	assert_string_equal(ask(r, "qXfer:auxv:read:0,8"), "E02");
	/* A static PIE's offsets; none for code where it was linked. */
	assert_string_equal(ask(r, "qOffsets"), "");
	r->s.target.load_offset = 0x7f0000400000;
	assert_string_equal(ask(r, "qOffsets"), "Text=7f0000400000;Data=7f0000400000;Bss=7f0000400000");
	free(r);

	r = new_rig(32);
	xml = read_target_xml(r, 0x100);
	assert_contains(xml, "<architecture>i386</architecture>");
	assert_true(strstr(xml, "\"ecx\"") < strstr(xml, "\"edx\""));
	assert_true(strstr(xml, "\"edx\"") < strstr(xml, "\"ebx\""));
	assert_null(strstr(xml, "xmm8"));
	free(xml);
	free(r);
}

/* ---- Hostile input -------------------------------------------------- */

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"g1", "G", "Gzz", "p", "P", "P=", "Pzz=00", "m", "M", "X", "Z", "z", "Z0", "Z0,",
		"Z1,1", "z1,,", "Z2,1,", "Z4,,4", "M1,2:", "X1,1:", "X,1:a", "c,", "s;", "T", "Tp",
		"Tp1.", "qXfer", "qXfer:features:read:target.xml:", "m-1,1", "p-1", "Z0,-1,1",
		"C05;", "S;", "vCont;c:p2.1", "m10000,1,", "M10000,1:0g",
	};
	struct rig *r = new_rig(64);

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		enum gdb_action a = send_pkt(r, bad[i]);
		const char *rep = reply(r, true);

		if (a != GDB_ACTION_NONE || (rep[0] != 'E' && rep[0] != 0))
			fail_msg("\"%s\": action %d, reply \"%s\"", bad[i], a, rep);
	}
	/* Long, but a fine number once its leading zeros are gone. */
	assert_string_equal(ask(r, "M00000000000000000000000000000000000010001,1:ab"), "OK");
	assert_int_equal(r->f.ram[1], 0xab);
	free(r);
}

static uint32_t lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Feeds all of buf whatever it asks, draining as it goes. */
static void feed_all(struct rig *r, const uint8_t *buf, size_t n)
{
	size_t off = 0;

	for (int guard = 0; off < n && guard < 10000; guard++) {
		size_t used;

		gdb_session_feed(&r->s, buf + off, n - off, &used);
		off += used;
		drain(r);
	}
	assert_int_equal(off, n);
}

/* Random packets with good checksums, then raw random bytes: no crash
 * (ASan/UBSan watch), output never past its bound, every byte taken. */
static void test_random_input(void **state)
{
	static const char alpha[] = "gGpPmMXcsCSzZHTqQvDk?0123456789abcdefABCDEF,:;=-}$#*pxX.\x03";
	struct rig *r;
	uint32_t seed = 12345;
	uint8_t buf[600];

	(void)state;
	for (int bits = 32; bits <= 64; bits += 32) {
		r = new_rig(bits);
		for (int iter = 0; iter < 3000; iter++) {
			size_t n = lcg(&seed) % (sizeof buf - 4);
			bool framed = iter % 2 == 0;

			for (size_t i = 0; i < n; i++)
				buf[i] = framed ? (uint8_t)alpha[lcg(&seed) % (sizeof alpha - 1)]
						: (uint8_t)lcg(&seed);
			if (framed && n > 1) {
				/* A plausible command, framed with a good checksum. */
				buf[0] = '$';
				buf[1] = (uint8_t)"gGpPmMXZzqvTcs"[lcg(&seed) % 14];
				for (size_t i = 1; i < n; i++)
					if (buf[i] == '$' || buf[i] == '#')
						buf[i] = 'a';
				snprintf((char *)buf + n, 4, "#%02x", checksum(buf + 1, n - 1));
				n += 3;
			}
			feed_all(r, buf, n);
			/* Drop the noise's breakpoints now and then. */
			if (iter % 500 == 499)
				feed_all(r, (const uint8_t *)"#00$D#44", 8);
		}
		/* Still speaks afterwards. */
		feed_raw(r, "#00", 3); /* ends whatever packet was open */
		drain(r);
		assert_string_equal(ask(r, "qC"), "QC1");
		free(r);
	}
}

/* Feeding while nothing drains: input stops being taken before the
 * output overflows; draining lets it go on. */
static void test_output_backpressure(void **state)
{
	struct rig *r = new_rig(64);
	char *many = malloc(64 * 5 + 1);
	size_t used, total = 0, len;

	(void)state;
	assert_non_null(many);
	many[0] = 0;
	for (int i = 0; i < 64; i++)
		strcat(many, "$g#67");
	gdb_session_feed(&r->s, (const uint8_t *)many, strlen(many), &used);
	assert_true(used < strlen(many));
	gdb_session_output(&r->s, &len);
	assert_true(len <= GDB_OUT_MAX);
	/* Stop replies too wait for room. */
	int stops = 0;
	while (gdb_session_stopped(&r->s, GDB_STOP_STEP, 0) == 0)
		assert_true(++stops < 1000);
	gdb_session_output(&r->s, &len);
	assert_true(len <= GDB_OUT_MAX);
	/* Output taken a byte at a time keeps its order. */
	size_t before = len;
	assert_int_equal(gdb_session_output(&r->s, &len)[0], '+');
	gdb_session_output_consumed(&r->s, 1);
	assert_int_equal(gdb_session_output(&r->s, &len)[0], '$');
	assert_int_equal(len, before - 1);
	while (total + used < strlen(many)) {
		total += used;
		drain(r);
		gdb_session_feed(&r->s, (const uint8_t *)many + total, strlen(many) - total, &used);
		assert_true(used > 0);
	}
	free(many);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_no_ack),
		cmocka_unit_test(test_oversized_packet),
		cmocka_unit_test(test_g_amd64),
		cmocka_unit_test(test_g_i386),
		cmocka_unit_test(test_G),
		cmocka_unit_test(test_p_P),
		cmocka_unit_test(test_register_failures),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_sw_breakpoints),
		cmocka_unit_test(test_hw_breakpoints),
		cmocka_unit_test(test_classify_debug),
		cmocka_unit_test(test_stop_replies),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_random_input),
		cmocka_unit_test(test_output_backpressure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
