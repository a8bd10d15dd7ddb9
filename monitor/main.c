/* kvmrun: boot one ELF app in a fresh single-purpose KVM virtual machine and
 * exit with its status. Setup runs once, in order; then one exit loop. */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "boot_image.h"
#include "cpu_mode.h"
#include "diag.h"
#include "elf_loader.h"
#include "exit_loop.h"
#include "exit_status.h"
#include "gdb_stub.h"
#include "halt_watch.h"
#include "host_random.h"
#include "input_watch.h"
#include "options.h"
#include "start_info_build.h"
#include "seccomp_filter.h"
#include "stats.h"
#include "stop_request.h"
#include "trace_out.h"
#include "virtio/device_table.h"
#include "vm.h"

#ifndef KVMRUN_VERSION
#define KVMRUN_VERSION "unknown"
#endif

static int status_for_open_result(enum elf_open_result rc)
{
	switch (rc) {
	case ELF_OPEN_NOT_FOUND: return STATUS_APP_NOT_FOUND;
	case ELF_OPEN_UNUSABLE: return STATUS_APP_UNUSABLE;
	default: return STATUS_KVMRUN_FAILED;
	}
}

/* What start_info says of the host (start_info_build.h). The TSC and the
 * wall clock are read one right after the other: the guest's wall clock is
 * the second plus the TSC's progress since the first. */
static int read_host(struct vm *vm, struct start_info_host *h, char *err, size_t errlen)
{
	struct timespec now;

	memset(h, 0, sizeof *h);
	stats.tsc_guest_clock = stats_tsc();
	if (vm_read_tsc(vm, &h->tsc_khz, &h->clock_tsc) < 0 ||
	    clock_gettime(CLOCK_REALTIME, &now) < 0) {
		diag_set(err, errlen, "cannot read the guest's TSC or the host's clock: %s",
			 strerror(errno));
		return -1;
	}
	h->clock_realtime_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	if (host_random_fill(h->random, sizeof h->random) != sizeof h->random ||
	    host_random_fill(h->entropy, sizeof h->entropy) != sizeof h->entropy) {
		diag_set(err, errlen, "cannot read random bytes from the host");
		return -1;
	}
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd))
			h->tty |= 1u << fd;
	return 0;
}

/* Lay out guest memory: the app's segments (or the guest kernel's and the
 * program's), GDT, page tables, start_info. */
static int prepare_guest(struct vm *vm, const struct boot_image *b, const struct options *opts,
			 char *err, size_t errlen)
{
	const struct elf_app *k = &b->kernel;
	uint64_t pt_size = k->bits == 64 ? page_tables_size(&vm->mem) : 0;
	struct start_info_host host;

	boot_image_copy(b, &vm->mem);
	gdt_write(&vm->mem);
	if (pt_size)
		page_tables_write(&vm->mem);
	if (start_info_write(&vm->mem, k, b->has_program ? &b->program : NULL, pt_size,
			     opts->app_argc, opts->app_argv, err, errlen) < 0 ||
	    start_info_add_env(&vm->mem, opts->envc, opts->env, err, errlen) < 0 ||
	    read_host(vm, &host, err, errlen) < 0)
		return -1;
	if (opts->trace_syscalls) {
		host.trace |= KVMRUN_TRACE_SYSCALLS;
		trace_out_allow_guest();
	}
	start_info_add_host(&vm->mem, &host);
	vm->program = start_info_program(b->has_program ? &b->program : NULL);
	stats.tsc_khz = host.tsc_khz;
	stats.timing = opts->stats || opts->trace; /* --trace's times start at the first run */
	vm->trace = opts->trace;
	return vm_set_boot_state(vm, k->bits, k->entry, err, errlen);
}

/* The devices, the device map that tells the guest where they are, and the
 * MMIO table that routes the guest's accesses to them and to the IOAPIC. */
static int prepare_devices(struct vm *vm, struct virtio_devices *devs,
			   struct mmio_regions *regions, char *err, size_t errlen)
{
	struct kvmrun_dev_entry map[VIRTIO_DEVICE_COUNT];
	const struct virtio_device_env env = {
		.mem = &vm->mem,
		.irq = { .raise = ioapic_raise, .ctx = &vm->ioapic },
		.console_in_fd = STDIN_FILENO,
		.console_out_fd = STDOUT_FILENO,
		.console_err_fd = STDERR_FILENO,
	};

	virtio_devices_init(devs, &env);
	virtio_devices_map(map);
	mmio_regions_init(regions);
	if (ioapic_add_region(&vm->ioapic, regions, err, errlen) < 0 ||
	    virtio_devices_add_regions(devs, regions, err, errlen) < 0)
		return -1;
	virtio_console_prepare_input(STDIN_FILENO);
	/* A terminal on stdout: the guest learns its size and line-buffers. */
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		virtio_console_set_terminal(&devs->console, ws.ws_col ? ws.ws_col : 80,
					    ws.ws_row ? ws.ws_row : 24);
	if (isatty(STDERR_FILENO) && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0)
		virtio_console_set_terminal(&devs->console_err, ws.ws_col ? ws.ws_col : 80,
					    ws.ws_row ? ws.ws_row : 24);
	return start_info_add_devices(&vm->mem, map, VIRTIO_DEVICE_COUNT, err, errlen);
}

/* stdin and stdout are the guest's console, stderr kvmrun's: one that was
 * closed gets /dev/null, so that no file kvmrun opens later (/dev/kvm)
 * takes its number and receives the console's traffic. */
static void keep_std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			(void)open("/dev/null", O_RDWR); /* the lowest free number: fd */
	/* Descriptors inherited beyond 0-2 are not kvmrun's to keep: close
	 * them, so the sandboxed process holds only what it opened itself. */
	(void)close_range(3, ~0u, 0);
}

/* The last step before the guest runs: the stop signals and the timer, then
 * the seccomp filter. Only the VM and vCPU descriptors and 0-2 are open. */
static int lock_down(struct vm *vm, const struct options *opts, char *err, size_t errlen)
{
	/* --cpu: kvmrun is one thread, the vCPU's: pin it before the filter,
	 * which has no sched_setaffinity. */
	if (opts->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(opts->cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set) < 0) {
			diag_set(err, errlen, "cannot run on CPU %d (--cpu): %s", opts->cpu,
				 strerror(errno));
			return -1;
		}
	}
	vm->timeout_text = opts->timeout_text;
	vm->timeout_unit = opts->timeout_unit;
	if (stop_request_install(vm->run, opts->timeout_ns, err, errlen) < 0 ||
	    halt_watch_start(err, errlen) < 0 ||
	    input_watch_start(STDIN_FILENO, vm->run, err, errlen) < 0)
		return -1;
	if (opts->trace_file && trace_out_open(opts->trace_file, err, errlen) < 0)
		return -1;
	/* --gdb: connected before the guest runs and the filter goes on. */
	static struct gdb_stub gdb;
	if (opts->gdb) {
		if (gdb_stub_connect(&gdb, vm, vm->symbols ? vm->symbols->bits : 64, opts->gdb, err,
				     errlen) < 0)
			return -1;
		vm->gdb = &gdb;
	}
	/* Last before the filter: the core file's descriptor is the lowest
	 * one free from here on. */
	static struct core_dump core;
	if (opts->dumpcore_dir) {
		if (core_dump_prepare(&core, opts->dumpcore_dir, opts->app_argc, opts->app_argv, err,
				      errlen) < 0)
			return -1;
		vm->core = &core;
	}
	if (opts->no_seccomp) {
		diag("warning: --unsafe-no-seccomp: running without the seccomp filter");
		return 0;
	}
	struct filter_fds fds = { .vm_fd = vm->vm_fd, .vcpu_fd = vm->vcpu_fd,
				  .core_dir_fd = vm->core ? vm->core->dir_fd : -1,
				  .core_file_fd = vm->core ? vm->core->file_fd : -1,
				  .gdb_fd = vm->gdb ? vm->gdb->fd : -1,
				  .trace_fd = trace_out_fd() };
	return filter_lock_down(&fds, err, errlen);
}

/* Where the guest is, for a stop's message before it ever ran. */
static uint64_t boot_rip(const struct vm *vm)
{
	struct kvm_regs regs;

	return ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) == 0 ? regs.rip : 0;
}

int main(int argc, char **argv)
{
	struct options opts;
	struct guest_mem layout;
	struct elf_file file;
	struct elf_app app;
	struct boot_image boot;
	struct vm vm;
	struct virtio_devices devs;
	struct mmio_regions regions;
	char err[512];

	stats.tsc_start = stats_tsc();
	keep_std_fds_open();
	/* A reader that goes away must not kill us: writes then fail with EPIPE.
	 * Nor a file-size limit (ulimit -f): writes then fail with EFBIG,
	 * which is reported like any other failed write of the guest's output. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	switch (options_parse(argc, argv, &opts, err, sizeof err)) {
	case OPTIONS_HELP:
		fputs(options_usage, stdout);
		return 0;
	case OPTIONS_VERSION:
		printf("kvmrun %s\n", KVMRUN_VERSION);
		return 0;
	case OPTIONS_ERROR:
		diag("%s", err);
		return STATUS_KVMRUN_FAILED;
	case OPTIONS_RUN:
		break;
	}

	/* Check the app against the memory layout before touching KVM. */
	guest_mem_layout(&layout, opts.mem_size);
	enum elf_open_result rc = elf_open_app(opts.app_path, &layout, &file, &app, err, sizeof err);
	if (rc == ELF_OPEN_OK &&
	    boot_image_plan(&boot, &app, file.image, &layout, guest_kernels, err, sizeof err) < 0)
		rc = ELF_OPEN_UNUSABLE;
	if (rc != ELF_OPEN_OK) {
		diag("%s: %s", opts.app_path, err);
		elf_close_app(&file);
		return status_for_open_result(rc);
	}

	if (vm_create(&vm, opts.mem_size, err, sizeof err) < 0 ||
	    prepare_guest(&vm, &boot, &opts, err, sizeof err) < 0 ||
	    prepare_devices(&vm, &devs, &regions, err, sizeof err) < 0) {
		diag("%s", err);
		elf_close_app(&file);
		vm_destroy(&vm);
		return STATUS_KVMRUN_FAILED;
	}
	/* The file's bytes stay for crash reports; its descriptor goes. */
	static struct guest_symbols symbols;
	boot_image_symbols(&boot, opts.app_path, file.size, guest_kernels, &vm.mem, &symbols);
	vm.symbols = &symbols;
	elf_release_fd(&file);
	guest_symbols_reserve();
	vm_close_kvm_fd(&vm);
	if (lock_down(&vm, &opts, err, sizeof err) < 0) {
		/* A stop (--timeout, a signal) while waiting for gdb is one. */
		int status = stop_requested()
			? stop_request_report(vm.timeout_text, vm.timeout_unit, boot_rip(&vm))
			: (diag("%s", err), STATUS_KVMRUN_FAILED);
		input_watch_stop();
		elf_close_app(&file);
		vm_destroy(&vm);
		return status;
	}

	int status = exit_loop_run(&vm, &devs, &regions);
	input_watch_stop();
	if (opts.stats)
		stats_print();
	if (opts.no_seccomp) {
		elf_close_app(&file);
		vm_destroy(&vm);
		return status;
	}
	/* Under the filter: no clean-up (munmap, close, exit handlers), which
	 * it forbids; the kernel reclaims everything at exit_group. */
	_exit(status);
}
