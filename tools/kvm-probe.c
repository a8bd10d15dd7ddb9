/* kvm-probe: exit 0 when this host can run kvmrun's guests under KVM, 1
 * otherwise with the reason on stderr. The test tooling uses it to choose
 * between running directly and the KVM sandbox (tools/kvm-sandbox).
 *
 * Opening /dev/kvm is not proof enough: some nested-virtualization hosts
 * create VMs but raise #UD on every SSE instruction in the guest, which
 * ordinary compiled C uses. So the probe boots a few bytes of 32-bit code
 * that executes an SSE instruction and then reports through port I/O. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_SIZE 0x10000
#define CODE_ADDR 0x1000
#define PROBE_PORT 0x10
#define PROBE_VALUE 42

static int fail(const char *what)
{
	fprintf(stderr, "kvm-probe: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(void)
{
	static const uint8_t code[] = {
		0x0f, 0x57, 0xc0,         /* xorps %xmm0, %xmm0 */
		0xb0, PROBE_VALUE,        /* mov $42, %al */
		0xe6, PROBE_PORT,         /* out %al, $0x10 */
		0xf4,                     /* hlt */
	};
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("/dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "kvm-probe: /dev/kvm: unexpected API version\n");
		return 1;
	}
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	uint8_t *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap");
	memcpy(mem + CODE_ADDR, code, sizeof code);
	struct kvm_userspace_memory_region region = {
		.memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION");
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size <= 0)
		return fail("KVM_CREATE_VCPU");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap kvm_run");

	/* Flat 32-bit protected mode with SSE enabled (CR0.MP, CR4.OSFXSR). */
	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return fail("KVM_GET_SREGS");
	struct kvm_segment seg = {
		.limit = 0xffffffff, .selector = 0x08, .type = 0xb, .present = 1, .db = 1, .s = 1, .g = 1,
	};
	sregs.cs = seg;
	seg.selector = 0x10;
	seg.type = 0x3;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = seg;
	sregs.cr0 = 0x33;  /* PE MP ET NE */
	sregs.cr4 = 0x600; /* OSFXSR OSXMMEXCPT */
	struct kvm_regs regs = { .rip = CODE_ADDR, .rflags = 2 };
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return fail("setting the vCPU state");
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		return fail("KVM_RUN");
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != PROBE_PORT ||
	    *((uint8_t *)run + run->io.data_offset) != PROBE_VALUE) {
		fprintf(stderr, "kvm-probe: a test guest executing SSE stopped with exit reason %u "
			"instead of reaching port I/O: this host's KVM cannot run ordinary compiled guests\n",
			run->exit_reason);
		return 1;
	}
	return 0;
}
