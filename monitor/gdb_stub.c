/* --gdb: the guest under GDB's control (gdb_stub.h). */
#include "gdb_stub.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "diag.h"
#include "guest_symbols.h"
#include "input_watch.h"
#include "stop_request.h"
#include "vm.h"

/* ---------------------------------------------------------------- target */

/* kvm_fpu's abridged tag (one bit per register: in use) as the x87's full
 * tag word (two bits: valid, zero, special, empty), from each register's
 * contents (Intel SDM vol. 1 §8.1.7; FXSAVE's abridged form, §10.5.1). */
static uint32_t full_tag_word(const struct kvm_fpu *f)
{
	unsigned top = (f->fsw >> 11) & 7;
	uint32_t tags = 0;

	for (unsigned phys = 0; phys < 8; phys++) {
		unsigned tag = 3; /* empty */
		if (f->ftwx & (1u << phys)) {
			const uint8_t *r = f->fpr[(phys - top) & 7]; /* ST(i) is physical (top + i) */
			uint16_t exp;
			uint64_t mant;
			memcpy(&mant, r, 8);
			memcpy(&exp, r + 8, 2);
			exp &= 0x7fff;
			if (exp == 0x7fff)
				tag = 2;
			else if (exp == 0)
				tag = mant ? 2 : 1;
			else
				tag = (mant >> 63) ? 0 : 2;
		}
		tags |= tag << (2 * phys);
	}
	return tags;
}

static uint8_t abridged_tag(uint32_t full)
{
	uint8_t ftwx = 0;

	for (unsigned phys = 0; phys < 8; phys++)
		if (((full >> (2 * phys)) & 3) != 3)
			ftwx |= (uint8_t)(1u << phys);
	return ftwx;
}

static int stub_get_regs(void *ctx, struct gdb_regs *r)
{
	const struct gdb_stub *g = ctx;
	struct kvm_regs k;
	struct kvm_sregs s;
	struct kvm_fpu f;

	if (ioctl(g->vm->vcpu_fd, KVM_GET_REGS, &k) < 0 || ioctl(g->vm->vcpu_fd, KVM_GET_SREGS, &s) < 0 ||
	    ioctl(g->vm->vcpu_fd, KVM_GET_FPU, &f) < 0)
		return -1;
	memset(r, 0, sizeof *r);
	r->rax = k.rax, r->rbx = k.rbx, r->rcx = k.rcx, r->rdx = k.rdx;
	r->rsi = k.rsi, r->rdi = k.rdi, r->rsp = k.rsp, r->rbp = k.rbp;
	r->r8 = k.r8, r->r9 = k.r9, r->r10 = k.r10, r->r11 = k.r11;
	r->r12 = k.r12, r->r13 = k.r13, r->r14 = k.r14, r->r15 = k.r15;
	r->rip = k.rip, r->rflags = k.rflags;
	r->cs = s.cs.selector, r->ss = s.ss.selector, r->ds = s.ds.selector;
	r->es = s.es.selector, r->fs = s.fs.selector, r->gs = s.gs.selector;
	for (unsigned i = 0; i < 8; i++)
		memcpy(r->st[i], f.fpr[i], 10);
	r->fctrl = f.fcw, r->fstat = f.fsw, r->ftag = full_tag_word(&f);
	r->fioff = (uint32_t)f.last_ip, r->fiseg = (uint32_t)(f.last_ip >> 32);
	r->fooff = (uint32_t)f.last_dp, r->foseg = (uint32_t)(f.last_dp >> 32);
	r->fop = f.last_opcode;
	memcpy(r->xmm, f.xmm, sizeof r->xmm);
	r->mxcsr = f.mxcsr;
	return 0;
}

/* The general registers and the x87/SSE state; segment selectors are the
 * machine's, not GDB's to change. */
static int stub_set_regs(void *ctx, const struct gdb_regs *r)
{
	const struct gdb_stub *g = ctx;
	struct kvm_regs k;
	struct kvm_fpu f;

	if (ioctl(g->vm->vcpu_fd, KVM_GET_FPU, &f) < 0)
		return -1;
	k = (struct kvm_regs){
		.rax = r->rax, .rbx = r->rbx, .rcx = r->rcx, .rdx = r->rdx,
		.rsi = r->rsi, .rdi = r->rdi, .rsp = r->rsp, .rbp = r->rbp,
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rip = r->rip, .rflags = r->rflags | 2, /* bit 1 is always set */
	};
	for (unsigned i = 0; i < 8; i++)
		memcpy(f.fpr[i], r->st[i], 10);
	f.fcw = (uint16_t)r->fctrl, f.fsw = (uint16_t)r->fstat, f.ftwx = abridged_tag(r->ftag);
	f.last_opcode = (uint16_t)r->fop;
	f.last_ip = r->fioff | (uint64_t)r->fiseg << 32;
	f.last_dp = r->fooff | (uint64_t)r->foseg << 32;
	memcpy(f.xmm, r->xmm, sizeof f.xmm);
	f.mxcsr = r->mxcsr;
	if (ioctl(g->vm->vcpu_fd, KVM_SET_REGS, &k) < 0 || ioctl(g->vm->vcpu_fd, KVM_SET_FPU, &f) < 0)
		return -1;
	return 0;
}

/* Guest addresses are guest-physical (identity-mapped); every access goes
 * through the checked accessor. */
static int stub_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct gdb_stub *g = ctx;
	const void *p = guest_mem_ptr(&g->vm->mem, addr, len);

	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static int stub_write_mem(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	const struct gdb_stub *g = ctx;
	void *p = guest_mem_ptr(&g->vm->mem, addr, len);

	if (!p)
		return -1;
	memcpy(p, buf, len);
	return 0;
}

static int set_rip(const struct gdb_stub *g, uint64_t rip)
{
	struct kvm_regs k;

	if (ioctl(g->vm->vcpu_fd, KVM_GET_REGS, &k) < 0)
		return -1;
	k.rip = rip;
	return ioctl(g->vm->vcpu_fd, KVM_SET_REGS, &k);
}

/* The breakpoints and watchpoints GDB set, and a single step, for the next
 * KVM_RUN (api.rst KVM_SET_GUEST_DEBUG). Software breakpoints are int3
 * bytes already in guest memory; KVM_GUESTDBG_USE_SW_BP makes their #BP
 * exit to kvmrun instead of reaching the guest. */
static int arm(struct gdb_stub *g, bool step)
{
	struct kvm_guest_debug dbg = { .control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP };
	uint64_t dr[GDB_HW_SLOTS], dr7;

	if (step)
		dbg.control |= KVM_GUESTDBG_SINGLESTEP | (g->block_irq ? KVM_GUESTDBG_BLOCKIRQ : 0);
	gdb_session_debug_regs(&g->session, dr, &dr7);
	if (dr7 & 0xff) {
		dbg.control |= KVM_GUESTDBG_USE_HW_BP;
		for (unsigned i = 0; i < GDB_HW_SLOTS; i++)
			dbg.arch.debugreg[i] = dr[i];
		dbg.arch.debugreg[7] = dr7;
	}
	if (ioctl(g->vm->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
		diag("gdb: cannot set the guest's debug state: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void disarm(struct gdb_stub *g)
{
	struct kvm_guest_debug dbg = { .control = 0 };

	ioctl(g->vm->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg);
}

/* ---------------------------------------------------------------- the connection */

/* GDB went away: the guest runs on, undebugged. (The descriptor stays
 * open: the filter has no close; exit closes it.) */
static void lost(struct gdb_stub *g, const char *why)
{
	if (g->fd < 0)
		return;
	diag("gdb: connection lost (%s): the guest runs on without it", why);
	g->fd = -1;
	gdb_session_remove_breakpoints(&g->session);
	disarm(g);
}

/* Send everything queued; waits (poll) while the socket is full. */
static void flush(struct gdb_stub *g)
{
	size_t len;
	const uint8_t *out = gdb_session_output(&g->session, &len);

	while (len && g->fd >= 0) {
		ssize_t n = write(g->fd, out, len);
		if (n > 0) {
			gdb_session_output_consumed(&g->session, (size_t)n);
			out = gdb_session_output(&g->session, &len);
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd p = { .fd = g->fd, .events = POLLOUT };
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				lost(g, strerror(errno));
			if (stop_requested())
				return;
		} else {
			lost(g, n < 0 ? strerror(errno) : "closed");
		}
	}
}

/* Read what GDB sent into g->in: wait for it or not. 1 when bytes came,
 * 0 when none (or a stop was requested), -1 when GDB is gone. */
static int receive(struct gdb_stub *g, bool wait)
{
	for (;;) {
		if (g->in_len == sizeof g->in)
			return 1; /* full: feed it first (a read of 0 bytes would look like EOF) */
		ssize_t n = read(g->fd, g->in + g->in_len, sizeof g->in - g->in_len);
		if (n > 0) {
			g->in_len += (size_t)n;
			return 1;
		}
		if (n == 0) {
			lost(g, "closed by gdb");
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR) {
			lost(g, strerror(errno));
			return -1;
		}
		if (!wait || stop_requested())
			return 0;
		struct pollfd p = { .fd = g->fd, .events = POLLIN };
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			lost(g, strerror(errno));
			return -1;
		}
	}
}

/* Feed what was received; the action of the first packet that has one. */
static enum gdb_action feed(struct gdb_stub *g)
{
	size_t used = 0;
	enum gdb_action a = gdb_session_feed(&g->session, g->in, g->in_len, &used);

	memmove(g->in, g->in + used, g->in_len - used);
	g->in_len -= used;
	return a;
}

/* Serve GDB while the guest is stopped, until it resumes or ends it:
 * 0 to run the guest, 1 when GDB killed it (*status set). A stop request
 * (a signal, --timeout) also returns 0: the exit loop's stop check ends
 * the run. */
static int serve(struct gdb_stub *g, int *status)
{
	for (;;) {
		flush(g);
		if (g->fd < 0 || stop_requested())
			return 0;
		if (!g->in_len && receive(g, true) <= 0)
			continue;
		switch (feed(g)) {
		case GDB_ACTION_NONE:
		case GDB_ACTION_INTERRUPT: /* ^C while stopped: nothing to stop */
			if (g->in_len == sizeof g->in) /* cannot happen: feed takes a full buffer */
				g->in_len = 0;
			break;
		case GDB_ACTION_CONTINUE:
			flush(g);
			return arm(g, false) < 0 ? (lost(g, "debug state"), 0) : 0;
		case GDB_ACTION_STEP:
			flush(g);
			return arm(g, true) < 0 ? (lost(g, "debug state"), 0) : 0;
		case GDB_ACTION_DETACH:
			flush(g);
			diag("gdb: detached: the guest runs on");
			g->fd = -1;
			disarm(g);
			return 0;
		case GDB_ACTION_KILL:
			diag("gdb: killed the guest");
			g->fd = -1;
			*status = 128 + 9; /* as a shell shows SIGKILL */
			return 1;
		}
	}
}

/* ---------------------------------------------------------------- the exit loop's calls */

int gdb_signal_from_linux(int sig)
{
	switch (sig) {
	case 7: return 10;  /* SIGBUS */
	case 10: return 30; /* SIGUSR1 */
	case 12: return 31; /* SIGUSR2 */
	default: return sig; /* 1-6, 8, 9, 11, 13-15 agree */
	}
}

int gdb_stub_start(struct gdb_stub *g, int *status)
{
	return serve(g, status);
}

int gdb_stub_debug_exit(struct gdb_stub *g, int *status)
{
	const struct kvm_debug_exit_arch *d = &g->vm->run->debug.arch;
	uint64_t arg = 0;
	enum gdb_stop why = gdb_session_classify_debug(&g->session, (int)d->exception, d->dr6, d->pc, &arg);

	if (g->fd < 0) { /* GDB left with the guest stepping: just run on */
		disarm(g);
		return 0;
	}
	/* KVM reports an int3 at its own address. One of GDB's: RIP there, as
	 * GDB expects; the guest's own: RIP after it, as Linux leaves a
	 * process that took SIGTRAP, so that it goes on when resumed. */
	uint64_t rip = why == GDB_STOP_SWBREAK ? arg : d->pc + 1;
	if ((why == GDB_STOP_SWBREAK || (why == GDB_STOP_TRAP && d->exception == 3)) &&
	    set_rip(g, rip) < 0)
		diag("gdb: cannot set the guest's RIP after its int3: %s", strerror(errno));
	gdb_session_stopped(&g->session, why, arg);
	return serve(g, status);
}

int gdb_stub_poll(struct gdb_stub *g, int *status)
{
	if (g->fd < 0 || receive(g, false) <= 0)
		return 0;
	if (feed(g) != GDB_ACTION_INTERRUPT) {
		flush(g);
		return 0;
	}
	gdb_session_stopped(&g->session, GDB_STOP_INTERRUPT, 0);
	return serve(g, status);
}

/* The crash report's registers are struct kvm_regs' fields, in its order
 * (include/kvmrun/hypercall.h): one copy makes the one from the other. */
_Static_assert(sizeof(struct kvm_regs) == KVMRUN_CRASH_NREGS * sizeof(uint64_t),
	       "kvm_regs: the crash report's registers");
_Static_assert(offsetof(struct kvm_regs, rbp) == KVMRUN_CRASH_RBP * 8 &&
	       offsetof(struct kvm_regs, r8) == KVMRUN_CRASH_R8 * 8 &&
	       offsetof(struct kvm_regs, r15) == KVMRUN_CRASH_R15 * 8 &&
	       offsetof(struct kvm_regs, rip) == KVMRUN_CRASH_RIP * 8 &&
	       offsetof(struct kvm_regs, rflags) == KVMRUN_CRASH_RFLAGS * 8,
	       "kvm_regs: the crash report's order");

/* The vCPU back in the code the guest's exception handler interrupted:
 * the registers the handler saved, RIP at rip. The crash hypercall's port
 * write is completed first (api.rst: the state is consistent only after
 * KVM_RUN re-entered; immediate_exit makes that return at once), so KVM
 * does not step over it into the moved RIP. */
static int restore_crashed(const struct gdb_stub *g, const struct kvmrun_crash *crash, uint64_t rip)
{
	struct kvm_run *run = g->vm->run;

	run->immediate_exit = 1;
	if (ioctl(g->vm->vcpu_fd, KVM_RUN, 0) == 0 || (errno != EINTR && errno != EAGAIN))
		diag("gdb: the guest ran on when asked to complete its port write");
	run->immediate_exit = stop_requested() || input_watch_due; /* what the KVM_RUN took */
	struct kvm_regs k;

	memcpy(&k, crash->regs, sizeof k);
	k.rip = rip;
	k.rflags |= 2; /* bit 1 is always set (SDM vol. 1 §3.4.3) */
	return ioctl(g->vm->vcpu_fd, KVM_SET_REGS, &k);
}

int gdb_stub_guest_trap(void *debugger, const struct kvmrun_crash *crash, int *status)
{
	struct gdb_stub *g = debugger;

	if (g->fd < 0 || crash->vector != 3 || (crash->flags & KVMRUN_CRASH_REGISTERS_LOST))
		return 0;
	/* The handler saw RIP after the int3. GDB's breakpoint: back at it;
	 * the guest's own int3: after it, a SIGTRAP stop, as on KVM's path. */
	uint64_t after = crash->regs[KVMRUN_CRASH_RIP];
	bool ours = gdb_session_breakpoint_at(&g->session, after - 1);
	if (restore_crashed(g, crash, ours ? after - 1 : after) < 0) {
		diag("gdb: cannot put the guest back where its int3 stopped it: %s", strerror(errno));
		return 0;
	}
	gdb_session_stopped(&g->session, ours ? GDB_STOP_SWBREAK : GDB_STOP_TRAP, ours ? after - 1 : 0);
	return serve(g, status) ? 2 : 1;
}

int gdb_stub_guest_done(struct gdb_stub *g, const struct kvmrun_crash *crash, int status)
{
	if (g->fd < 0)
		return status;
	if (crash && (crash->flags & KVMRUN_CRASH_REGISTERS_LOST)) {
		/* No place to show: the end, with its signal. */
		gdb_session_stopped(&g->session, GDB_STOP_CRASHED,
				    (uint64_t)gdb_signal_from_linux(status - 128));
	} else if (crash) {
		/* Show GDB the faulting code, not the exception handler. */
		restore_crashed(g, crash, crash->regs[KVMRUN_CRASH_RIP]);
		int sig = gdb_signal_from_linux(status - 128);
		int ignored;
		gdb_session_stopped(&g->session, GDB_STOP_SIGNAL, (uint64_t)sig);
		if (serve(g, &ignored) == 1)
			return status; /* killed: the crash's status stands */
		if (g->fd >= 0)
			gdb_session_stopped(&g->session, GDB_STOP_CRASHED, (uint64_t)sig);
	} else {
		gdb_session_stopped(&g->session, GDB_STOP_EXITED, (uint64_t)(status & 0xff));
	}
	flush(g);
	return status;
}

/* ---------------------------------------------------------------- connecting */

static int listen_on(const char *where, char *shown, size_t shown_len, char *err, size_t errlen)
{
	int fd;

	if (strchr(where, '/')) {
		struct sockaddr_un un = { .sun_family = AF_UNIX };
		if (strlen(where) >= sizeof un.sun_path) {
			diag_set(err, errlen, "--gdb: %s: socket path too long", where);
			return -1;
		}
		strcpy(un.sun_path, where);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof un) < 0 || listen(fd, 1) < 0) {
			diag_set(err, errlen, "--gdb: %s: %s", where, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		snprintf(shown, shown_len, "%s", where);
		return fd;
	}
	char *end;
	errno = 0;
	unsigned long port = strtoul(where, &end, 10);
	if (!*where || *end || errno || port < 1 || port > 65535) {
		diag_set(err, errlen, "bad --gdb: '%s': a TCP port (1-65535) or a UNIX socket's path "
			 "(with a '/')", where);
		return -1;
	}
	/* The loopback interface only: the stub can read and write all of the
	 * guest, and nothing authenticates GDB. */
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&in, sizeof in) < 0 || listen(fd, 1) < 0) {
		diag_set(err, errlen, "--gdb: port %lu: %s", port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(shown, shown_len, "localhost:%lu", port);
	return fd;
}

int gdb_stub_connect(struct gdb_stub *g, struct vm *vm, unsigned bits, const char *where,
		     char *err, size_t errlen)
{
	char shown[128];
	int one = 1;

	memset(g, 0, sizeof *g);
	g->vm = vm;
	g->fd = -1;
	int listener = listen_on(where, shown, sizeof shown, err, errlen);
	if (listener < 0)
		return -1;
	diag("waiting for gdb on %s: gdb APP -ex 'target remote %s'", shown, shown);
	/* poll, not a bare accept: a stop (^C, --timeout) must end the wait,
	 * and accept restarts after kvmrun's signal handlers. */
	struct pollfd p = { .fd = listener, .events = POLLIN };
	while (poll(&p, 1, -1) < 0 && errno == EINTR && !stop_requested())
		;
	int saved = errno;
	if (stop_requested()) {
		g->fd = -1;
		saved = EINTR;
	} else {
		g->fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		saved = errno;
	}
	close(listener);
	if (strchr(where, '/'))
		unlink(where); /* connected: the name is no longer needed */
	if (g->fd < 0) {
		diag_set(err, errlen, "--gdb: %s", saved == EINTR ? "stopped while waiting for gdb"
			 : strerror(saved));
		return -1;
	}
	if (!strchr(where, '/'))
		setsockopt(g->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* api.rst KVM_CAP_SET_GUEST_DEBUG2: the control flags KVM accepts. */
	int flags = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);
	g->block_irq = flags > 0 && (flags & KVM_GUESTDBG_BLOCKIRQ);
	struct gdb_target t = {
		.bits = (int)bits, .ctx = g, .get_regs = stub_get_regs, .set_regs = stub_set_regs,
		.read_mem = stub_read_mem, .write_mem = stub_write_mem, .auxv = g->auxv,
	};
	t.auxv_len = guest_auxv(bits, &vm->program, g->auxv);
	for (unsigned i = 0; vm->symbols && i < vm->symbols->count; i++)
		if (vm->symbols->image[i].load_bias)
			t.load_offset = vm->symbols->image[i].load_bias;
	gdb_session_init(&g->session, &t);
	return 0;
}
