/* floor: the least any KVM monitor can do, the yardstick of `make bench`.
 *
 * Opens /dev/kvm, creates a VM with one memory slot and one vCPU, and runs a
 * few bytes of guest code (real mode; 64-bit with --long) that performs N
 * port-I/O exits (port 0x10, each answered by simply running the vCPU
 * again) and then stops with one more (port 0x11). No checks beyond what
 * the ioctls return, no
 * interrupt controller, no CPUID, no devices: every figure kvmrun reports in
 * the benchmark is divided by what this program costs for the same job.
 *
 *   floor [--exits=N] [--mem=BYTES] [--long] [--linger=MS] [--stats] [--hold]
 *
 * --exits=N   port-I/O round trips before the final exit (default 0)
 * --mem=BYTES size of the one memory slot (default 64 MiB, at least 2 MiB,
 *             mapped lazily as kvmrun maps guest RAM: MAP_NORESERVE)
 * --long      run the guest in 64-bit mode on identity-mapped page tables
 *             (three pages) instead of real mode: the same CPU mode as
 *             kvmrun's 64-bit guests, for comparing the cost of an exit
 * --linger=MS keep the VM MS milliseconds after the guest stopped, then
 *             exit: what a VM that lives longer pays at its destruction
 *             (on Linux 6.1-6.12 a wait for KVM's NX huge page recovery
 *             thread, bench/README.md "Where it runs")
 * --stats     print "floor: stats: exits=... mode=..." on stderr at the end
 * --hold      after the guest stopped, copy stdin to stdout until its end
 *             (the benchmark reads /proc/PID while it waits, as it does for
 *             kvmrun running apps/cat)
 *
 * Exit status: 0, or 1 with a message on stderr. Linked statically (see
 * bench/README.md). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CODE_ADDR 0x1000u
#define PORT_ROUND_TRIP 0x10u
#define PORT_DONE 0x11u

/* 16-bit real mode; ECX = N, DX = PORT_ROUND_TRIP on entry. */
static const uint8_t guest_code[] = {
	0x66, 0x85, 0xc9, /* 0: test %ecx, %ecx   */
	0x74, 0x05,       /* 3: jz 0xa            */
	0xee,             /* 5: out %al, (%dx)    */
	0x66, 0x49,       /* 6: dec %ecx          */
	0x75, 0xfb,       /* 8: jnz 5             */
	0xe6, PORT_DONE,  /* a: out %al, $0x11    */
	0xf4,             /* c: hlt               */
};

/* The same loop in 64-bit mode (--long). */
static const uint8_t guest_code64[] = {
	0x85, 0xc9,       /* 0: test %ecx, %ecx   */
	0x74, 0x05,       /* 2: jz 9              */
	0xee,             /* 4: out %al, (%dx)    */
	0xff, 0xc9,       /* 5: dec %ecx          */
	0x75, 0xfb,       /* 7: jnz 4             */
	0xe6, PORT_DONE,  /* 9: out %al, $0x11    */
	0xf4,             /* b: hlt               */
};

/* --long: 64-bit mode on identity-mapped 2 MiB pages over the first GiB,
 * as kvmrun's 64-bit guests run (page tables at 0x2000-0x4fff). */
#define PML4_ADDR 0x2000u
static void long_mode(uint8_t *mem, struct kvm_sregs *sregs)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(mem + PML4_ADDR + 0x1000);
	uint64_t *pd = (uint64_t *)(mem + PML4_ADDR + 0x2000);

	pml4[0] = (PML4_ADDR + 0x1000) | 3;            /* present, writable */
	pdpt[0] = (PML4_ADDR + 0x2000) | 3;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | 0x83;                  /* present, writable, 2 MiB */
	struct kvm_segment code = {
		.limit = 0xffffffff, .selector = 0x08, .type = 0xb, .present = 1, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.limit = 0xffffffff, .selector = 0x10, .type = 0x3, .present = 1, .s = 1, .db = 1, .g = 1,
	};
	sregs->cs = code;
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->cr3 = PML4_ADDR;
	sregs->cr4 = 0x20;                                  /* PAE */
	sregs->cr0 = 0x80000011;                            /* PG, ET, PE */
	sregs->efer = 0x500;                                /* LMA, LME */
}

static int fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	return 1;
}

static int hold(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(0, buf, sizeof buf)) > 0)
		if (write(1, buf, (size_t)n) != n)
			return fail("write");
	return n < 0 ? fail("read") : 0;
}

int main(int argc, char **argv)
{
	unsigned long long exits = 0, mem_size = 64ull << 20, linger_ms = 0;
	int stats = 0, holding = 0, in_long_mode = 0;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--exits=", 8) == 0)
			exits = strtoull(argv[i] + 8, NULL, 0);
		else if (strncmp(argv[i], "--mem=", 6) == 0)
			mem_size = strtoull(argv[i] + 6, NULL, 0);
		else if (strncmp(argv[i], "--linger=", 9) == 0)
			linger_ms = strtoull(argv[i] + 9, NULL, 0);
		else if (strcmp(argv[i], "--stats") == 0)
			stats = 1;
		else if (strcmp(argv[i], "--hold") == 0)
			holding = 1;
		else if (strcmp(argv[i], "--long") == 0)
			in_long_mode = 1;
		else {
			fprintf(stderr, "usage: floor [--exits=N] [--mem=BYTES] [--long] [--linger=MS] [--stats] "
				"[--hold]\n");
			return 1;
		}
	}
	if (exits > UINT32_MAX || mem_size < (2u << 20) || linger_ms > 10000) {
		fprintf(stderr, "floor: --exits, --mem or --linger out of range\n");
		return 1;
	}

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("/dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	uint8_t *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap guest memory");
	if (in_long_mode)
		memcpy(mem + CODE_ADDR, guest_code64, sizeof guest_code64);
	else
		memcpy(mem + CODE_ADDR, guest_code, sizeof guest_code);
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = mem_size,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION");
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap kvm_run");

	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return fail("KVM_GET_SREGS");
	if (in_long_mode) {
		long_mode(mem, &sregs);
	} else {
		sregs.cs.base = 0;
		sregs.cs.selector = 0;
	}
	struct kvm_regs regs = {
		.rip = CODE_ADDR, .rflags = 2, .rcx = exits, .rdx = PORT_ROUND_TRIP,
	};
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return fail("setting the vCPU state");

	unsigned long long count = 0;
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return fail("KVM_RUN");
		}
		count++;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_ROUND_TRIP)
			continue;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_DONE)
			break;
		fprintf(stderr, "floor: unexpected exit reason %u\n", run->exit_reason);
		return 1;
	}
	if (stats) {
		/* The mode the guest stopped in, read back from KVM (EFER.LMA). */
		int lma = ioctl(vcpu, KVM_GET_SREGS, &sregs) == 0 && (sregs.efer & 0x400);
		fprintf(stderr, "floor: stats: exits=%llu io=%llu mode=%s\n", count, count,
			lma ? "64-bit" : (sregs.cr0 & 1) ? "protected" : "real");
	}
	if (count != exits + 1) {
		fprintf(stderr, "floor: %llu exits, expected %llu\n", count, exits + 1);
		return 1;
	}
	if (linger_ms) {
		struct timespec ts = { .tv_sec = (time_t)(linger_ms / 1000),
				       .tv_nsec = (long)(linger_ms % 1000) * 1000000 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	return holding ? hold() : 0;
}
