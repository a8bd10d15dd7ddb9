/* The GDB Remote Serial Protocol server core behind --gdb=PORT: packets in,
 * replies out, for one 32-bit (i386) or 64-bit (x86-64) guest with a single
 * vCPU, which GDB sees as thread 1 of an all-stop target.
 *
 * It knows nothing of KVM, sockets or file descriptors, so the unit tests
 * drive it with byte strings and a fake target: the caller feeds it what it
 * read from GDB, sends what it queued, runs or steps the guest when a packet
 * asks for that, and reports why the guest stopped. The target is a set of
 * callbacks over the registers and guest memory (identity-mapped: guest
 * addresses are the addresses GDB uses).
 *
 * The stub keeps its own breakpoints: software ones as int3 (0xCC) bytes it
 * writes into guest memory (hidden from GDB's memory reads), hardware ones
 * and watchpoints as values for the four x86 debug registers, which the
 * caller hands to the CPU (gdb_session_debug_regs).
 *
 * References: the GDB manual, appendix "Remote Protocol" (sections
 * "Overview", "Packets", "Stop Reply Packets", "General Query Packets",
 * "Target Descriptions"), and the Intel SDM vol. 3 §17.2 (debug registers). */
#ifndef KVMRUN_GDB_REMOTE_H
#define KVMRUN_GDB_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest packet payload accepted from GDB (qSupported's PacketSize)
 * and the largest reply payload sent back. */
#define GDB_PACKET_MAX 4096
/* Where software breakpoints are kept; more get an error reply. */
#define GDB_SW_BREAKPOINTS_MAX 64
/* DR0-DR3. */
#define GDB_HW_SLOTS 4
/* Room for queued replies: the caller drains it between feeds. */
#define GDB_OUT_MAX (2 * GDB_PACKET_MAX + 64)

/* Registers as the monitor holds them: the general registers in kvm_regs
 * order, the x87 and SSE state as GDB's i387 registers show it (ftag the
 * full 16-bit tag word, fiseg/fioff the last instruction's selector and
 * offset, foseg/fooff the last operand's, fop the last opcode). A 32-bit
 * guest uses the low halves and xmm0-xmm7. */
struct gdb_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint16_t cs, ss, ds, es, fs, gs;
	uint8_t st[8][10];
	uint32_t fctrl, fstat, ftag, fiseg, fioff, foseg, fooff, fop;
	uint8_t xmm[16][16];
	uint32_t mxcsr;
};

/* The guest, as the stub reaches it. Each callback returns 0, or -1 on
 * failure; the memory ones fail when any byte of the range is not guest RAM. */
struct gdb_target {
	int bits; /* 32 or 64: GDB's i386 or amd64 register layout */
	void *ctx;
	int (*get_regs)(void *ctx, struct gdb_regs *r);
	int (*set_regs)(void *ctx, const struct gdb_regs *r);
	int (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t len);
	int (*write_mem)(void *ctx, uint64_t addr, const void *buf, size_t len);
	/* The program's auxiliary vector as its process would see it (words
	 * of the guest's width), for "qXfer:auxv:read"; none when auxv_len is 0. */
	const uint8_t *auxv;
	size_t auxv_len;
	/* Where a static PIE was placed: added to every address of its ELF
	 * file, for "qOffsets"; 0 for code that runs where it was linked. */
	uint64_t load_offset;
};

/* What the caller does after a feed. */
enum gdb_action {
	GDB_ACTION_NONE,      /* keep reading from GDB */
	GDB_ACTION_CONTINUE,  /* run the guest until it stops */
	GDB_ACTION_STEP,      /* run one instruction (e.g. KVM_GUESTDBG_SINGLESTEP) */
	GDB_ACTION_DETACH,    /* breakpoints are gone from memory: run on, close GDB */
	GDB_ACTION_KILL,      /* end the guest; GDB expects no reply */
	GDB_ACTION_INTERRUPT, /* GDB sent ^C: stop the guest, then gdb_session_stopped */
};

/* Why the guest stopped (gdb_session_stopped's reply, "Stop Reply Packets").
 * The argument each one takes is in brackets. */
enum gdb_stop {
	GDB_STOP_STEP,      /* single step done: T05 */
	GDB_STOP_TRAP,      /* a trap the stub did not set (the guest's own int3): T05 */
	GDB_STOP_SWBREAK,   /* int3 of a Z0 breakpoint: T05swbreak */
	GDB_STOP_HWBREAK,   /* DR0-DR3 instruction breakpoint: T05hwbreak */
	GDB_STOP_WATCH,     /* write watchpoint [the watched address]: T05watch:ADDR */
	GDB_STOP_RWATCH,    /* read watchpoint [address]: T05rwatch:ADDR */
	GDB_STOP_AWATCH,    /* access watchpoint [address]: T05awatch:ADDR */
	GDB_STOP_INTERRUPT, /* stopped for GDB's ^C: T02 */
	GDB_STOP_SIGNAL,    /* stopped, inspectable, with [a GDB signal number]: Tss */
	GDB_STOP_EXITED,    /* the guest ended with [exit status]: Wss */
	GDB_STOP_CRASHED,   /* the guest ended, killed by [a GDB signal number]: Xss */
};

struct gdb_sw_breakpoint {
	uint64_t addr;
	uint8_t saved; /* the guest's byte under the 0xCC */
	bool used;
};

/* One debug register. A watchpoint GDB asks for at an address or length the
 * CPU cannot watch in one register is split over several (SDM §17.2.5);
 * they share a group, and removing the watchpoint frees the group. */
struct gdb_hw_slot {
	uint64_t addr;     /* DRn */
	uint8_t rw;        /* DR7 R/Wn: 0 execute, 1 write, 3 read or write */
	uint8_t len;       /* bytes: 1, 2, 4 or 8 */
	uint8_t ztype;     /* the Z packet's type: 1, 2 or 4 */
	bool used;
	uint16_t group;
	uint64_t req_addr; /* the watchpoint as GDB asked for it */
	uint64_t req_len;
};

enum gdb_rx_state { GDB_RX_IDLE, GDB_RX_PAYLOAD, GDB_RX_CSUM1, GDB_RX_CSUM2 };

/* All of one connection's state; the caller allocates it (it is large:
 * keep it off small stacks). */
struct gdb_session {
	struct gdb_target target;
	/* The packet being received. */
	enum gdb_rx_state rx;
	bool rx_overflow;
	uint8_t rx_sum;
	uint8_t rx_csum;
	size_t in_len;
	uint8_t in[GDB_PACKET_MAX];
	/* What GDB and the stub agreed ("qSupported", "QStartNoAckMode"). */
	bool no_ack;
	bool gdb_swbreak;
	bool gdb_hwbreak;
	/* The reply being built (its payload, escaped as sent). */
	bool reply_set;
	size_t reply_len;
	char reply[GDB_PACKET_MAX];
	/* The last stop reply's payload, for "?". */
	char last_stop[48];
	/* Framed bytes for GDB, from out[0]. */
	size_t out_len;
	uint8_t out[GDB_OUT_MAX];
	struct gdb_sw_breakpoint sw[GDB_SW_BREAKPOINTS_MAX];
	struct gdb_hw_slot hw[GDB_HW_SLOTS];
	uint16_t next_group;
};

/* A fresh session for a guest stopped before its first instruction ("?"
 * answers T05). t is copied. */
void gdb_session_init(struct gdb_session *s, const struct gdb_target *t);

/* Take bytes received from GDB. Stops right after a packet that asks the
 * target to do something (the action returned), or when the queued output
 * leaves no room for another reply (GDB_ACTION_NONE with *consumed < n:
 * drain the output and feed the rest). *consumed says how many bytes of in
 * were used. */
enum gdb_action gdb_session_feed(struct gdb_session *s, const uint8_t *in, size_t n, size_t *consumed);

/* The queued bytes for GDB, and how many of them were sent. */
const uint8_t *gdb_session_output(const struct gdb_session *s, size_t *len);
void gdb_session_output_consumed(struct gdb_session *s, size_t n);

/* Queue the stop reply for why the guest stopped, arg as enum gdb_stop says
 * (0 where it takes none), and keep it for "?". Returns 0, or -1 when the
 * output has no room (drain it first). */
int gdb_session_stopped(struct gdb_session *s, enum gdb_stop why, uint64_t arg);

/* Why the guest stopped, from a debug exception the caller caught:
 * vector 1 (#DB) with its DR6, or 3 (#BP) with pc the int3's own address
 * (as KVM_EXIT_DEBUG reports it). Sets *arg for gdb_session_stopped: the
 * watched address for a watchpoint, the breakpoint's for GDB_STOP_SWBREAK. */
enum gdb_stop gdb_session_classify_debug(const struct gdb_session *s, int vector, uint64_t dr6,
					 uint64_t pc, uint64_t *arg);

/* Whether one of GDB's software breakpoints (an int3 the stub wrote) is
 * at addr. */
bool gdb_session_breakpoint_at(const struct gdb_session *s, uint64_t addr);

/* Take every breakpoint out of guest memory and free the debug registers,
 * as a detach does: for a connection that was lost. */
void gdb_session_remove_breakpoints(struct gdb_session *s);

/* DR0-DR3 and DR7 for the hardware breakpoints and watchpoints (Intel SDM
 * vol. 3 §17.2.4: L0-L3, R/W0-3, LEN0-3, and LE when any is enabled). */
void gdb_session_debug_regs(const struct gdb_session *s, uint64_t dr[GDB_HW_SLOTS], uint64_t *dr7);

#endif
