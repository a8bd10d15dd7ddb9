/* The GDB Remote Serial Protocol server core (gdb_remote.h): framing,
 * the packets an all-stop x86 stub needs, the register layouts GDB uses for
 * i386 and amd64, software breakpoints kept in guest memory and hardware
 * ones on the debug registers. Everything GDB sends is treated as hostile:
 * lengths and addresses are checked, malformed packets get an E reply, and
 * each packet costs bounded work. No KVM, no I/O, no allocation. */
#include "gdb_remote.h"

#include <stdio.h>
#include <string.h>

/* Error numbers in E replies (GDB shows none of them; errno values). */
#define E_NOENT 0x02
#define E_FAULT 0x0e
#define E_INVAL 0x16
#define E_NOSPC 0x1c

/* Room a reply needs in the output: the ack, "$", payload, "#xx". */
#define REPLY_ROOM (GDB_PACKET_MAX + 8)
/* The most memory one m packet reads: its hex fills a reply. */
#define MEM_CHUNK (GDB_PACKET_MAX / 2)

#define INT3 0xcc

/* ---- Output ---------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

static void out_byte(struct gdb_session *s, uint8_t c)
{
	if (s->out_len < GDB_OUT_MAX)
		s->out[s->out_len++] = c;
}

/* "$payload#cs" ("Remote Protocol: Overview"); the payload is already
 * escaped. */
static void out_packet(struct gdb_session *s, const char *p, size_t n)
{
	uint8_t sum = 0;

	if (GDB_OUT_MAX - s->out_len < n + 4)
		return; /* not reached: feed and stopped keep the room */
	out_byte(s, '$');
	for (size_t i = 0; i < n; i++) {
		sum = (uint8_t)(sum + (uint8_t)p[i]);
		out_byte(s, (uint8_t)p[i]);
	}
	out_byte(s, '#');
	out_byte(s, (uint8_t)hexdig[sum >> 4]);
	out_byte(s, (uint8_t)hexdig[sum & 15]);
}

const uint8_t *gdb_session_output(const struct gdb_session *s, size_t *len)
{
	*len = s->out_len;
	return s->out;
}

void gdb_session_output_consumed(struct gdb_session *s, size_t n)
{
	if (n >= s->out_len) {
		s->out_len = 0;
		return;
	}
	memmove(s->out, s->out + n, s->out_len - n);
	s->out_len -= n;
}

/* ---- Building a reply ----------------------------------------------- */

static void reply_str(struct gdb_session *s, const char *str)
{
	size_t n = strlen(str);

	if (n > sizeof s->reply)
		n = sizeof s->reply;
	memcpy(s->reply, str, n);
	s->reply_len = n;
	s->reply_set = true;
}

static void reply_ok(struct gdb_session *s)
{
	reply_str(s, "OK");
}

static void reply_empty(struct gdb_session *s)
{
	reply_str(s, "");
}

static void reply_error(struct gdb_session *s, int code)
{
	char e[4] = { 'E', hexdig[(code >> 4) & 15], hexdig[code & 15], 0 };

	reply_str(s, e);
}

/* Appends to the reply, which must be set already; false when full. */
static bool reply_add_char(struct gdb_session *s, char c)
{
	if (s->reply_len >= sizeof s->reply)
		return false;
	s->reply[s->reply_len++] = c;
	return true;
}

static void reply_add_hex(struct gdb_session *s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		reply_add_char(s, hexdig[b[i] >> 4]);
		reply_add_char(s, hexdig[b[i] & 15]);
	}
}

/* Binary data in a reply: '#', '$', '}' and '*' escaped as '}' and the
 * byte xor 0x20 ("Remote Protocol: Overview"). Returns how many bytes of
 * b fitted. */
static size_t reply_add_binary(struct gdb_session *s, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = b[i];
		bool esc = c == '#' || c == '$' || c == '}' || c == '*';

		if (s->reply_len + (esc ? 2 : 1) > sizeof s->reply)
			break;
		if (esc) {
			s->reply[s->reply_len++] = '}';
			c ^= 0x20;
		}
		s->reply[s->reply_len++] = (char)c;
	}
	return i;
}

/* ---- Parsing what GDB sent ------------------------------------------ */

/* A cursor over a packet's payload; the payload is not NUL-terminated. */
struct cur {
	const uint8_t *p, *end;
};

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One or more hex digits, big-endian as GDB writes numbers; false on none
 * or on a value past 64 bits. */
static bool parse_hex(struct cur *c, uint64_t *v)
{
	uint64_t x = 0;
	const uint8_t *start = c->p;
	int d;

	while (c->p < c->end && (d = hexval(*c->p)) >= 0) {
		if (x > (UINT64_MAX >> 4))
			return false;
		x = (x << 4) | (uint64_t)d;
		c->p++;
	}
	*v = x;
	return c->p != start;
}

static bool parse_char(struct cur *c, char ch)
{
	if (c->p < c->end && *c->p == (uint8_t)ch) {
		c->p++;
		return true;
	}
	return false;
}

static bool at_end(const struct cur *c)
{
	return c->p == c->end;
}

/* Does the payload start with str, and if so step over it. */
static bool parse_prefix(struct cur *c, const char *str)
{
	size_t n = strlen(str);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, str, n) != 0)
		return false;
	c->p += n;
	return true;
}

static bool payload_is(const struct cur *c, const char *str)
{
	size_t n = strlen(str);

	return (size_t)(c->end - c->p) == n && memcmp(c->p, str, n) == 0;
}

/* "addr,len" */
static bool parse_addr_len(struct cur *c, uint64_t *addr, uint64_t *len)
{
	return parse_hex(c, addr) && parse_char(c, ',') && parse_hex(c, len);
}

/* Exactly n bytes as 2n hex digits up to the end of the payload. */
static bool parse_hex_bytes(struct cur *c, uint8_t *b, size_t n)
{
	if ((size_t)(c->end - c->p) != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(c->p[2 * i]), lo = hexval(c->p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	c->p = c->end;
	return true;
}

/* One part of a thread id: "-1" (all), or hex (0: any). */
static bool parse_tid(struct cur *c, int64_t *v)
{
	uint64_t x;

	if (parse_char(c, '-')) {
		*v = -1;
		return parse_char(c, '1');
	}
	if (!parse_hex(c, &x))
		return false;
	*v = x > INT64_MAX ? INT64_MAX : (int64_t)x;
	return true;
}

/* A thread id ("Packets": thread-id syntax): "p"pid"."tid, "p"pid, or tid.
 * True when it names thread 1 of process 1 (the only ones), all or any. */
static bool parse_thread_is_ours(struct cur *c)
{
	int64_t pid = 1, tid = 1;

	if (parse_char(c, 'p')) {
		if (!parse_tid(c, &pid) || (parse_char(c, '.') && !parse_tid(c, &tid)))
			return false;
	} else if (!parse_tid(c, &tid)) {
		return false;
	}
	return pid <= 1 && tid <= 1;
}

/* ---- Registers ------------------------------------------------------ */

/* Where one GDB register lives in struct gdb_regs: size bytes in GDB's
 * layout, from a little-endian integer field of field bytes, or (field 0)
 * copied as is. */
struct reg_desc {
	size_t off;
	uint8_t size;
	uint8_t field;
};

#define REG(f) offsetof(struct gdb_regs, f)

/* GDB's amd64 order (features/i386/64bit-core.xml) and i386 order
 * (32bit-core.xml) of the general registers. */
static const size_t gpr64[16] = { REG(rax), REG(rbx), REG(rcx), REG(rdx), REG(rsi), REG(rdi),
				  REG(rbp), REG(rsp), REG(r8),	REG(r9),  REG(r10), REG(r11),
				  REG(r12), REG(r13), REG(r14), REG(r15) };
static const size_t gpr32[8] = { REG(rax), REG(rcx), REG(rdx), REG(rbx),
				 REG(rsp), REG(rbp), REG(rsi), REG(rdi) };
static const size_t segs[6] = { REG(cs), REG(ss), REG(ds), REG(es), REG(fs), REG(gs) };
static const size_t fpu_ctl[8] = { REG(fctrl), REG(fstat), REG(ftag),  REG(fiseg),
				   REG(fioff), REG(foseg), REG(fooff), REG(fop) };

/* Register n of the layout after the general registers, rip and eflags
 * (n counted from eflags' successor): segments, x87, SSE. */
static bool reg_tail(unsigned n, unsigned nxmm, struct reg_desc *d)
{
	if (n < 6) {
		*d = (struct reg_desc){ segs[n], 4, 2 };
	} else if (n < 14) {
		*d = (struct reg_desc){ REG(st) + 10 * (n - 6), 10, 0 };
	} else if (n < 22) {
		*d = (struct reg_desc){ fpu_ctl[n - 14], 4, 4 };
	} else if (n < 22 + nxmm) {
		*d = (struct reg_desc){ REG(xmm) + 16 * (n - 22), 16, 0 };
	} else if (n == 22 + nxmm) {
		*d = (struct reg_desc){ REG(mxcsr), 4, 4 };
	} else {
		return false;
	}
	return true;
}

/* GDB register number n for the target's layout. */
static bool reg_at(int bits, uint64_t n, struct reg_desc *d)
{
	if (n > 100)
		return false;
	if (bits == 64) {
		if (n < 16)
			*d = (struct reg_desc){ gpr64[n], 8, 8 };
		else if (n == 16)
			*d = (struct reg_desc){ REG(rip), 8, 8 };
		else if (n == 17)
			*d = (struct reg_desc){ REG(rflags), 4, 8 };
		else
			return reg_tail((unsigned)n - 18, 16, d);
		return true;
	}
	if (n < 8)
		*d = (struct reg_desc){ gpr32[n], 4, 8 };
	else if (n == 8)
		*d = (struct reg_desc){ REG(rip), 4, 8 };
	else if (n == 9)
		*d = (struct reg_desc){ REG(rflags), 4, 8 };
	else
		return reg_tail((unsigned)n - 10, 8, d);
	return true;
}

static size_t regs_size(int bits)
{
	struct reg_desc d;
	size_t total = 0;

	for (unsigned n = 0; reg_at(bits, n, &d); n++)
		total += d.size;
	return total;
}

static uint64_t load_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void store_le(uint8_t *p, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* The register's bytes as GDB shows them. */
static void reg_get(const struct gdb_regs *r, const struct reg_desc *d, uint8_t *out)
{
	const uint8_t *f = (const uint8_t *)r + d->off;
	uint64_t v;

	if (!d->field) {
		memcpy(out, f, d->size);
		return;
	}
	switch (d->field) {
	case 2: { uint16_t x; memcpy(&x, f, 2); v = x; break; }
	case 4: { uint32_t x; memcpy(&x, f, 4); v = x; break; }
	default: memcpy(&v, f, 8); break;
	}
	store_le(out, d->size, v);
}

/* Sets the register from GDB's bytes; a 32-bit general register is
 * zero-extended, a segment selector keeps its low 16 bits. */
static void reg_set(struct gdb_regs *r, const struct reg_desc *d, const uint8_t *in)
{
	uint8_t *f = (uint8_t *)r + d->off;
	uint64_t v;

	if (!d->field) {
		memcpy(f, in, d->size);
		return;
	}
	v = load_le(in, d->size);
	switch (d->field) {
	case 2: { uint16_t x = (uint16_t)v; memcpy(f, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(f, &x, 4); break; }
	default: memcpy(f, &v, 8); break;
	}
}

/* "g": every register, in order, as hex. */
static void cmd_read_regs(struct gdb_session *s)
{
	struct gdb_regs r;
	struct reg_desc d;
	uint8_t b[16];

	if (s->target.get_regs(s->target.ctx, &r) < 0) {
		reply_error(s, E_FAULT);
		return;
	}
	reply_empty(s);
	for (unsigned n = 0; reg_at(s->target.bits, n, &d); n++) {
		reg_get(&r, &d, b);
		reply_add_hex(s, b, d.size);
	}
}

/* "G XX...": the whole file; any other size than "g"'s is an error. */
static void cmd_write_regs(struct gdb_session *s, struct cur *c)
{
	uint8_t b[sizeof(struct gdb_regs) + 64];
	size_t size = regs_size(s->target.bits);
	struct gdb_regs r;
	struct reg_desc d;
	size_t pos = 0;

	if (size > sizeof b || !parse_hex_bytes(c, b, size) ||
	    s->target.get_regs(s->target.ctx, &r) < 0) {
		reply_error(s, E_INVAL);
		return;
	}
	for (unsigned n = 0; reg_at(s->target.bits, n, &d); n++) {
		reg_set(&r, &d, b + pos);
		pos += d.size;
	}
	if (s->target.set_regs(s->target.ctx, &r) < 0)
		reply_error(s, E_FAULT);
	else
		reply_ok(s);
}

/* "p n" */
static void cmd_read_reg(struct gdb_session *s, struct cur *c)
{
	struct gdb_regs r;
	struct reg_desc d;
	uint64_t n;
	uint8_t b[16];

	if (!parse_hex(c, &n) || !at_end(c) || !reg_at(s->target.bits, n, &d)) {
		reply_error(s, E_INVAL);
		return;
	}
	if (s->target.get_regs(s->target.ctx, &r) < 0) {
		reply_error(s, E_FAULT);
		return;
	}
	reg_get(&r, &d, b);
	reply_empty(s);
	reply_add_hex(s, b, d.size);
}

/* "P n=r": r exactly the register's size. */
static void cmd_write_reg(struct gdb_session *s, struct cur *c)
{
	struct gdb_regs r;
	struct reg_desc d;
	uint64_t n;
	uint8_t b[16];

	if (!parse_hex(c, &n) || !parse_char(c, '=') || !reg_at(s->target.bits, n, &d) ||
	    !parse_hex_bytes(c, b, d.size)) {
		reply_error(s, E_INVAL);
		return;
	}
	if (s->target.get_regs(s->target.ctx, &r) < 0) {
		reply_error(s, E_FAULT);
		return;
	}
	reg_set(&r, &d, b);
	if (s->target.set_regs(s->target.ctx, &r) < 0)
		reply_error(s, E_FAULT);
	else
		reply_ok(s);
}

/* ---- Memory, as GDB sees it: breakpoints hidden --------------------- */

static bool range_ok(const struct gdb_session *s, uint64_t addr, uint64_t len)
{
	uint64_t limit = s->target.bits == 64 ? UINT64_MAX : UINT32_MAX;

	return addr <= limit && (len == 0 || len - 1 <= limit - addr);
}

/* The guest's bytes with the saved bytes where int3s are. Reads what it
 * can from addr on (a read ending past RAM gives its readable start);
 * returns the count, 0 when not even the first byte is RAM. */
static size_t mem_read(struct gdb_session *s, uint64_t addr, uint8_t *b, size_t len)
{
	size_t got = len;

	if (s->target.read_mem(s->target.ctx, addr, b, len) < 0) {
		for (got = 0; got < len; got++)
			if (s->target.read_mem(s->target.ctx, addr + got, b + got, 1) < 0)
				break;
	}
	for (size_t i = 0; i < GDB_SW_BREAKPOINTS_MAX; i++) {
		const struct gdb_sw_breakpoint *bp = &s->sw[i];

		if (bp->used && bp->addr >= addr && bp->addr - addr < got)
			b[bp->addr - addr] = bp->saved;
	}
	return got;
}

/* Writes GDB's bytes; where an int3 is, the byte becomes the saved one
 * and the int3 stays. b is changed. */
static int mem_write(struct gdb_session *s, uint64_t addr, uint8_t *b, size_t len)
{
	uint8_t saved[GDB_SW_BREAKPOINTS_MAX];

	for (size_t i = 0; i < GDB_SW_BREAKPOINTS_MAX; i++) {
		struct gdb_sw_breakpoint *bp = &s->sw[i];

		if (bp->used && bp->addr >= addr && bp->addr - addr < len) {
			saved[i] = b[bp->addr - addr];
			b[bp->addr - addr] = INT3;
		}
	}
	if (len && s->target.write_mem(s->target.ctx, addr, b, len) < 0)
		return -1;
	for (size_t i = 0; i < GDB_SW_BREAKPOINTS_MAX; i++) {
		struct gdb_sw_breakpoint *bp = &s->sw[i];

		if (bp->used && bp->addr >= addr && bp->addr - addr < len)
			bp->saved = saved[i];
	}
	return 0;
}

/* "m addr,len": as much as a reply holds ("Packets": the reply may be
 * shorter than asked). */
static void cmd_read_mem(struct gdb_session *s, struct cur *c)
{
	uint8_t b[MEM_CHUNK];
	uint64_t addr, len;
	size_t got;

	if (!parse_addr_len(c, &addr, &len) || !at_end(c) || !range_ok(s, addr, len)) {
		reply_error(s, E_INVAL);
		return;
	}
	if (len > sizeof b)
		len = sizeof b;
	got = len ? mem_read(s, addr, b, (size_t)len) : 0;
	if (len && !got) {
		reply_error(s, E_FAULT);
		return;
	}
	reply_empty(s);
	reply_add_hex(s, b, got);
}

/* "M addr,len:XX..." */
static void cmd_write_mem_hex(struct gdb_session *s, struct cur *c)
{
	uint8_t b[GDB_PACKET_MAX / 2];
	uint64_t addr, len;

	if (!parse_addr_len(c, &addr, &len) || !parse_char(c, ':') || len > sizeof b ||
	    !range_ok(s, addr, len) || !parse_hex_bytes(c, b, (size_t)len)) {
		reply_error(s, E_INVAL);
		return;
	}
	if (mem_write(s, addr, b, (size_t)len) < 0)
		reply_error(s, E_FAULT);
	else
		reply_ok(s);
}

/* "X addr,len:binary", the binary escaped with '}' ("Packets"). */
static void cmd_write_mem_bin(struct gdb_session *s, struct cur *c)
{
	uint8_t b[GDB_PACKET_MAX];
	uint64_t addr, len;
	size_t n = 0;

	if (!parse_addr_len(c, &addr, &len) || !parse_char(c, ':') || !range_ok(s, addr, len)) {
		reply_error(s, E_INVAL);
		return;
	}
	while (c->p < c->end && n < sizeof b) {
		uint8_t ch = *c->p++;

		if (ch == '}') {
			if (c->p == c->end)
				break; /* an escape with nothing after it */
			ch = *c->p++ ^ 0x20;
		}
		b[n++] = ch;
	}
	if (!at_end(c) || n != len) {
		reply_error(s, E_INVAL);
		return;
	}
	if (mem_write(s, addr, b, n) < 0)
		reply_error(s, E_FAULT);
	else
		reply_ok(s);
}

/* ---- Software breakpoints ("Z0"/"z0") -------------------------------- */

static struct gdb_sw_breakpoint *sw_find(struct gdb_session *s, uint64_t addr)
{
	for (size_t i = 0; i < GDB_SW_BREAKPOINTS_MAX; i++)
		if (s->sw[i].used && s->sw[i].addr == addr)
			return &s->sw[i];
	return NULL;
}

static int sw_insert(struct gdb_session *s, uint64_t addr)
{
	struct gdb_sw_breakpoint *bp = NULL;
	uint8_t orig, cc = INT3;

	if (sw_find(s, addr))
		return 0; /* already in: "Packets" asks Z to be idempotent */
	for (size_t i = 0; i < GDB_SW_BREAKPOINTS_MAX && !bp; i++)
		if (!s->sw[i].used)
			bp = &s->sw[i];
	if (!bp)
		return -E_NOSPC;
	if (s->target.read_mem(s->target.ctx, addr, &orig, 1) < 0 ||
	    s->target.write_mem(s->target.ctx, addr, &cc, 1) < 0)
		return -E_FAULT;
	*bp = (struct gdb_sw_breakpoint){ .addr = addr, .saved = orig, .used = true };
	return 0;
}

/* Puts the guest's byte back, unless the guest overwrote the int3 itself. */
static int sw_remove_one(struct gdb_session *s, struct gdb_sw_breakpoint *bp)
{
	uint8_t now;

	if (s->target.read_mem(s->target.ctx, bp->addr, &now, 1) < 0)
		return -E_FAULT;
	if (now == INT3 && s->target.write_mem(s->target.ctx, bp->addr, &bp->saved, 1) < 0)
		return -E_FAULT;
	bp->used = false;
	return 0;
}

static int sw_remove(struct gdb_session *s, uint64_t addr)
{
	struct gdb_sw_breakpoint *bp = sw_find(s, addr);

	return bp ? sw_remove_one(s, bp) : -E_NOENT;
}

/* ---- Hardware breakpoints and watchpoints (Intel SDM §17.2) ---------- */

static int hw_free_slots(const struct gdb_session *s)
{
	int n = 0;

	for (size_t i = 0; i < GDB_HW_SLOTS; i++)
		n += !s->hw[i].used;
	return n;
}

/* Splits [addr, addr+len) into pieces the CPU can watch: each 1, 2, 4 or
 * (64-bit) 8 bytes, aligned to its length (SDM §17.2.5). Returns how many
 * (at most max), or -1 when more are needed. */
static int hw_split(int bits, uint64_t addr, uint64_t len, uint64_t *pa, uint8_t *pl, int max)
{
	int n = 0;
	unsigned maxlen = bits == 64 ? 8 : 4;

	while (len) {
		unsigned l = maxlen;

		while (l > 1 && ((addr & (l - 1)) || l > len))
			l >>= 1;
		if (n == max)
			return -1;
		pa[n] = addr;
		pl[n++] = (uint8_t)l;
		addr += l;
		len -= l;
	}
	return n;
}

/* Z1 (execute), Z2 (write), Z4 (access). */
static int hw_insert(struct gdb_session *s, int ztype, uint64_t addr, uint64_t kind)
{
	static const uint8_t rw_of[5] = { 0, 0, 1, 0, 3 };
	uint64_t pa[GDB_HW_SLOTS];
	uint8_t pl[GDB_HW_SLOTS];
	int n;
	uint16_t group;

	if (ztype == 1) {
		/* Instruction breakpoints take LEN 00 (SDM §17.2.4). */
		pa[0] = addr;
		pl[0] = 1;
		n = 1;
	} else {
		if (kind == 0 || kind > 8)
			return -E_INVAL;
		n = hw_split(s->target.bits, addr, kind, pa, pl, GDB_HW_SLOTS);
		if (n < 0)
			return -E_NOSPC;
	}
	if (n > hw_free_slots(s))
		return -E_NOSPC;
	group = ++s->next_group;
	for (size_t i = 0, k = 0; i < GDB_HW_SLOTS && k < (size_t)n; i++) {
		if (s->hw[i].used)
			continue;
		s->hw[i] = (struct gdb_hw_slot){ .addr = pa[k], .rw = rw_of[ztype], .len = pl[k],
						 .ztype = (uint8_t)ztype, .used = true, .group = group,
						 .req_addr = addr, .req_len = ztype == 1 ? 1 : kind };
		k++;
	}
	return 0;
}

static int hw_remove(struct gdb_session *s, int ztype, uint64_t addr, uint64_t kind)
{
	uint64_t len = ztype == 1 ? 1 : kind;

	for (size_t i = 0; i < GDB_HW_SLOTS; i++) {
		struct gdb_hw_slot *h = &s->hw[i];

		if (h->used && h->ztype == ztype && h->req_addr == addr && h->req_len == len) {
			uint16_t group = h->group;

			for (size_t j = 0; j < GDB_HW_SLOTS; j++)
				if (s->hw[j].used && s->hw[j].group == group)
					s->hw[j].used = false;
			return 0;
		}
	}
	return -E_NOENT;
}

void gdb_session_debug_regs(const struct gdb_session *s, uint64_t dr[GDB_HW_SLOTS], uint64_t *dr7)
{
	/* LEN encoding: 00 one byte, 01 two, 11 four, 10 eight. */
	static const uint8_t len_bits[9] = { 0, 0, 1, 0, 3, 0, 0, 0, 2 };
	uint64_t v = 0;

	for (unsigned i = 0; i < GDB_HW_SLOTS; i++) {
		const struct gdb_hw_slot *h = &s->hw[i];

		dr[i] = h->used ? h->addr : 0;
		if (!h->used)
			continue;
		v |= 1ull << (2 * i);                                   /* Ln */
		v |= (uint64_t)(h->rw & 3) << (16 + 4 * i);             /* R/Wn */
		v |= (uint64_t)(h->rw ? len_bits[h->len] : 0) << (18 + 4 * i); /* LENn */
	}
	if (v)
		v |= 1ull << 8; /* LE: exact data breakpoints (SDM §17.2.4) */
	*dr7 = v;
}

/* "Z type,addr,kind" and "z type,addr,kind" ("Packets"); anything after
 * ';' (conditions, which qSupported did not offer) is ignored. */
static void cmd_breakpoint(struct gdb_session *s, struct cur *c, bool insert)
{
	uint64_t type, addr, kind;
	int rc;

	if (!parse_hex(c, &type) || !parse_char(c, ',') || !parse_addr_len(c, &addr, &kind) ||
	    (!at_end(c) && *c->p != ';') || !range_ok(s, addr, 1)) {
		reply_error(s, E_INVAL);
		return;
	}
	switch (type) {
	case 0:
		if (kind != 1) {
			rc = -E_INVAL;
			break;
		}
		rc = insert ? sw_insert(s, addr) : sw_remove(s, addr);
		break;
	case 1:
	case 2:
	case 4:
		rc = insert ? hw_insert(s, (int)type, addr, kind) : hw_remove(s, (int)type, addr, kind);
		break;
	default:
		/* Z3: x86 cannot watch reads alone (R/W 11 is read or write),
		 * so read watchpoints are unsupported: the empty reply. */
		reply_empty(s);
		return;
	}
	if (rc < 0)
		reply_error(s, -rc);
	else
		reply_ok(s);
}

/* ---- Stop replies ("Stop Reply Packets") ----------------------------- */

int gdb_session_stopped(struct gdb_session *s, enum gdb_stop why, uint64_t arg)
{
	char *p = s->last_stop;
	size_t n = sizeof s->last_stop;
	const char *watch = NULL;
	int sig = 5;

	if (GDB_OUT_MAX - s->out_len < sizeof s->last_stop + 8)
		return -1;
	switch (why) {
	case GDB_STOP_EXITED:
		snprintf(p, n, "W%02x", (unsigned)(arg & 0xff));
		goto send;
	case GDB_STOP_CRASHED:
		snprintf(p, n, "X%02x", (unsigned)(arg & 0xff));
		goto send;
	case GDB_STOP_INTERRUPT:
		sig = 2;
		break;
	case GDB_STOP_SIGNAL:
		sig = (int)(arg & 0xff);
		break;
	case GDB_STOP_WATCH:
		watch = "watch";
		break;
	case GDB_STOP_RWATCH:
		watch = "rwatch";
		break;
	case GDB_STOP_AWATCH:
		watch = "awatch";
		break;
	default:
		break;
	}
	if (watch)
		snprintf(p, n, "T05%s:%llx;thread:1;", watch, (unsigned long long)arg);
	/* swbreak/hwbreak only to a GDB that asked for them ("qSupported"). */
	else if (why == GDB_STOP_SWBREAK && s->gdb_swbreak)
		snprintf(p, n, "T05swbreak:;thread:1;");
	else if (why == GDB_STOP_HWBREAK && s->gdb_hwbreak)
		snprintf(p, n, "T05hwbreak:;thread:1;");
	else
		snprintf(p, n, "T%02xthread:1;", sig);
send:
	out_packet(s, p, strlen(p));
	return 0;
}

bool gdb_session_breakpoint_at(const struct gdb_session *s, uint64_t addr)
{
	for (size_t i = 0; i < GDB_SW_BREAKPOINTS_MAX; i++)
		if (s->sw[i].used && s->sw[i].addr == addr)
			return true;
	return false;
}

enum gdb_stop gdb_session_classify_debug(const struct gdb_session *s, int vector, uint64_t dr6,
					 uint64_t pc, uint64_t *arg)
{
	*arg = 0;
	if (vector == 3) {
		/* #BP: ours if a Z0 int3 is at pc, where KVM reports it. */
		if (!gdb_session_breakpoint_at(s, pc))
			return GDB_STOP_TRAP;
		*arg = pc;
		return GDB_STOP_SWBREAK;
	}
	if (vector != 1)
		return GDB_STOP_TRAP;
	/* #DB: DR6 B0-B3 say which slot matched, perhaps for slots not
	 * enabled (SDM §17.2.3): only ours count, data before execute. */
	for (size_t i = 0; i < GDB_HW_SLOTS; i++) {
		const struct gdb_hw_slot *h = &s->hw[i];

		if (h->used && h->rw && (dr6 & (1ull << i))) {
			*arg = h->req_addr;
			return h->rw == 1 ? GDB_STOP_WATCH : GDB_STOP_AWATCH;
		}
	}
	for (size_t i = 0; i < GDB_HW_SLOTS; i++)
		if (s->hw[i].used && !s->hw[i].rw && (dr6 & (1ull << i)))
			return GDB_STOP_HWBREAK;
	if (dr6 & (1ull << 14)) /* BS */
		return GDB_STOP_STEP;
	return GDB_STOP_TRAP;
}

/* ---- Resuming -------------------------------------------------------- */

/* "c [addr]", "s [addr]", "C sig[;addr]", "S sig[;addr]": the signal is
 * not delivered (a guest has no signals to take); an address sets RIP. */
static enum gdb_action cmd_resume(struct gdb_session *s, struct cur *c, enum gdb_action act,
				  bool with_sig)
{
	uint64_t addr, sig;
	struct gdb_regs r;

	if (with_sig) {
		if (!parse_hex(c, &sig)) {
			reply_error(s, E_INVAL);
			return GDB_ACTION_NONE;
		}
		if (at_end(c))
			return act;
		if (!parse_char(c, ';')) {
			reply_error(s, E_INVAL);
			return GDB_ACTION_NONE;
		}
	} else if (at_end(c)) {
		return act;
	}
	if (!parse_hex(c, &addr) || !at_end(c) || !range_ok(s, addr, 1) ||
	    s->target.get_regs(s->target.ctx, &r) < 0) {
		reply_error(s, E_INVAL);
		return GDB_ACTION_NONE;
	}
	r.rip = addr;
	if (s->target.set_regs(s->target.ctx, &r) < 0) {
		reply_error(s, E_FAULT);
		return GDB_ACTION_NONE;
	}
	return act;
}

/* "vCont;action[:thread-id]...": the first action that names thread 1,
 * or all threads, decides. Only c and s are offered ("vCont?"). */
static enum gdb_action cmd_vcont(struct gdb_session *s, struct cur *c)
{
	while (parse_char(c, ';')) {
		enum gdb_action act;
		bool ours = true;

		if (parse_char(c, 'c'))
			act = GDB_ACTION_CONTINUE;
		else if (parse_char(c, 's'))
			act = GDB_ACTION_STEP;
		else
			break;
		if (parse_char(c, ':'))
			ours = parse_thread_is_ours(c);
		if (!at_end(c) && *c->p != ';')
			break;
		if (ours)
			return act;
	}
	reply_error(s, E_INVAL);
	return GDB_ACTION_NONE;
}

void gdb_session_remove_breakpoints(struct gdb_session *s)
{
	for (size_t i = 0; i < GDB_SW_BREAKPOINTS_MAX; i++)
		if (s->sw[i].used && sw_remove_one(s, &s->sw[i]) < 0)
			s->sw[i].used = false; /* gone from RAM: nothing to put back */
	memset(s->hw, 0, sizeof s->hw);
}

/* "D" and "D;pid": the guest runs on without the stub's breakpoints. */
static enum gdb_action cmd_detach(struct gdb_session *s)
{
	gdb_session_remove_breakpoints(s);
	reply_ok(s);
	return GDB_ACTION_DETACH;
}

/* ---- Queries ("General Query Packets") ------------------------------ */

#define XREG(name, bits, type) "<reg name=\"" name "\" bitsize=\"" bits "\" type=\"" type "\"/>"
#define XREG_G(name, bits, type, group)                                                       \
	"<reg name=\"" name "\" bitsize=\"" bits "\" type=\"" type "\" group=\"" group "\"/>"

#define XML_EFLAGS                                                                             \
	"<flags id=\"i386_eflags\" size=\"4\">"                                                \
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"    \
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"  \
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"  \
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"  \
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>" \
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>" \
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>" \
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>" \
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>"

#define XML_SEGS                                                                               \
	XREG("cs", "32", "int32") XREG("ss", "32", "int32") XREG("ds", "32", "int32")          \
	XREG("es", "32", "int32") XREG("fs", "32", "int32") XREG("gs", "32", "int32")

#define XML_X87                                                                                \
	XREG("st0", "80", "i387_ext") XREG("st1", "80", "i387_ext")                            \
	XREG("st2", "80", "i387_ext") XREG("st3", "80", "i387_ext")                            \
	XREG("st4", "80", "i387_ext") XREG("st5", "80", "i387_ext")                            \
	XREG("st6", "80", "i387_ext") XREG("st7", "80", "i387_ext")                            \
	XREG_G("fctrl", "32", "int", "float") XREG_G("fstat", "32", "int", "float")            \
	XREG_G("ftag", "32", "int", "float") XREG_G("fiseg", "32", "int", "float")             \
	XREG_G("fioff", "32", "int", "float") XREG_G("foseg", "32", "int", "float")            \
	XREG_G("fooff", "32", "int", "float") XREG_G("fop", "32", "int", "float")

#define XML_SSE_TYPES                                                                          \
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"                                \
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"                                \
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"                                    \
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"                                    \
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"                                    \
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"                                    \
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"                         \
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"    \
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"   \
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"  \
	"</union>"                                                                             \
	"<flags id=\"i386_mxcsr\" size=\"4\">"                                                 \
	"<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"  \
	"<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"  \
	"<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"  \
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>" \
	"<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"  \
	"<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>" \
	"<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>" \
	"</flags>"

#define XML_XMM8                                                                               \
	XREG("xmm0", "128", "vec128") XREG("xmm1", "128", "vec128")                            \
	XREG("xmm2", "128", "vec128") XREG("xmm3", "128", "vec128")                            \
	XREG("xmm4", "128", "vec128") XREG("xmm5", "128", "vec128")                            \
	XREG("xmm6", "128", "vec128") XREG("xmm7", "128", "vec128")

#define XML_HEAD(arch)                                                                         \
	"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"                   \
	"<target version=\"1.0\"><architecture>" arch "</architecture>"                        \
	"<feature name=\"org.gnu.gdb.i386.core\">" XML_EFLAGS

#define XML_MXCSR XREG_G("mxcsr", "32", "i386_mxcsr", "vector")

/* The register sets served as target.xml ("Target Descriptions": i386
 * Features), in the order of the g packet. */
static const char target_xml_64[] =
	XML_HEAD("i386:x86-64")
	XREG("rax", "64", "int64") XREG("rbx", "64", "int64") XREG("rcx", "64", "int64")
	XREG("rdx", "64", "int64") XREG("rsi", "64", "int64") XREG("rdi", "64", "int64")
	XREG("rbp", "64", "data_ptr") XREG("rsp", "64", "data_ptr")
	XREG("r8", "64", "int64") XREG("r9", "64", "int64") XREG("r10", "64", "int64")
	XREG("r11", "64", "int64") XREG("r12", "64", "int64") XREG("r13", "64", "int64")
	XREG("r14", "64", "int64") XREG("r15", "64", "int64")
	XREG("rip", "64", "code_ptr") XREG("eflags", "32", "i386_eflags")
	XML_SEGS XML_X87
	"</feature><feature name=\"org.gnu.gdb.i386.sse\">" XML_SSE_TYPES XML_XMM8
	XREG("xmm8", "128", "vec128") XREG("xmm9", "128", "vec128")
	XREG("xmm10", "128", "vec128") XREG("xmm11", "128", "vec128")
	XREG("xmm12", "128", "vec128") XREG("xmm13", "128", "vec128")
	XREG("xmm14", "128", "vec128") XREG("xmm15", "128", "vec128")
	XML_MXCSR "</feature></target>";

static const char target_xml_32[] =
	XML_HEAD("i386")
	XREG("eax", "32", "int32") XREG("ecx", "32", "int32") XREG("edx", "32", "int32")
	XREG("ebx", "32", "int32") XREG("esp", "32", "data_ptr") XREG("ebp", "32", "data_ptr")
	XREG("esi", "32", "int32") XREG("edi", "32", "int32")
	XREG("eip", "32", "code_ptr") XREG("eflags", "32", "i386_eflags")
	XML_SEGS XML_X87
	"</feature><feature name=\"org.gnu.gdb.i386.sse\">" XML_SSE_TYPES XML_XMM8
	XML_MXCSR "</feature></target>";

/* A part of an object for "qXfer:OBJECT:read:annex:offset,length": 'm'
 * and the part, or 'l' and the last part. */
static void xfer_part(struct gdb_session *s, struct cur *c, const uint8_t *obj, size_t size)
{
	uint64_t off, len;
	size_t sent;

	if (!parse_addr_len(c, &off, &len) || !at_end(c) || len == 0) {
		reply_error(s, E_INVAL);
		return;
	}
	if (off >= size) {
		reply_str(s, "l");
		return;
	}
	if (len > size - off)
		len = size - off;
	reply_str(s, "m");
	sent = reply_add_binary(s, obj + off, (size_t)len);
	if (off + sent == size)
		s->reply[0] = 'l';
}

/* "qXfer:features:read:target.xml:...": the register layout. */
static void cmd_xfer_features(struct gdb_session *s, struct cur *c)
{
	const char *xml = s->target.bits == 64 ? target_xml_64 : target_xml_32;

	if (!parse_prefix(c, "target.xml:")) {
		reply_error(s, E_NOENT);
		return;
	}
	xfer_part(s, c, (const uint8_t *)xml, strlen(xml));
}

/* "qXfer:auxv:read::...": the program's auxiliary vector, where GDB finds
 * a static PIE's load address (AT_ENTRY); offered only when the target has
 * one. */
static void cmd_xfer_auxv(struct gdb_session *s, struct cur *c)
{
	if (!parse_char(c, ':') || !s->target.auxv_len) {
		reply_error(s, E_NOENT);
		return;
	}
	xfer_part(s, c, s->target.auxv, s->target.auxv_len);
}

/* "qSupported[:gdbfeature;...]": note whether GDB takes swbreak and
 * hwbreak stop reasons, offer ours. */
static void cmd_supported(struct gdb_session *s, struct cur *c)
{
	char r[128];

	if (parse_char(c, ':')) {
		while (!at_end(c)) {
			const uint8_t *semi = memchr(c->p, ';', (size_t)(c->end - c->p));
			struct cur f = { c->p, semi ? semi : c->end };

			if (payload_is(&f, "swbreak+"))
				s->gdb_swbreak = true;
			else if (payload_is(&f, "hwbreak+"))
				s->gdb_hwbreak = true;
			c->p = semi ? semi + 1 : c->end;
		}
	}
	snprintf(r, sizeof r,
		 "PacketSize=%x;swbreak+;hwbreak+;QStartNoAckMode+;qXfer:features:read+%s",
		 GDB_PACKET_MAX, s->target.auxv_len ? ";qXfer:auxv:read+" : "");
	reply_str(s, r);
}

/* "qOffsets": a static PIE's load address, which GDB adds to its file's
 * symbols ("General Query Packets"); no reply (the file as linked) when 0. */
static void cmd_offsets(struct gdb_session *s)
{
	char r[80];
	unsigned long long off = (unsigned long long)s->target.load_offset;

	snprintf(r, sizeof r, "Text=%llx;Data=%llx;Bss=%llx", off, off, off);
	reply_str(s, r);
}

static void cmd_query(struct gdb_session *s, struct cur *c)
{
	if (parse_prefix(c, "Supported"))
		cmd_supported(s, c);
	else if (payload_is(c, "Attached") || parse_prefix(c, "Attached:"))
		reply_str(s, "1"); /* attached to a running guest: kill only on request */
	else if (payload_is(c, "C"))
		reply_str(s, "QC1");
	else if (payload_is(c, "fThreadInfo"))
		reply_str(s, "m1");
	else if (payload_is(c, "sThreadInfo"))
		reply_str(s, "l");
	else if (parse_prefix(c, "Xfer:features:read:"))
		cmd_xfer_features(s, c);
	else if (parse_prefix(c, "Xfer:auxv:read:"))
		cmd_xfer_auxv(s, c);
	else if (payload_is(c, "Offsets") && s->target.load_offset)
		cmd_offsets(s);
	else
		reply_empty(s);
}

/* "T thread-id": is it alive. */
static void cmd_thread_alive(struct gdb_session *s, struct cur *c)
{
	if (parse_thread_is_ours(c) && at_end(c))
		reply_ok(s);
	else
		reply_error(s, E_NOENT);
}

/* ---- Dispatch ("Packets") ------------------------------------------- */

static enum gdb_action dispatch(struct gdb_session *s, const uint8_t *p, size_t n)
{
	struct cur c = { p + 1, p + n };

	if (n == 0) {
		reply_empty(s);
		return GDB_ACTION_NONE;
	}
	switch (p[0]) {
	case '?':
		reply_str(s, s->last_stop);
		break;
	case 'g':
		if (at_end(&c))
			cmd_read_regs(s);
		else
			reply_error(s, E_INVAL);
		break;
	case 'G':
		cmd_write_regs(s, &c);
		break;
	case 'p':
		cmd_read_reg(s, &c);
		break;
	case 'P':
		cmd_write_reg(s, &c);
		break;
	case 'm':
		cmd_read_mem(s, &c);
		break;
	case 'M':
		cmd_write_mem_hex(s, &c);
		break;
	case 'X':
		cmd_write_mem_bin(s, &c);
		break;
	case 'c':
		return cmd_resume(s, &c, GDB_ACTION_CONTINUE, false);
	case 's':
		return cmd_resume(s, &c, GDB_ACTION_STEP, false);
	case 'C':
		return cmd_resume(s, &c, GDB_ACTION_CONTINUE, true);
	case 'S':
		return cmd_resume(s, &c, GDB_ACTION_STEP, true);
	case 'Z':
	case 'z':
		cmd_breakpoint(s, &c, p[0] == 'Z');
		break;
	case 'H':
		reply_ok(s); /* one thread: Hg and Hc have nothing to choose */
		break;
	case 'T':
		cmd_thread_alive(s, &c);
		break;
	case 'q':
		cmd_query(s, &c);
		break;
	case 'Q':
		if (payload_is(&c, "StartNoAckMode"))
			reply_ok(s); /* acks stop after this reply */
		else
			reply_empty(s);
		break;
	case 'v':
		if (payload_is(&c, "Cont?"))
			reply_str(s, "vCont;c;s");
		else if (parse_prefix(&c, "Cont") && !at_end(&c) && *c.p == ';')
			return cmd_vcont(s, &c);
		else
			reply_empty(s); /* vMustReplyEmpty, and all we do not know */
		break;
	case 'D':
		return cmd_detach(s);
	case 'k':
		return GDB_ACTION_KILL; /* no reply ("Packets": k) */
	default:
		reply_empty(s);
		break;
	}
	return GDB_ACTION_NONE;
}

/* A packet arrived whole with a good checksum. */
static enum gdb_action packet_done(struct gdb_session *s)
{
	enum gdb_action act = GDB_ACTION_NONE;
	bool start_no_ack = false;

	if (!s->no_ack)
		out_byte(s, '+');
	s->reply_set = false;
	s->reply_len = 0;
	if (s->rx_overflow) {
		reply_error(s, E_INVAL); /* longer than the PacketSize offered */
	} else {
		act = dispatch(s, s->in, s->in_len);
		start_no_ack = s->in_len == 15 && !memcmp(s->in, "QStartNoAckMode", 15);
	}
	if (s->reply_set)
		out_packet(s, s->reply, s->reply_len);
	if (start_no_ack)
		s->no_ack = true;
	return act;
}

static void rx_start(struct gdb_session *s)
{
	s->rx = GDB_RX_PAYLOAD;
	s->in_len = 0;
	s->rx_sum = 0;
	s->rx_overflow = false;
}

/* One received byte ("Remote Protocol: Overview"). */
static enum gdb_action rx_byte(struct gdb_session *s, uint8_t c)
{
	int d;

	switch (s->rx) {
	case GDB_RX_IDLE:
		if (c == 0x03)
			return GDB_ACTION_INTERRUPT;
		/* '+' and '-' acks are taken and not acted on: replies are
		 * not sent again. Other noise between packets is dropped. */
		if (c == '$')
			rx_start(s);
		return GDB_ACTION_NONE;
	case GDB_RX_PAYLOAD:
		if (c == '$') {
			rx_start(s); /* '$' never appears in a payload: resync */
		} else if (c == '#') {
			s->rx = GDB_RX_CSUM1;
		} else {
			s->rx_sum = (uint8_t)(s->rx_sum + c);
			if (s->in_len < sizeof s->in)
				s->in[s->in_len++] = c;
			else
				s->rx_overflow = true;
		}
		return GDB_ACTION_NONE;
	case GDB_RX_CSUM1:
		d = hexval(c);
		if (d < 0)
			break;
		s->rx_csum = (uint8_t)(d << 4);
		s->rx = GDB_RX_CSUM2;
		return GDB_ACTION_NONE;
	case GDB_RX_CSUM2:
		d = hexval(c);
		s->rx = GDB_RX_IDLE;
		if (d < 0 || (uint8_t)(s->rx_csum | d) != s->rx_sum)
			break;
		return packet_done(s);
	}
	/* A bad checksum: ask again, unless acks are off. */
	s->rx = GDB_RX_IDLE;
	if (!s->no_ack)
		out_byte(s, '-');
	return GDB_ACTION_NONE;
}

enum gdb_action gdb_session_feed(struct gdb_session *s, const uint8_t *in, size_t n, size_t *consumed)
{
	enum gdb_action act = GDB_ACTION_NONE;
	size_t i = 0;

	while (i < n && act == GDB_ACTION_NONE) {
		if (GDB_OUT_MAX - s->out_len < REPLY_ROOM)
			break;
		act = rx_byte(s, in[i++]);
	}
	*consumed = i;
	return act;
}

void gdb_session_init(struct gdb_session *s, const struct gdb_target *t)
{
	memset(s, 0, sizeof *s);
	s->target = *t;
	snprintf(s->last_stop, sizeof s->last_stop, "T05thread:1;");
}
