/* exit_trace.c and --trace: one line per VM exit, from the run structure
 * as KVM filled it, every offset in it checked. */
#include "unit.h"

#include <errno.h>
#include <stdlib.h>

#include "../../monitor/exit_trace.h"
#include "../../monitor/options.h"

#define RUN_SIZE 4096

static struct kvm_run *new_run(void)
{
	struct kvm_run *run = calloc(1, RUN_SIZE);
	assert_non_null(run);
	return run;
}

static void test_port_io(void **state)
{
	struct kvm_run *run = new_run();
	char line[256];

	(void)state;
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.port = 0x501;
	run->io.size = 4;
	run->io.count = 1;
	run->io.data_offset = 1024;
	uint32_t v = 0x2ff0;
	memcpy((char *)run + 1024, &v, 4);
	exit_trace_format(line, sizeof line, 1234567, 0, 0, run, RUN_SIZE, 0x100a3c);
	assert_string_equal(line, "trace: 1.234567 io out port=0x501 size=4 value=0x2ff0 rip=0x100a3c");
	run->io.direction = KVM_EXIT_IO_IN;
	run->io.size = 1;
	run->io.count = 3;
	exit_trace_format(line, sizeof line, 12, 0, 0, run, RUN_SIZE, 0x10);
	assert_string_equal(line, "trace: 0.000012 io in port=0x501 size=1 count=3 value=0xf0 rip=0x10");
	/* Data said to lie outside the structure: said, not read. */
	run->io.data_offset = RUN_SIZE - 2;
	exit_trace_format(line, sizeof line, 0, 0, 0, run, RUN_SIZE, 0);
	assert_contains(line, "(data outside the run structure)");
	run->io.data_offset = UINT64_MAX;
	exit_trace_format(line, sizeof line, 0, 0, 0, run, RUN_SIZE, 0);
	assert_contains(line, "(data outside the run structure)");
	free(run);
}

static void test_mmio_and_others(void **state)
{
	struct kvm_run *run = new_run();
	char line[256];

	(void)state;
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = 0xd0000050;
	run->mmio.len = 4;
	run->mmio.is_write = 1;
	run->mmio.data[0] = 1;
	exit_trace_format(line, sizeof line, 0, 0, 0, run, RUN_SIZE, 0x100000);
	assert_string_equal(line, "trace: 0.000000 mmio write addr=0xd0000050 size=4 value=0x1 rip=0x100000");
	run->mmio.len = 200; /* more than data[] holds: 8 bytes shown */
	memset(run->mmio.data, 0xff, sizeof run->mmio.data);
	run->mmio.is_write = 0;
	exit_trace_format(line, sizeof line, 0, 0, 0, run, RUN_SIZE, 1);
	assert_contains(line, "mmio read addr=0xd0000050 size=200 value=0xffffffffffffffff rip=0x1");
	run->exit_reason = KVM_EXIT_IOAPIC_EOI;
	run->eoi.vector = 0x21;
	exit_trace_format(line, sizeof line, 0, 0, 0, run, RUN_SIZE, 2);
	assert_contains(line, " eoi vector=0x21 rip=0x2");
	run->exit_reason = KVM_EXIT_SHUTDOWN;
	exit_trace_format(line, sizeof line, 0, 0, 0, run, RUN_SIZE, 3);
	assert_contains(line, " shutdown rip=0x3");
	run->exit_reason = 77;
	exit_trace_format(line, sizeof line, 0, 0, 0, run, RUN_SIZE, 4);
	assert_contains(line, " exit reason=77 rip=0x4");
	exit_trace_format(line, sizeof line, 0, -1, EINTR, run, RUN_SIZE, 5);
	assert_contains(line, " signal (KVM_RUN: Interrupted system call) rip=0x5");
	/* A short buffer is cut, never overrun. */
	char small[12];
	exit_trace_format(small, sizeof small, 0, 0, 0, run, RUN_SIZE, 4);
	assert_int_equal(strlen(small), sizeof small - 1);
	free(run);
}

static void test_trace_option(void **state)
{
	struct options opts;
	char err[256];
	char *plain[] = { "kvmrun", "--trace", "app.elf" };
	char *exits[] = { "kvmrun", "--trace=exits", "app.elf" };
	char *calls[] = { "kvmrun", "--trace=syscalls", "app.elf" };
	char *both[] = { "kvmrun", "--trace=syscalls,exits", "app.elf" };
	char *other[] = { "kvmrun", "--trace=exits,signals", "app.elf" };
	char *empty[] = { "kvmrun", "--trace=", "app.elf" };
	char *trailing[] = { "kvmrun", "--trace=exits,", "app.elf" };
	char *none[] = { "kvmrun", "app.elf", "--trace" };
	char *file[] = { "kvmrun", "--trace-file=t.txt", "--trace=syscalls", "app.elf" };
	char *file_only[] = { "kvmrun", "--trace-file=t.txt", "app.elf" };
	char *file_empty[] = { "kvmrun", "--trace", "--trace-file=", "app.elf" };

	(void)state;
	assert_int_equal(options_parse(3, plain, &opts, err, sizeof err), OPTIONS_RUN);
	assert_true(opts.trace);
	assert_false(opts.trace_syscalls);
	assert_int_equal(options_parse(3, exits, &opts, err, sizeof err), OPTIONS_RUN);
	assert_true(opts.trace);
	assert_false(opts.trace_syscalls);
	assert_int_equal(options_parse(3, calls, &opts, err, sizeof err), OPTIONS_RUN);
	assert_false(opts.trace);
	assert_true(opts.trace_syscalls);
	assert_int_equal(options_parse(3, both, &opts, err, sizeof err), OPTIONS_RUN);
	assert_true(opts.trace);
	assert_true(opts.trace_syscalls);
	assert_int_equal(options_parse(3, other, &opts, err, sizeof err), OPTIONS_ERROR);
	assert_string_equal(err, "bad --trace: 'exits,signals': kvmrun traces exits and syscalls "
			    "(--trace=exits, --trace=syscalls, --trace=exits,syscalls)");
	assert_int_equal(options_parse(3, empty, &opts, err, sizeof err), OPTIONS_ERROR);
	assert_int_equal(options_parse(3, trailing, &opts, err, sizeof err), OPTIONS_ERROR);
	/* After the program, it is the program's. */
	assert_int_equal(options_parse(3, none, &opts, err, sizeof err), OPTIONS_RUN);
	assert_false(opts.trace);
	assert_false(opts.trace_syscalls);
	assert_null(opts.trace_file);
	/* --trace-file: where, with something to trace. */
	assert_int_equal(options_parse(4, file, &opts, err, sizeof err), OPTIONS_RUN);
	assert_string_equal(opts.trace_file, "t.txt");
	assert_int_equal(options_parse(3, file_only, &opts, err, sizeof err), OPTIONS_ERROR);
	assert_string_equal(err, "bad --trace-file: nothing to trace (add --trace=exits or --trace=syscalls)");
	assert_int_equal(options_parse(4, file_empty, &opts, err, sizeof err), OPTIONS_ERROR);
	assert_string_equal(err, "bad --trace-file: no file (--trace-file=FILE)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_io),
		cmocka_unit_test(test_mmio_and_others),
		cmocka_unit_test(test_trace_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
