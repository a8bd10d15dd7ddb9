/* stats.c and --stats: the one line of counters kvmrun prints at exit. */
#include "unit.h"

#include "../../monitor/options.h"
#include "../../monitor/stats.h"
#include "virtio_test_driver.h"

static void test_stats_line(void **state)
{
	(void)state;
	stats = (struct kvmrun_stats){ .exits = 12, .io = 5, .mmio = 6, .other = 1, .irqs = 3,
				       .console_out_bytes = 1048576, .console_in_bytes = 7,
				       .rng_bytes = 18446744073709551615ull };
	td_stderr_begin();
	stats_print();
	const char *err = td_stderr_end();
	assert_string_equal(err, "kvmrun: stats: exits=12 io=5 mmio=6 eoi=0 intr=0 other=1 irqs=3 "
			    "console_out_bytes=1048576 console_in_bytes=7 "
			    "rng_bytes=18446744073709551615 setup_us=0 guest_us=0 monitor_us=0\n");
}

/* The times: TSC cycles at the TSC's rate, split at the first KVM_RUN. */
static void test_stats_times(void **state)
{
	(void)state;
	/* 2 MHz: 2 cycles a microsecond. Set-up 4000 cycles, the run 10000,
	 * 6000 of them inside KVM_RUN. */
	stats = (struct kvmrun_stats){ .eoi = 2, .intr = 1, .tsc_khz = 2000, .tsc_start = 1000,
				       .tsc_first_run = 5000, .tsc_in_guest = 6000 };
	td_stderr_begin();
	stats_print_at(15000);
	const char *err = td_stderr_end();
	assert_contains(err, " eoi=2 intr=1 ");
	assert_contains(err, " setup_us=2000 guest_us=3000 monitor_us=2000\n");
	/* A rate KVM could not tell: no times rather than wrong ones. */
	stats.tsc_khz = 0;
	td_stderr_begin();
	stats_print_at(15000);
	assert_contains(td_stderr_end(), " setup_us=0 guest_us=0 monitor_us=0\n");
	/* No KVM_RUN yet (a failure before it): all set-up. */
	stats = (struct kvmrun_stats){ .tsc_khz = 1000, .tsc_start = 1000 };
	td_stderr_begin();
	stats_print_at(4000);
	assert_contains(td_stderr_end(), " setup_us=3000 guest_us=0 monitor_us=0\n");
}

static void test_stats_option(void **state)
{
	struct options opts;
	char err[256];
	char *with[] = { "kvmrun", "--stats", "--mem=8M", "app.elf", "--stats" };
	char *without[] = { "kvmrun", "app.elf" };

	(void)state;
	assert_int_equal(options_parse(5, with, &opts, err, sizeof err), OPTIONS_RUN);
	assert_int_equal(opts.stats, 1);
	assert_string_equal(opts.app_path, "app.elf");
	/* After the app path, --stats is the app's. */
	assert_int_equal(opts.app_argc, 2);
	assert_string_equal(opts.app_argv[1], "--stats");
	assert_int_equal(options_parse(2, without, &opts, err, sizeof err), OPTIONS_RUN);
	assert_int_equal(opts.stats, 0);
	assert_non_null(strstr(options_usage, "--stats"));
}

/* The devices count what they move and the interrupts they raise. */
static void test_device_counters(void **state)
{
	struct td_queue q;

	(void)state;
	td_setup(-1);
	stats = (struct kvmrun_stats){ 0 };
	td_driver_start(TD_RNG);
	td_queue_setup(&q, TD_RNG, 0, 4, 0x10000);
	td_driver_ok(TD_RNG);
	td_desc(&q, 0, 0x100000, 100, VIRTQ_DESC_F_WRITE, 0);
	td_desc(&q, 1, 0x100100, 28, VIRTQ_DESC_F_WRITE, 0);
	td_avail_add(&q, 0);
	td_avail_add(&q, 1);
	td_notify(&q);
	assert_int_equal(stats.rng_bytes, 128);
	assert_int_equal(stats.irqs, 1);
	assert_int_equal(td.irqs, 1);
	td_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_line),
		cmocka_unit_test(test_stats_times),
		cmocka_unit_test(test_stats_option),
		cmocka_unit_test(test_device_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
