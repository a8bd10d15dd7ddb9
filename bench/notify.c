/* notify: what a queue round trip costs under the two designs the KVM API
 * offers for device queues, the measurement behind the choice written down
 * in the README's performance section (`make bench` runs it).
 *
 * One VM, one vCPU, 64-bit guest code (integer instructions only) that
 * makes N round trips: it posts a request (a sequence number in a shared
 * page), notifies the host by writing the queue index to a notify register,
 * then waits until the host has written that sequence number back as the
 * completion. The host's processing is the same in every design: read the
 * request, copy --bytes of guest memory when the case carries a payload,
 * write the completion. The designs:
 *
 *   sync   the notify is a write to an MMIO page no memory slot covers
 *          (kvmrun's QueueNotify, at the same address) or an `out` to a
 *          port: KVM exits to user space, the vCPU thread processes the
 *          request and runs the vCPU again; the completion is there when
 *          the guest resumes. kvmrun's design today.
 *   spin   KVM_IOEVENTFD (with datamatch on the queue index) on the same
 *          register: KVM answers the write in the kernel, without an exit
 *          to user space, and signals an eventfd; an I/O thread blocked in
 *          read() on it processes the request. The guest spins (pause) on
 *          the completion word.
 *   irq    the same, and the I/O thread signals the completion through
 *          KVM_IRQFD into the in-kernel IOAPIC (edge, pin 5, routed to the
 *          IOAPIC only, as kvmrun routes its lines); the guest sleeps in
 *          `sti; hlt` until the interrupt (an IDT gate whose handler writes
 *          the local APIC's EOI).
 *   post   as spin, but the guest does not wait for completions: what a
 *          notification costs a guest that has other work to do (the I/O
 *          thread takes the latest request and may skip some).
 *
 * Each notify kind (mmio, pio) runs under each design without a payload,
 * and under all but post with one: 14 cases. Every round runs every case
 * once, the cases interleaved and the starting case rotated from round to
 * round, after one unrecorded warm-up round. Reported per case: wall time
 * per round trip (the KVM_RUN loop only, not the set-up), host CPU time per
 * round trip (user + system, guest time included: the whole process, and
 * the vCPU thread alone; the rest is the I/O thread), the exits to user
 * space a run (an honest count: KVM_RUN returns) and the requests the host
 * processed. Then the paired ratios, thread design / sync, per round.
 *
 *   notify [--round-trips=N] [--rounds=R] [--bytes=B] [--csv=FILE] [--figures=FILE]
 *
 * --round-trips=N  round trips a run (default 1000)
 * --rounds=R       recorded rounds (default 5)
 * --bytes=B        payload the host copies from guest memory per request in
 *                  the payload cases (default 65536; 0: no payload cases)
 * --csv=FILE       append the samples to FILE as "case,round,metric,value"
 *                  lines (bench/timeit's format): case notify_NAME, metrics
 *                  rt_us, cpu_us, vcpu_cpu_us, exits, processed
 * --figures=FILE   append the figures to FILE as results.csv lines
 *                  ("figure,unit,n,min,median,max,bar,met"): per case
 *                  notify_NAME_us and notify_NAME_cpu_us, per thread case
 *                  notify_NAME_vs_sync (the paired ratio)
 *
 * Prints two markdown tables on stdout. Exit status: 0, or 1 with a message
 * on stderr (a run whose completions or exits do not add up is an error).
 * Linked statically, like the floor (bench/README.md). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* Guest physical layout: one slot of MEM_SIZE bytes at 0. */
#define CODE_ADDR 0x1000u
#define PML4_ADDR 0x2000u   /* PDPT at 0x3000, four page directories at 0x4000-0x7fff */
#define GDT_ADDR 0x8000u
#define IDT_ADDR 0x9000u
#define SHARED_ADDR 0xa000u /* u32 request, u32 completion */
#define STACK_TOP 0x10000u
#define BULK_ADDR 0x100000u
#define BULK_MAX (2u << 20)
#define MEM_SIZE (4u << 20)

#define NOTIFY_MMIO 0xd0000050u /* kvmrun's first virtio-mmio window + QueueNotify */
#define NOTIFY_PORT 0x10u
#define PORT_DONE 0x11u
#define QUEUE_INDEX 1u          /* what the guest writes: the queue's index */
#define IRQ_PIN 5u
#define IRQ_VECTOR 0x40u
#define RUN_TIMEOUT_S 120u

/* r8 bits: how the guest notifies and waits. */
#define G_PORT 1u /* `out %eax, (%dx)` instead of `mov %eax, (%rdi)` */
#define G_HALT 2u /* `sti; hlt` until an interrupt instead of `pause` */
#define G_POST 4u /* do not wait for the completion at all */

/* On entry: rcx = N, rsi = SHARED_ADDR, rdi = NOTIFY_MMIO, dx = NOTIFY_PORT,
 * eax = QUEUE_INDEX, r8 = G_* bits, rsp = STACK_TOP, interrupts off. */
static const uint8_t guest_code[] = {
	0x45, 0x31, 0xc9,             /* 00: xor %r9d, %r9d          seq = 0 */
	0x48, 0x85, 0xc9,             /* 03: test %rcx, %rcx                 */
	0x74, 0x31,                   /* 06: jz 39 (done)                    */
	0x41, 0xff, 0xc1,             /* 08: inc %r9d                 next:  */
	0x44, 0x89, 0x0e,             /* 0b: mov %r9d, (%rsi)   post request */
	0x41, 0xf6, 0xc0, G_PORT,     /* 0e: test $G_PORT, %r8b              */
	0x75, 0x04,                   /* 12: jnz 18                          */
	0x89, 0x07,                   /* 14: mov %eax, (%rdi)   MMIO notify  */
	0xeb, 0x01,                   /* 16: jmp 19 (wait)                   */
	0xef,                         /* 18: out %eax, (%dx)    port notify  */
	0x41, 0xf6, 0xc0, G_POST,     /* 19: test $G_POST, %r8b       wait:  */
	0x75, 0x15,                   /* 1d: jnz 34 (completed)              */
	0x44, 0x39, 0x4e, 0x04,       /* 1f: cmp %r9d, 4(%rsi)               */
	0x74, 0x0f,                   /* 23: je 34 (completed)               */
	0x41, 0xf6, 0xc0, G_HALT,     /* 25: test $G_HALT, %r8b              */
	0x74, 0x05,                   /* 29: jz 30 (spin)                    */
	0xfb,                         /* 2b: sti                             */
	0xf4,                         /* 2c: hlt    (woken by the interrupt) */
	0xfa,                         /* 2d: cli                             */
	0xeb, 0xe9,                   /* 2e: jmp 19 (wait)                   */
	0xf3, 0x90,                   /* 30: pause                    spin:  */
	0xeb, 0xe5,                   /* 32: jmp 19 (wait)                   */
	0x48, 0xff, 0xc9,             /* 34: dec %rcx            completed:  */
	0x75, 0xcf,                   /* 37: jnz 8 (next)                    */
	0xe6, PORT_DONE,              /* 39: out %al, $0x11           done:  */
	0xf4,                         /* 3b: hlt                             */
	/* 3c: the interrupt handler: EOI to the local APIC, return. */
	0x50,                         /* 3c: push %rax                       */
	0xb8, 0xb0, 0x00, 0xe0, 0xfe, /* 3d: mov $0xfee000b0, %eax (EOI)     */
	0xc7, 0x00, 0, 0, 0, 0,       /* 42: movl $0, (%rax)                 */
	0x58,                         /* 48: pop %rax                        */
	0x48, 0xcf,                   /* 49: iretq                           */
};
#define HANDLER_OFFSET 0x3cu

enum design { SYNC, SPIN, IRQ, POST };
static const char *const design_text[] = {
	[SYNC] = "synchronous, in the exit loop",
	[SPIN] = "ioeventfd + I/O thread, guest spins",
	[IRQ] = "ioeventfd + I/O thread + irqfd, guest halts",
	[POST] = "ioeventfd + I/O thread, guest does not wait",
};

struct bench_case {
	char name[32];
	enum design design;
	int port;
	uint32_t bytes;
};

#define MAX_CASES 16
#define MAX_ROUNDS 1000

static struct bench_case cases[MAX_CASES];
static int ncases;
static double rt_us[MAX_CASES][MAX_ROUNDS], cpu_us[MAX_CASES][MAX_ROUNDS],
	vcpu_cpu_us[MAX_CASES][MAX_ROUNDS];
static unsigned long long exits_of[MAX_CASES][MAX_ROUNDS], processed_of[MAX_CASES][MAX_ROUNDS];

/* The VM, and the request processing both designs share. */
static int vm_fd, vcpu_fd, notify_fd, irq_fd;
static struct kvm_run *run;
static uint8_t *mem;
static volatile uint32_t *shared; /* [0] request, [1] completion */
unsigned char *sink;              /* where payloads go (not static: kept) */
static uint32_t bytes_now, done_seq;
static unsigned long long processed;

static int fail(const char *what)
{
	fprintf(stderr, "notify: %s: %s\n", what, strerror(errno));
	return 1;
}

static void process(void)
{
	uint32_t req = __atomic_load_n(&shared[0], __ATOMIC_ACQUIRE);

	if (req == done_seq)
		return; /* nothing new */
	if (bytes_now)
		memcpy(sink, mem + BULK_ADDR, bytes_now);
	done_seq = req;
	processed++;
	__atomic_store_n(&shared[1], req, __ATOMIC_RELEASE);
}

/* The I/O thread: blocks on the ioeventfd, processes, and in the irq
 * design raises the interrupt through the irqfd. */
static int io_stop, io_ready, io_raise, io_error;

static void *io_thread(void *arg)
{
	uint64_t n, one = 1;

	(void)arg;
	__atomic_store_n(&io_ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		if (read(notify_fd, &n, sizeof n) != sizeof n) {
			if (errno == EINTR)
				continue;
			io_error = errno;
			return NULL;
		}
		if (__atomic_load_n(&io_stop, __ATOMIC_ACQUIRE))
			return NULL;
		process();
		if (io_raise && write(irq_fd, &one, sizeof one) != sizeof one) {
			io_error = errno;
			return NULL;
		}
	}
}

static int ioeventfd(const struct bench_case *c, int assign)
{
	struct kvm_ioeventfd ev = {
		.datamatch = QUEUE_INDEX,
		.addr = c->port ? NOTIFY_PORT : NOTIFY_MMIO,
		.len = 4,
		.fd = notify_fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH | (c->port ? KVM_IOEVENTFD_FLAG_PIO : 0) |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};
	return ioctl(vm_fd, KVM_IOEVENTFD, &ev);
}

/* CLOCK_MONOTONIC for wall time; the CPU-time clocks for user + system
 * time of the process (both threads) and of the calling (vCPU) thread: the
 * same totals getrusage() gives, but exact to the nanosecond, where
 * getrusage(RUSAGE_THREAD) advances by scheduler ticks. */
static double clock_us(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void on_alarm(int sig)
{
	(void)sig; /* KVM_RUN returns EINTR; the loop sees the time is up */
}

/* One run of case c: n round trips. Fills the sample of round r (r < 0:
 * the warm-up, kept nowhere). */
static int run_case(const struct bench_case *c, uint32_t n, int r, int ci)
{
	pthread_t io;
	unsigned long long user_exits = 0;

	shared[0] = shared[1] = 0;
	done_seq = 0;
	processed = 0;
	bytes_now = c->bytes;
	if (c->design != SYNC) {
		if (ioeventfd(c, 1) < 0)
			return fail("KVM_IOEVENTFD");
		io_stop = io_ready = io_error = 0;
		io_raise = c->design == IRQ;
		/* SIGALRM goes to this (the vCPU) thread, never the I/O thread. */
		sigset_t alrm, old;
		sigemptyset(&alrm);
		sigaddset(&alrm, SIGALRM);
		pthread_sigmask(SIG_BLOCK, &alrm, &old);
		int e = pthread_create(&io, NULL, io_thread, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (e) {
			errno = e;
			return fail("pthread_create");
		}
		while (!__atomic_load_n(&io_ready, __ATOMIC_ACQUIRE))
			sched_yield();
	}
	struct kvm_regs regs = {
		.rip = CODE_ADDR, .rflags = 2, .rcx = n, .rsi = SHARED_ADDR, .rdi = NOTIFY_MMIO,
		.rdx = NOTIFY_PORT, .rax = QUEUE_INDEX, .rsp = STACK_TOP,
		.r8 = (c->port ? G_PORT : 0) | (c->design == IRQ ? G_HALT : 0) |
		      (c->design == POST ? G_POST : 0),
	};
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return fail("KVM_SET_REGS");

	alarm(RUN_TIMEOUT_S);
	double self0 = clock_us(CLOCK_PROCESS_CPUTIME_ID), th0 = clock_us(CLOCK_THREAD_CPUTIME_ID);
	double t0 = clock_us(CLOCK_MONOTONIC);
	for (;;) {
		if (ioctl(vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR)
				return fail("KVM_RUN");
			if (alarm(0) == 0) {
				fprintf(stderr, "notify: %s: no progress for %u s (%u of %u round trips)\n",
					c->name, RUN_TIMEOUT_S, shared[1], n);
				return 1;
			}
			alarm(RUN_TIMEOUT_S);
			continue;
		}
		user_exits++;
		if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == NOTIFY_MMIO &&
		    run->mmio.is_write && c->design == SYNC && !c->port) {
			process();
			continue;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == NOTIFY_PORT &&
		    run->io.direction == KVM_EXIT_IO_OUT && c->design == SYNC && c->port) {
			process();
			continue;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_DONE)
			break;
		fprintf(stderr, "notify: %s: unexpected exit reason %u\n", c->name, run->exit_reason);
		return 1;
	}
	double t1 = clock_us(CLOCK_MONOTONIC);
	double th1 = clock_us(CLOCK_THREAD_CPUTIME_ID);
	/* Post only: the guest is done; let the I/O thread catch up, and
	 * count what it spent doing so (but not this thread's waiting). */
	for (unsigned i = 0; c->design == POST && shared[1] != n; i++) {
		if (i == 10000000) {
			fprintf(stderr, "notify: %s: the I/O thread never caught up (%u of %u)\n",
				c->name, shared[1], n);
			return 1;
		}
		sched_yield();
	}
	double self1 = clock_us(CLOCK_PROCESS_CPUTIME_ID) - (clock_us(CLOCK_THREAD_CPUTIME_ID) - th1);
	alarm(0);

	if (c->design != SYNC) {
		uint64_t one = 1;
		__atomic_store_n(&io_stop, 1, __ATOMIC_RELEASE);
		if (write(notify_fd, &one, sizeof one) != sizeof one)
			return fail("waking the I/O thread");
		pthread_join(io, NULL);
		if (io_error) {
			errno = io_error;
			return fail("I/O thread");
		}
		if (ioeventfd(c, 0) < 0)
			return fail("KVM_IOEVENTFD deassign");
	}
	/* Complete the final `out` before the next run sets the registers
	 * (api.rst: KVM_RUN with immediate_exit). */
	run->immediate_exit = 1;
	if (ioctl(vcpu_fd, KVM_RUN, 0) == 0 || errno != EINTR)
		return fail("completing the last exit");
	run->immediate_exit = 0;

	if (shared[1] != n || processed > n || (c->design != POST && processed != n)) {
		fprintf(stderr, "notify: %s: %llu requests processed, completion %u, expected %u\n",
			c->name, processed, shared[1], n);
		return 1;
	}
	unsigned long long want_exits = c->design == SYNC ? n + 1ull : 1;
	if (user_exits != want_exits) {
		fprintf(stderr, "notify: %s: %llu exits to user space, expected %llu\n", c->name,
			user_exits, want_exits);
		return 1;
	}
	if (r >= 0) {
		rt_us[ci][r] = (t1 - t0) / n;
		cpu_us[ci][r] = (self1 - self0) / n;
		vcpu_cpu_us[ci][r] = (th1 - th0) / n;
		exits_of[ci][r] = user_exits;
		processed_of[ci][r] = processed;
	}
	return 0;
}

/* 64-bit mode on identity-mapped 2 MiB pages over the first 4 GiB (the
 * IOAPIC and the local APIC included), a GDT (interrupts load CS and SS from
 * it) and an IDT whose every gate leads to the handler. */
static void long_mode(struct kvm_sregs *sregs)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(mem + PML4_ADDR + 0x1000);
	uint64_t *pd = (uint64_t *)(mem + PML4_ADDR + 0x2000);
	uint64_t *gdt = (uint64_t *)(mem + GDT_ADDR);
	uint64_t *idt = (uint64_t *)(mem + IDT_ADDR);
	uint64_t handler = CODE_ADDR + HANDLER_OFFSET;

	pml4[0] = (PML4_ADDR + 0x1000) | 3;
	for (uint64_t i = 0; i < 4; i++)
		pdpt[i] = (PML4_ADDR + 0x2000 + i * 0x1000) | 3;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83;                 /* present, writable, 2 MiB */
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull;                   /* 0x08: 64-bit code */
	gdt[2] = 0x00cf92000000ffffull;                   /* 0x10: data */
	for (unsigned v = 0; v < 256; v++) {
		idt[2 * v] = (handler & 0xffff) | (0x08ull << 16) | (0x8eull << 40) |
			     ((handler >> 16 & 0xffff) << 48);  /* interrupt gate, DPL 0 */
		idt[2 * v + 1] = handler >> 32;
	}
	struct kvm_segment code = {
		.limit = 0xffffffff, .selector = 0x08, .type = 0xb, .present = 1, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.limit = 0xffffffff, .selector = 0x10, .type = 0x3, .present = 1, .s = 1, .db = 1, .g = 1,
	};
	sregs->cs = code;
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->gdt.base = GDT_ADDR;
	sregs->gdt.limit = 3 * 8 - 1;
	sregs->idt.base = IDT_ADDR;
	sregs->idt.limit = 256 * 16 - 1;
	sregs->cr3 = PML4_ADDR;
	sregs->cr4 = 0x20;                                /* PAE */
	sregs->cr0 = 0x80000011;                          /* PG, ET, PE */
	sregs->efer = 0x500;                              /* LMA, LME */
}

/* The in-kernel interrupt controller: line IRQ_PIN goes to its IOAPIC pin
 * only (as kvmrun routes lines), the pin delivers IRQ_VECTOR to APIC 0,
 * edge-triggered, and the local APIC is software-enabled. */
static int interrupts(void)
{
	union {
		struct kvm_irq_routing r;
		uint8_t room[sizeof(struct kvm_irq_routing) + sizeof(struct kvm_irq_routing_entry)];
	} routing;
	memset(&routing, 0, sizeof routing);
	routing.r.nr = 1;
	routing.r.entries[0] = (struct kvm_irq_routing_entry){
		.gsi = IRQ_PIN, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = KVM_IRQCHIP_IOAPIC, .pin = IRQ_PIN },
	};
	if (ioctl(vm_fd, KVM_SET_GSI_ROUTING, &routing) < 0)
		return fail("KVM_SET_GSI_ROUTING");
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	if (ioctl(vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
		return fail("KVM_GET_IRQCHIP");
	chip.chip.ioapic.redirtbl[IRQ_PIN].bits = IRQ_VECTOR; /* fixed, physical, edge, unmasked, APIC 0 */
	if (ioctl(vm_fd, KVM_SET_IRQCHIP, &chip) < 0)
		return fail("KVM_SET_IRQCHIP");
	struct kvm_lapic_state lapic;
	if (ioctl(vcpu_fd, KVM_GET_LAPIC, &lapic) < 0)
		return fail("KVM_GET_LAPIC");
	uint32_t svr = 0x1ff, tpr = 0;                    /* enabled, spurious vector 0xff */
	memcpy(&lapic.regs[0xf0], &svr, 4);
	memcpy(&lapic.regs[0x80], &tpr, 4);
	if (ioctl(vcpu_fd, KVM_SET_LAPIC, &lapic) < 0)
		return fail("KVM_SET_LAPIC");
	struct kvm_irqfd irqfd = { .fd = (uint32_t)irq_fd, .gsi = IRQ_PIN };
	if (ioctl(vm_fd, KVM_IRQFD, &irqfd) < 0)
		return fail("KVM_IRQFD");
	return 0;
}

static int setup(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("/dev/kvm");
	vm_fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		return fail("KVM_CREATE_VM");
	if (ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return fail("KVM_CREATE_IRQCHIP");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap guest memory");
	memcpy(mem + CODE_ADDR, guest_code, sizeof guest_code);
	/* The payload as the guest would have left it: written, resident. */
	memset(mem + BULK_ADDR, 0x5a, BULK_MAX);
	shared = (volatile uint32_t *)(mem + SHARED_ADDR);
	sink = malloc(BULK_MAX);
	if (!sink)
		return fail("malloc");
	memset(sink, 0, BULK_MAX);
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION");
	vcpu_fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		return fail("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED)
		return fail("mmap kvm_run");
	struct kvm_sregs sregs;
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return fail("KVM_GET_SREGS");
	long_mode(&sregs);
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return fail("KVM_SET_SREGS");
	notify_fd = eventfd(0, EFD_CLOEXEC);
	irq_fd = eventfd(0, EFD_CLOEXEC);
	if (notify_fd < 0 || irq_fd < 0)
		return fail("eventfd");
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return fail("sigaction");
	return interrupts();
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* min, median, max of a[0..n-1] */
static void stats(const double *a, int n, double *lo, double *med, double *hi)
{
	double s[MAX_ROUNDS];

	memcpy(s, a, (size_t)n * sizeof *s);
	qsort(s, (size_t)n, sizeof *s, cmp_double);
	*lo = s[0];
	*hi = s[n - 1];
	*med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void add_case(enum design d, int port, uint32_t bytes)
{
	struct bench_case *c = &cases[ncases++];

	c->design = d;
	c->port = port;
	c->bytes = bytes;
	snprintf(c->name, sizeof c->name, "%s_%s%s",
		 d == SYNC ? "sync" : d == SPIN ? "spin" : d == IRQ ? "irq" : "post",
		 port ? "pio" : "mmio", bytes ? "_bulk" : "");
}

static void print_tables(uint32_t n, int rounds, FILE *fig)
{
	struct utsname u;
	double lo, med, hi, c, v, io, a[MAX_ROUNDS];

	uname(&u);
	printf("%u round trips a run, %d rounds (after one warm-up), the %d cases interleaved "
	       "and rotated; Linux %s, %ld CPU(s) online. Post only: the guest notifies and goes on, "
	       "its time is per notification.\n\n", n, rounds, ncases, u.release,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("| case | design | notify | payload | µs/round trip min | median | max "
	       "| host CPU µs/round trip (medians): all | vCPU thread | I/O thread "
	       "| exits to user space a run | requests processed a run |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < ncases; i++) {
		const struct bench_case *k = &cases[i];
		stats(rt_us[i], rounds, &lo, &med, &hi);
		printf("| %s | %s | %s | %u B | %.2f | **%.2f** | %.2f", k->name, design_text[k->design],
		       k->port ? "port `out`" : "MMIO write", k->bytes, lo, med, hi);
		stats(cpu_us[i], rounds, &lo, &c, &hi);
		stats(vcpu_cpu_us[i], rounds, &lo, &v, &hi);
		for (int r = 0; r < rounds; r++)
			a[r] = cpu_us[i][r] - vcpu_cpu_us[i][r];
		stats(a, rounds, &lo, &io, &hi);
		for (int r = 0; r < rounds; r++)
			a[r] = (double)processed_of[i][r];
		stats(a, rounds, &lo, &med, &hi);
		printf(" | %.2f | %.2f | %.2f | %llu | %.0f |\n", c, v, k->design == SYNC ? 0.0 : io,
		       exits_of[i][0], med);
		if (fig) {
			stats(rt_us[i], rounds, &lo, &med, &hi);
			fprintf(fig, "notify_%s_us,%s,%d,%.6g,%.6g,%.6g,,reported\n", k->name,
				k->design == POST ? "µs/notification" : "µs/round trip", rounds, lo, med, hi);
			stats(cpu_us[i], rounds, &lo, &med, &hi);
			fprintf(fig, "notify_%s_cpu_us,%s,%d,%.6g,%.6g,%.6g,,reported\n", k->name,
				k->design == POST ? "host CPU µs/notification" : "host CPU µs/round trip",
				rounds, lo, med, hi);
		}
	}
	printf("\nThread design / synchronous, wall time per round trip (post only: per "
	       "notification), paired per round; below 1: the I/O thread is faster:\n\n");
	printf("| design | notify | payload | min | median | max | faster |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < ncases; i++) {
		const struct bench_case *k = &cases[i];
		int s = -1;
		if (k->design == SYNC)
			continue;
		for (int j = 0; j < ncases; j++)
			if (cases[j].design == SYNC && cases[j].port == k->port && cases[j].bytes == k->bytes)
				s = j;
		for (int r = 0; r < rounds; r++)
			a[r] = rt_us[i][r] / rt_us[s][r];
		stats(a, rounds, &lo, &med, &hi);
		printf("| %s | %s | %u B | %.2f | **%.2f** | %.2f | %s |\n", design_text[k->design],
		       k->port ? "port" : "MMIO", k->bytes, lo, med, hi,
		       med < 1 ? "I/O thread" : "synchronous");
		if (fig)
			fprintf(fig, "notify_%s_vs_sync,ratio,%d,%.6g,%.6g,%.6g,,reported\n", k->name,
				rounds, lo, med, hi);
	}
}

int main(int argc, char **argv)
{
	unsigned long long n = 1000, rounds = 5, bytes = 65536;
	const char *csv = NULL, *figures = NULL;
	FILE *fig = NULL;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--round-trips=", 14) == 0)
			n = strtoull(argv[i] + 14, NULL, 0);
		else if (strncmp(argv[i], "--rounds=", 9) == 0)
			rounds = strtoull(argv[i] + 9, NULL, 0);
		else if (strncmp(argv[i], "--bytes=", 8) == 0)
			bytes = strtoull(argv[i] + 8, NULL, 0);
		else if (strncmp(argv[i], "--csv=", 6) == 0)
			csv = argv[i] + 6;
		else if (strncmp(argv[i], "--figures=", 10) == 0)
			figures = argv[i] + 10;
		else {
			fprintf(stderr, "usage: notify [--round-trips=N] [--rounds=R] [--bytes=B] "
				"[--csv=FILE] [--figures=FILE]\n");
			return 1;
		}
	}
	if (n < 1 || n > UINT32_MAX || rounds < 1 || rounds > MAX_ROUNDS || bytes > BULK_MAX) {
		fprintf(stderr, "notify: --round-trips, --rounds or --bytes out of range (bytes <= %u)\n",
			BULK_MAX);
		return 1;
	}
	for (int b = 0; b < (bytes ? 2 : 1); b++)
		for (int port = 0; port < 2; port++)
			for (enum design d = SYNC; d <= POST; d++)
				if (!(d == POST && b))
					add_case(d, port, b ? (uint32_t)bytes : 0);
	if (setup())
		return 1;
	for (int r = -1; r < (int)rounds; r++)
		for (int k = 0; k < ncases; k++) {
			int ci = (k + (r < 0 ? 0 : r)) % ncases;
			if (run_case(&cases[ci], (uint32_t)n, r, ci))
				return 1;
		}
	if (figures && !(fig = fopen(figures, "a")))
		return fail(figures);
	print_tables((uint32_t)n, (int)rounds, fig);
	if (fig && fclose(fig) != 0)
		return fail(figures);
	if (csv) {
		FILE *f = fopen(csv, "a");
		if (!f)
			return fail(csv);
		for (int i = 0; i < ncases; i++)
			for (int r = 0; r < (int)rounds; r++)
				fprintf(f, "notify_%s,%d,rt_us,%.4f\nnotify_%s,%d,cpu_us,%.4f\n"
					"notify_%s,%d,vcpu_cpu_us,%.4f\nnotify_%s,%d,exits,%llu\n"
					"notify_%s,%d,processed,%llu\n",
					cases[i].name, r, rt_us[i][r], cases[i].name, r, cpu_us[i][r],
					cases[i].name, r, vcpu_cpu_us[i][r], cases[i].name, r, exits_of[i][r],
					cases[i].name, r, processed_of[i][r]);
		if (fclose(f) != 0)
			return fail(csv);
	}
	return 0;
}
