#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kvmrun/machine_layout.h>

#include "cpu_mode.h"
#include "diag.h"

static int xioctl(int fd, unsigned long request, void *arg)
{
	int rc;
	do
		rc = ioctl(fd, request, arg);
	while (rc < 0 && errno == EINTR);
	return rc;
}

static int open_kvm(struct vm *vm, char *err, size_t errlen)
{
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd >= 0)
		return 0;
	int e = errno;
	if (e == ENOENT || e == ENXIO || e == ENODEV)
		diag_set(err, errlen, "cannot open /dev/kvm: %s: this host has no KVM; enable "
			 "virtualization and load kvm-intel or kvm-amd, or run in the sandbox "
			 "(tools/kvm-sandbox)", strerror(e));
	else if (e == EACCES || e == EPERM)
		diag_set(err, errlen, "cannot open /dev/kvm: %s: add your user to the group that owns "
			 "/dev/kvm (usually: sudo usermod -aG kvm $USER, then log in again)", strerror(e));
	else
		diag_set(err, errlen, "cannot open /dev/kvm: %s", strerror(e));
	return -1;
}

static int check_kvm(struct vm *vm, char *err, size_t errlen)
{
	static const struct { int cap; const char *name; } needed[] = {
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
		{ KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR" },
		{ KVM_CAP_SPLIT_IRQCHIP, "KVM_CAP_SPLIT_IRQCHIP" },
		{ KVM_CAP_SIGNAL_MSI, "KVM_CAP_SIGNAL_MSI" },
		{ KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	};
	int version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);

	if (version != KVM_API_VERSION) {
		diag_set(err, errlen, "/dev/kvm speaks KVM API version %d, kvmrun needs %d",
			 version, KVM_API_VERSION);
		return -1;
	}
	for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, needed[i].cap) <= 0) {
			diag_set(err, errlen, "KVM lacks %s, which kvmrun needs", needed[i].name);
			return -1;
		}
	}
	return 0;
}

static int create_vm(struct vm *vm, char *err, size_t errlen)
{
	do
		vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	while (vm->vm_fd < 0 && errno == EINTR);
	if (vm->vm_fd < 0) {
		diag_set(err, errlen, "KVM_CREATE_VM failed: %s", strerror(errno));
		return -1;
	}
	uint64_t identity = KVMRUN_IDENTITY_MAP_ADDR; /* Intel only; AMD ignores both */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVMRUN_TSS_ADDR) < 0 ||
	    xioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0) {
		diag_set(err, errlen, "cannot set the TSS and identity-map addresses: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The interrupt controllers: a split irqchip (api.rst KVM_CAP_SPLIT_IRQCHIP),
 * the local APIC in the kernel and the IOAPIC in kvmrun (ioapic.h), with
 * no PIC or PIT at all. Why not KVM_CREATE_IRQCHIP's in-kernel PIC and
 * IOAPIC: the guest reaches less kernel code, and a VM that had them took
 * 12-14 ms longer to tear down (the process's exit, measured on kvm_pvm,
 * Linux 6.18) than one without, six times a whole floor run. The routes
 * reserved here are the IOAPIC's pins, for the level-triggered EOI routes.
 * Must come before the vCPU. */
static int create_irqchip(struct vm *vm, char *err, size_t errlen)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { IOAPIC_PINS } };

	if (xioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
		diag_set(err, errlen, "cannot enable KVM's split irqchip: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The IOAPIC's interrupts reach the vCPU as MSIs (api.rst KVM_SIGNAL_MSI:
 * > 0 delivered, 0 blocked by the guest, < 0 failed). */
static void signal_msi(void *vm_ptr, struct ioapic_msi msi)
{
	static int reported;
	struct vm *vm = vm_ptr;
	struct kvm_msi m = { .address_lo = msi.address, .data = msi.data };

	if (xioctl(vm->vm_fd, KVM_SIGNAL_MSI, &m) < 0 && !reported++)
		diag("KVM_SIGNAL_MSI failed: %s: the guest misses interrupts", strerror(errno));
}

/* KVM reports the EOI of a vector to kvmrun (KVM_EXIT_IOAPIC_EOI) only for
 * level-triggered vectors it finds among the MSI routes of the reserved
 * pins (api.rst KVM_CAP_SPLIT_IRQCHIP), so those pins get one each. */
static void set_level_routes(void *vm_ptr, const bool level[IOAPIC_PINS],
			     const struct ioapic_msi msi[IOAPIC_PINS])
{
	static int reported;
	struct vm *vm = vm_ptr;
	/* The table and room for its entries (C11 lets a union, not a struct,
	 * hold a struct that ends in a flexible array). */
	union {
		struct kvm_irq_routing head;
		unsigned char bytes[sizeof(struct kvm_irq_routing) +
				    IOAPIC_PINS * sizeof(struct kvm_irq_routing_entry)];
	} routing;

	memset(&routing, 0, sizeof routing);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		if (!level[pin])
			continue;
		routing.head.entries[routing.head.nr++] = (struct kvm_irq_routing_entry){
			.gsi = pin,
			.type = KVM_IRQ_ROUTING_MSI,
			.u.msi = { .address_lo = msi[pin].address, .data = msi[pin].data },
		};
	}
	if (xioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, &routing.head) < 0 && !reported++)
		diag("KVM_SET_GSI_ROUTING failed: %s: level-triggered interrupts may stay "
		     "unacknowledged", strerror(errno));
}

static int add_memory(struct vm *vm, uint64_t mem_size, char *err, size_t errlen)
{
	if (guest_mem_alloc(&vm->mem, mem_size, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < vm->mem.nranges; i++) {
		const struct guest_ram_range *r = &vm->mem.range[i];
		struct kvm_userspace_memory_region region = {
			.slot = i,
			.guest_phys_addr = r->gpa,
			.memory_size = r->size,
			.userspace_addr = (uint64_t)(uintptr_t)(vm->mem.host + r->host_offset),
		};
		if (xioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
			diag_set(err, errlen, "cannot give the VM its %llu MiB of RAM: %s",
				 (unsigned long long)(r->size >> 20), strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* CPUID: what the host KVM supports, as the guest's (api.rst
 * KVM_GET_SUPPORTED_CPUID; the array grows until it fits). It starts at
 * 256 entries, past the 70-80 hosts report: a call that fails with E2BIG
 * costs as much as one that succeeds (0.3 ms on kvm_pvm). */
static int set_cpuid(struct vm *vm, char *err, size_t errlen)
{
	for (unsigned nent = 256; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *cpuid = calloc(1, sizeof *cpuid + nent * sizeof cpuid->entries[0]);
		if (!cpuid) {
			diag_set(err, errlen, "out of memory for CPUID");
			return -1;
		}
		cpuid->nent = nent;
		if (xioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
			int e = errno;
			free(cpuid);
			if (e == E2BIG)
				continue;
			diag_set(err, errlen, "KVM_GET_SUPPORTED_CPUID failed: %s", strerror(e));
			return -1;
		}
		int rc = xioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid);
		int e = errno;
		vm->vector_unit = cpu_mode_vector_unit(cpuid);
		/* XCR0 is set with KVM_SET_XCRS: without it, no XSAVE. */
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) <= 0)
			vm->vector_unit.xsave = false;
		free(cpuid);
		if (rc < 0) {
			diag_set(err, errlen, "KVM_SET_CPUID2 failed: %s", strerror(e));
			return -1;
		}
		return 0;
	}
	diag_set(err, errlen, "KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
	return -1;
}

static int create_vcpu(struct vm *vm, char *err, size_t errlen)
{
	int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (size < (int)sizeof(struct kvm_run)) {
		diag_set(err, errlen, "KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
		return -1;
	}
	do
		vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	while (vm->vcpu_fd < 0 && errno == EINTR);
	if (vm->vcpu_fd < 0) {
		diag_set(err, errlen, "KVM_CREATE_VCPU failed: %s", strerror(errno));
		return -1;
	}
	vm->run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		diag_set(err, errlen, "cannot map the vCPU's run structure: %s", strerror(errno));
		return -1;
	}
	vm->run_size = (size_t)size;
	return set_cpuid(vm, err, errlen);
}

int vm_create(struct vm *vm, uint64_t mem_size, char *err, size_t errlen)
{
	memset(vm, 0, sizeof *vm);
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
	ioapic_init(&vm->ioapic, (struct ioapic_ops){
		.deliver = signal_msi, .level_pins_changed = set_level_routes, .ctx = vm });
	if (open_kvm(vm, err, errlen) < 0 || check_kvm(vm, err, errlen) < 0 ||
	    create_vm(vm, err, errlen) < 0 || add_memory(vm, mem_size, err, errlen) < 0 ||
	    create_irqchip(vm, err, errlen) < 0 || create_vcpu(vm, err, errlen) < 0)
		return -1;
	return 0;
}

int vm_set_boot_state(struct vm *vm, unsigned bits, uint64_t entry, char *err, size_t errlen)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_fpu fpu;

	if (xioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
		diag_set(err, errlen, "KVM_GET_SREGS failed: %s", strerror(errno));
		return -1;
	}
	cpu_mode_sregs(&sregs, bits, &vm->vector_unit);
	cpu_mode_regs(&regs, entry);
	cpu_mode_fpu(&fpu);
	if (xioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0 ||
	    xioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0 ||
	    xioctl(vm->vcpu_fd, KVM_SET_FPU, &fpu) < 0) {
		diag_set(err, errlen, "cannot set the vCPU's start state: %s", strerror(errno));
		return -1;
	}
	/* XCR0 (api.rst KVM_SET_XCRS): the vector states the guest may use. */
	struct kvm_xcrs xcrs = { .nr_xcrs = 1, .xcrs[0] = { .xcr = 0, .value = vm->vector_unit.xcr0 } };
	if (vm->vector_unit.xsave && xioctl(vm->vcpu_fd, KVM_SET_XCRS, &xcrs) < 0) {
		diag_set(err, errlen, "KVM_SET_XCRS (XCR0 0x%llx) failed: %s",
			 (unsigned long long)vm->vector_unit.xcr0, strerror(errno));
		return -1;
	}
	return 0;
}

/* The guest TSC's rate (api.rst KVM_GET_TSC_KHZ) and its value now
 * (KVM_GET_MSRS of IA32_TSC, SDM vol. 4 §2.1, MSR 0x10): with a host clock
 * read right after, the guest's clock. A rate KVM cannot tell reads 0. */
int vm_read_tsc(struct vm *vm, uint32_t *khz, uint64_t *tsc)
{
	struct {
		struct kvm_msrs head;
		struct kvm_msr_entry entry;
	} msrs = { .head = { .nmsrs = 1 }, .entry = { .index = 0x10 } };
	int rate = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);

	*khz = rate > 0 ? (uint32_t)rate : 0;
	if (ioctl(vm->vcpu_fd, KVM_GET_MSRS, &msrs) != 1)
		return -1;
	*tsc = msrs.entry.data;
	return 0;
}

void vm_close_kvm_fd(struct vm *vm)
{
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->kvm_fd = -1;
}

void vm_destroy(struct vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	vm_close_kvm_fd(vm);
	guest_mem_free(&vm->mem);
	vm->run = NULL;
	vm->vcpu_fd = vm->vm_fd = -1;
}
