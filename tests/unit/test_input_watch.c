/* input_watch.c: SIGIO on arrival of input sets the flag and
 * kvm_run.immediate_exit; a regular file is left alone; stop takes
 * O_ASYNC off again. */
#include "unit.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../monitor/input_watch.h"

static struct kvm_run run;

/* Up to a second for the signal, which the kernel sends at the write. */
static int wait_due(void)
{
	for (int i = 0; i < 1000 && !input_watch_due; i++)
		usleep(1000);
	return input_watch_due;
}

static void test_pipe_signals_arrival(void **state)
{
	int p[2];
	char err[256] = "";
	char c;

	(void)state;
	assert_int_equal(pipe(p), 0);
	input_watch_due = 0;
	run.immediate_exit = 0;
	assert_int_equal(input_watch_start(p[0], &run, err, sizeof err), 0);
	assert_true(fcntl(p[0], F_GETFL) & O_ASYNC);
	assert_int_equal(fcntl(p[0], F_GETOWN), getpid());
	assert_false(input_watch_due);

	assert_int_equal(write(p[1], "x", 1), 1);
	assert_true(wait_due());
	assert_int_equal(run.immediate_exit, 1);
	/* Once more after the exit loop cleared both, and at end of input. */
	input_watch_due = 0;
	run.immediate_exit = 0;
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[1]);
	assert_true(wait_due());
	assert_int_equal(run.immediate_exit, 1);

	input_watch_stop();
	assert_false(fcntl(p[0], F_GETFL) & O_ASYNC);
	input_watch_stop(); /* twice: harmless */
	close(p[0]);
}

static void test_regular_file_left_alone(void **state)
{
	int fd = memfd_create("kvmrun-test-input", MFD_CLOEXEC);
	char err[256] = "";

	(void)state;
	assert_true(fd >= 0);
	int before = fcntl(fd, F_GETFL);
	assert_int_equal(input_watch_start(fd, &run, err, sizeof err), 0);
	assert_int_equal(fcntl(fd, F_GETFL), before);
	input_watch_stop();
	assert_int_equal(fcntl(fd, F_GETFL), before);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_signals_arrival),
		cmocka_unit_test(test_regular_file_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
