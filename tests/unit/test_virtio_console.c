/* virtio/console_device.c: the transmitq to stdout, the receiveq from an input
 * file descriptor (a pipe or a file here), end of input, and the wait
 * hypercall. */
#include "unit.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <time.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kvmrun/hypercall.h>

#include "../../monitor/exit_status.h"
#include "../../monitor/stats.h"
#include "../../monitor/stop_request.h"
#include "../../monitor/virtio/pass.h"
#include "../../monitor/hypercall_table.h"
#include "virtio_test_driver.h"

#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define BUF 0x100000ull

static struct td_queue rx, tx;
static int in_pipe[2];

static void console_ready(int in_fd)
{
	td_setup(in_fd);
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&rx, TD_CONSOLE, VIRTIO_CONSOLE_RECEIVEQ, 16, 0x10000);
	td_queue_setup(&tx, TD_CONSOLE, VIRTIO_CONSOLE_TRANSMITQ, 16, 0x20000);
	td_driver_ok(TD_CONSOLE);
}

/* Input from a pipe the test writes into; a wait that would block forever
 * ends the test run instead (alarm). */
static int setup_pipe(void **state)
{
	(void)state;
	if (pipe(in_pipe) < 0)
		return -1;
	console_ready(in_pipe[0]);
	alarm(20);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	alarm(0);
	td_teardown();
	if (in_pipe[0] >= 0)
		close(in_pipe[0]);
	if (in_pipe[1] >= 0)
		close(in_pipe[1]);
	in_pipe[0] = in_pipe[1] = -1;
	return 0;
}

static void feed(const void *data, size_t len)
{
	assert_int_equal(write(in_pipe[1], data, len), (ssize_t)len);
}

static void end_input(void)
{
	close(in_pipe[1]);
	in_pipe[1] = -1;
}

/* ---------------------------------------------------------------- transmit */

struct capture {
	int saved, fd;
};

static void capture_start(struct capture *c)
{
	fflush(stdout);
	c->fd = memfd_create("kvmrun-test-stdout", MFD_CLOEXEC);
	c->saved = dup(STDOUT_FILENO);
	dup2(c->fd, STDOUT_FILENO);
}

static size_t capture_end(struct capture *c, void *buf, size_t cap)
{
	dup2(c->saved, STDOUT_FILENO);
	close(c->saved);
	ssize_t n = pread(c->fd, buf, cap, 0);
	off_t len = lseek(c->fd, 0, SEEK_END);
	close(c->fd);
	assert_true(n >= 0);
	return (size_t)len;
}

static void test_transmit(void **state)
{
	char out[256];
	struct capture cap;

	(void)state;
	memcpy(td_ptr(BUF, 6), "Hello,", 6);
	memcpy(td_ptr(BUF + 0x1000, 8), " world\n!", 8);
	memcpy(td_ptr(BUF + 0x2000, 5), "bytes", 5);
	/* Chain 1: three buffers, an empty one in between; chain 2: one. */
	td_desc(&tx, 4, BUF, 6, N, 11);
	td_desc(&tx, 11, 0, 0, N, 2);
	td_desc(&tx, 2, BUF + 0x1000, 7, 0, 0);
	td_desc(&tx, 0, BUF + 0x2000, 5, 0, 0);
	td_avail_add(&tx, 4);
	td_avail_add(&tx, 0);
	uint64_t before = stats.console_out_bytes;
	capture_start(&cap);
	td_notify(&tx);
	size_t n = capture_end(&cap, out, sizeof out);
	assert_int_equal(n, 18);
	assert_memory_equal(out, "Hello, world\nbytes", 18);
	assert_int_equal(stats.console_out_bytes - before, 18);
	assert_int_equal(td_used_idx(&tx), 2);
	assert_int_equal(td_used(&tx, 0).id, 4);
	assert_int_equal(td_used(&tx, 0).len, 0);
	assert_int_equal(td_used(&tx, 1).id, 0);
	assert_int_equal(td_used(&tx, 1).len, 0);
	assert_int_equal(td.irqs, 1);
	assert_int_equal(td.irq_line, KVMRUN_VIRTIO_IRQ_BASE + 0);
	assert_false(td_needs_reset(TD_CONSOLE));
}

/* A chain of up to KVMRUN_VIRTQ_READ_CHAIN_MAX bytes goes out whole, in
 * writes of at most HOST_IO_STEP_MAX; one byte more is a driver error. */
static void test_transmit_large(void **state)
{
	const size_t len = KVMRUN_VIRTQ_READ_CHAIN_MAX;
	char *out = malloc(len);
	struct capture cap;

	(void)state;
	assert_non_null(out);
	uint8_t *src = td_ptr(BUF, len + 1);
	for (size_t i = 0; i < len; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 12));
	td_desc(&tx, 0, BUF, 1000, N, 1);
	td_desc(&tx, 1, BUF + 1000, (uint32_t)len - 1000, 0, 0);
	td_avail_add(&tx, 0);
	capture_start(&cap);
	td_notify(&tx);
	size_t n = capture_end(&cap, out, len);
	assert_int_equal(n, len);
	assert_memory_equal(out, src, len);
	assert_int_equal(td_used_idx(&tx), 1);
	free(out);

	td_desc(&tx, 2, BUF, (uint32_t)len, N, 3);
	td_desc(&tx, 3, BUF, 1, 0, 0);
	td_avail_add(&tx, 2);
	capture_start(&cap);
	td_stderr_begin();
	td_notify(&tx);
	const char *err = td_stderr_end();
	assert_int_equal(capture_end(&cap, NULL, 0), 0);
	assert_string_equal(err, "kvmrun: virtio-console: queue 1: chain from descriptor 2 carries "
			    "1048577 bytes, more than the 1048576 a device-readable chain may: "
			    "device needs reset\n");
	assert_int_equal(td_used_idx(&tx), 1);
	assert_true(td_needs_reset(TD_CONSOLE));
}

/* One notification moves at most VIRTIO_PASS_BYTES_MAX: 20 chains of 1 MiB
 * (all over the same buffer) take two. */
static void test_transmit_pass_budget(void **state)
{
	const uint32_t mib = 1u << 20;
	struct capture cap;

	(void)state;
	memset(td_ptr(BUF, mib), 'x', mib);
	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS, 0);
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&tx, TD_CONSOLE, VIRTIO_CONSOLE_TRANSMITQ, 32, 0x20000);
	td_driver_ok(TD_CONSOLE);
	for (uint16_t i = 0; i < 20; i++) {
		td_desc(&tx, i, BUF, mib, 0, 0);
		td_avail_add(&tx, i);
	}
	capture_start(&cap);
	td_notify(&tx);
	assert_int_equal(capture_end(&cap, NULL, 0), VIRTIO_PASS_BYTES_MAX);
	assert_int_equal(td_used_idx(&tx), VIRTIO_PASS_BYTES_MAX / mib);
	capture_start(&cap);
	td_notify(&tx);
	assert_int_equal(capture_end(&cap, NULL, 0), 4 * mib);
	assert_int_equal(td_used_idx(&tx), 20);
	assert_false(td_needs_reset(TD_CONSOLE));
}

/* A host I/O error stopped the guest: the exit loop's report is this line
 * (the guest at rip 0x1234) and the status STATUS_KVMRUN_FAILED. */
static void assert_io_error_stop(const char *line)
{
	assert_int_equal(stop_reason, STOP_HOST_IO_ERROR);
	td_stderr_begin();
	int status = stop_request_report(NULL, "", 0x1234);
	assert_string_equal(td_stderr_end(), line);
	assert_int_equal(status, STATUS_KVMRUN_FAILED);
}

/* Output that cannot be written (a full disk) stops the guest: reported
 * once, status STATUS_KVMRUN_FAILED. */
static void test_transmit_write_error(void **state)
{
	int full = open("/dev/full", O_WRONLY);
	int saved = dup(STDOUT_FILENO);

	(void)state;
	assert_true(full >= 0);
	memcpy(td_ptr(BUF, 4), "lost", 4);
	td_desc(&tx, 0, BUF, 4, 0, 0);
	td_avail_add(&tx, 0);
	td_avail_add(&tx, 0);
	fflush(stdout);
	dup2(full, STDOUT_FILENO);
	td_notify(&tx);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(full);
	/* The pass ends at the stop: the second chain is not taken. */
	assert_int_equal(td_used_idx(&tx), 1);
	assert_io_error_stop("kvmrun: guest stopped: writing the guest's output failed: No space "
			     "left on device (rip 0x1234)\n");
}

/* A transmit blocked on a pipe nobody reads ends at a stop signal. */
static void test_transmit_blocked_then_stopped(void **state)
{
	int out[2];
	char err[256];
	struct capture cap = { 0 };

	(void)state;
	assert_int_equal(pipe(out), 0);
	assert_int_equal(stop_request_install(NULL, 0, err, sizeof err), 0);
	memset(td_ptr(BUF, 1u << 20), 'y', 1u << 20);
	td_desc(&tx, 0, BUF, 1u << 20, 0, 0); /* more than the pipe holds */
	td_avail_add(&tx, 0);
	fflush(stdout);
	cap.saved = dup(STDOUT_FILENO);
	dup2(out[1], STDOUT_FILENO);
	alarm(1);
	td_notify(&tx);
	dup2(cap.saved, STDOUT_FILENO);
	close(cap.saved);
	close(out[0]);
	close(out[1]);
	signal(SIGALRM, SIG_DFL);
	alarm(20);
	assert_int_equal(stop_reason, SIGALRM);
	struct itimerval off = { 0 };
	setitimer(ITIMER_REAL, &off, NULL); /* the 10 ms re-arm after a stop */
	alarm(20);
}

static void test_transmit_device_writable(void **state)
{
	struct capture cap;
	char out[16];

	(void)state;
	memcpy(td_ptr(BUF, 4), "abcd", 4);
	td_desc(&tx, 0, BUF, 4, N, 1);
	td_desc(&tx, 1, BUF + 4, 4, W, 0);
	td_avail_add(&tx, 0);
	capture_start(&cap);
	td_stderr_begin();
	td_notify(&tx);
	const char *err = td_stderr_end();
	size_t n = capture_end(&cap, out, sizeof out);
	assert_string_equal(err, "kvmrun: virtio-console: queue 1: descriptor 1 is device-writable "
			    "in a queue the device reads: device needs reset\n");
	/* Checked before anything is written. */
	assert_int_equal(n, 0);
	assert_int_equal(td_used_idx(&tx), 0);
	assert_true(td_needs_reset(TD_CONSOLE));
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(td.irqs, 1);
}

/* ----------------------------------------------------------------- receive */

static void post_rx(uint16_t head, uint64_t addr, uint32_t len)
{
	td_desc(&rx, head, addr, len, W, 0);
	td_avail_add(&rx, head);
}

static void test_receive_from_pipe(void **state)
{
	(void)state;
	memset(td_ptr(BUF, 0x3000), '#', 0x3000);
	post_rx(0, BUF, 4);
	post_rx(1, BUF + 0x1000, 4);
	post_rx(2, BUF + 0x2000, 64);
	post_rx(3, BUF + 0x2800, 64);
	feed("hello world", 11);
	uint64_t before = stats.console_in_bytes;
	td_notify(&rx);
	/* As much as there is, in as many buffers as it takes, in one pass. */
	assert_int_equal(td_used_idx(&rx), 3);
	assert_int_equal(td_used(&rx, 0).id, 0);
	assert_int_equal(td_used(&rx, 0).len, 4);
	assert_int_equal(td_used(&rx, 1).id, 1);
	assert_int_equal(td_used(&rx, 1).len, 4);
	assert_int_equal(td_used(&rx, 2).id, 2);
	assert_int_equal(td_used(&rx, 2).len, 3);
	assert_memory_equal(td_ptr(BUF, 5), "hell#", 5);
	assert_memory_equal(td_ptr(BUF + 0x1000, 5), "o wo#", 5);
	assert_memory_equal(td_ptr(BUF + 0x2000, 4), "rld#", 4);
	assert_int_equal(stats.console_in_bytes - before, 11);
	assert_int_equal(td.irqs, 1);

	/* Nothing more to read: buffer 3 stays posted, no interrupt. */
	td_notify(&rx);
	assert_int_equal(td_used_idx(&rx), 3);
	assert_int_equal(td.irqs, 1);

	/* More input, multi-buffer chain. */
	td_desc(&rx, 3, BUF + 0x2800, 2, W | N, 5);
	td_desc(&rx, 5, BUF + 0x2900, 10, W, 0);
	feed("xyz", 3);
	td_notify(&rx);
	assert_int_equal(td_used_idx(&rx), 4);
	assert_int_equal(td_used(&rx, 3).id, 3);
	assert_int_equal(td_used(&rx, 3).len, 3);
	assert_memory_equal(td_ptr(BUF + 0x2800, 3), "xy#", 3);
	assert_memory_equal(td_ptr(BUF + 0x2900, 2), "z#", 2);
	assert_false(td_needs_reset(TD_CONSOLE));
}

static void test_receive_eof(void **state)
{
	(void)state;
	post_rx(0, BUF, 8);
	post_rx(1, BUF + 8, 8);
	feed("abc", 3);
	end_input();
	td_notify(&rx);
	/* The data, then end of file: a zero-length completion. */
	assert_int_equal(td_used_idx(&rx), 2);
	assert_int_equal(td_used(&rx, 0).len, 3);
	assert_int_equal(td_used(&rx, 1).len, 0);
	assert_int_equal(td.irqs, 1);
	/* Told once: buffers posted after it stay posted, with no interrupt,
	 * however often the driver notifies or waits. */
	post_rx(2, BUF + 16, 8);
	post_rx(3, BUF + 24, 8);
	for (int i = 0; i < 3; i++) {
		td_notify(&rx);
		virtio_devices_wait(&td.devs);
		virtio_devices_input_arrived(&td.devs);
	}
	assert_int_equal(td_used_idx(&rx), 2);
	assert_int_equal(td.irqs, 1);
	assert_false(td_needs_reset(TD_CONSOLE));
}

/* End of input right after a buffer filled whole: the chain keeps its
 * data, the next one gets the end of file. */
static void test_receive_eof_mid_chain(void **state)
{
	(void)state;
	td_desc(&rx, 0, BUF, 4, W | N, 1);
	td_desc(&rx, 1, BUF + 0x100, 4, W, 0);
	td_avail_add(&rx, 0);
	post_rx(2, BUF + 0x200, 4);
	feed("abcd", 4);
	end_input();
	td_notify(&rx);
	assert_int_equal(td_used_idx(&rx), 2);
	assert_int_equal(td_used(&rx, 0).id, 0);
	assert_int_equal(td_used(&rx, 0).len, 4);
	assert_memory_equal(td_ptr(BUF, 4), "abcd", 4);
	assert_int_equal(td_used(&rx, 1).id, 2);
	assert_int_equal(td_used(&rx, 1).len, 0);
}

/* End of input outlives a device reset: it is the input's state. */
static void test_receive_eof_after_reset(void **state)
{
	(void)state;
	end_input();
	post_rx(0, BUF, 8);
	td_notify(&rx);
	assert_int_equal(td_used(&rx, 0).len, 0);
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&rx, TD_CONSOLE, VIRTIO_CONSOLE_RECEIVEQ, 16, 0x10000);
	td_driver_ok(TD_CONSOLE);
	post_rx(0, BUF, 8);
	td_notify(&rx);
	assert_int_equal(td_used_idx(&rx), 1);
	assert_int_equal(td_used(&rx, 0).len, 0);
}

/* A read error is no end of input: it stops the guest. */
static void test_receive_read_error(void **state)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_true(fd >= 0);
	td_teardown();
	console_ready(fd); /* reading a directory fails with EISDIR */
	post_rx(0, BUF, 8);
	td_stderr_begin();
	td_notify(&rx);
	assert_string_equal(td_stderr_end(), "");
	close(fd);
	assert_int_equal(td_used_idx(&rx), 0);
	assert_false(td_needs_reset(TD_CONSOLE));
	assert_io_error_stop("kvmrun: guest stopped: reading the guest's input failed: Is a "
			     "directory (rip 0x1234)\n");
}

/* Input that poll() calls ready and read() then blocks on: another reader
 * took it in between (here: the test, which drains the pipe while the
 * device is stopped at the entry of its read, under ptrace). The blocked
 * read must end at a stop request, not be retried for ever. The device
 * runs in a traced child, so that a regression fails the test instead of
 * hanging it. */
static void test_receive_read_blocks_then_stopped(void **state)
{
	int status;
	char err[256];

	(void)state;
	feed("z", 1);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		post_rx(0, BUF, 8);
		if (stop_request_install(NULL, 0, err, sizeof err) < 0 ||
		    ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(2);
		raise(SIGSTOP);
		alarm(1); /* the --timeout */
		td_notify(&rx);
		_exit(stop_reason == SIGALRM && td_used_idx(&rx) == 0 ? 0 : 3);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSTOPPED(status));
	ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)(long)PTRACE_O_TRACESYSGOOD);
	int drained = 0, sig = 0;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ptrace(PTRACE_SYSCALL, child, NULL, (void *)(long)sig);
		sig = 0;
		assert_int_equal(waitpid(child, &status, 0), child);
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			struct user_regs_struct regs;
			ptrace(PTRACE_GETREGS, child, NULL, &regs);
			/* At the entry of the device's read of its input: take the
			 * input away first (entry and exit stops alternate; a
			 * second stop at the same call is its exit). */
			if (!drained && regs.orig_rax == SYS_read && regs.rdi == (unsigned long)in_pipe[0] &&
			    regs.rax == (unsigned long)-ENOSYS) {
				char c;
				assert_int_equal(read(in_pipe[0], &c, 1), 1);
				drained = 1;
			}
		} else {
			sig = WSTOPSIG(status); /* SIGALRM: hand it on */
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			fail_msg("the device's blocked read did not end at the stop request");
		}
	}
	assert_true(drained);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A huge file on stdin and chains that name the same 16 MiB again and
 * again: one notification reads at most VIRTIO_PASS_BYTES_MAX. */
static void test_receive_pass_budget(void **state)
{
	int fd = memfd_create("kvmrun-test-big-stdin", MFD_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1ll << 40), 0); /* 1 TiB, all hole */
	td_teardown();
	console_ready(fd);
	/* Chains of 3 descriptors, 8 MiB each: 24 MiB a chain. */
	for (uint16_t i = 0; i < 4; i++) {
		td_desc(&rx, (uint16_t)(3 * i), BUF, 8u << 20, W | N, (uint16_t)(3 * i + 1));
		td_desc(&rx, (uint16_t)(3 * i + 1), BUF, 8u << 20, W | N, (uint16_t)(3 * i + 2));
		td_desc(&rx, (uint16_t)(3 * i + 2), BUF, 8u << 20, W, 0);
		td_avail_add(&rx, (uint16_t)(3 * i));
	}
	uint64_t before = stats.console_in_bytes;
	td_notify(&rx);
	assert_int_equal(td_used_idx(&rx), 1);
	assert_int_equal(td_used(&rx, 0).len, VIRTIO_PASS_BYTES_MAX);
	assert_int_equal(stats.console_in_bytes - before, VIRTIO_PASS_BYTES_MAX);
	td_notify(&rx);
	assert_int_equal(td_used_idx(&rx), 2);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 2 * VIRTIO_PASS_BYTES_MAX);
	close(fd);
}

/* The chain made available at descriptor 0, with input waiting: refused
 * for its readable descriptor 0, nothing completed, the input left alone. */
static void expect_readable_refused(void)
{
	char buf[8];

	td_avail_add(&rx, 0);
	feed("data", 4);
	td_stderr_begin();
	td_notify(&rx);
	const char *err = td_stderr_end();
	assert_string_equal(err, "kvmrun: virtio-console: queue 0: descriptor 0 is device-readable "
			    "in a queue the device writes: device needs reset\n");
	assert_true(td_needs_reset(TD_CONSOLE));
	assert_int_equal(td_used_idx(&rx), 0);
	assert_int_equal(read(in_pipe[0], buf, sizeof buf), 4);
}

static void test_receive_device_readable(void **state)
{
	(void)state;
	td_desc(&rx, 0, BUF, 8, 0, 0);
	expect_readable_refused();
}

/* A request-and-reply chain (§2.7.4.2) is legal virtio, but not on the
 * receiveq: the readable part is refused, as a lone readable buffer is. */
static void test_receive_mixed_chain(void **state)
{
	(void)state;
	td_desc(&rx, 0, BUF, 4, N, 1);
	td_desc(&rx, 1, BUF + 8, 8, W, 0);
	expect_readable_refused();
}

static void test_receive_empty_buffer(void **state)
{
	(void)state;
	/* A chain with no room completes empty without reading. */
	td_desc(&rx, 0, 0, 0, W, 0);
	td_avail_add(&rx, 0);
	feed("q", 1);
	td_notify(&rx);
	assert_int_equal(td_used_idx(&rx), 1);
	assert_int_equal(td_used(&rx, 0).len, 0);
	char c;
	assert_int_equal(read(in_pipe[0], &c, 1), 1);
	assert_int_equal(c, 'q');
}

/* A regular file as input: every posted buffer fills in one notification. */
static void test_receive_bulk_from_file(void **state)
{
	enum { CHUNK = 4096, CHUNKS = 64 };
	int fd = memfd_create("kvmrun-test-stdin", MFD_CLOEXEC);
	uint8_t *data = malloc(CHUNK * CHUNKS);

	(void)state;
	assert_true(fd >= 0);
	assert_non_null(data);
	for (size_t i = 0; i < CHUNK * CHUNKS; i++)
		data[i] = (uint8_t)(i ^ (i >> 8));
	assert_int_equal(write(fd, data, CHUNK * CHUNKS), CHUNK * CHUNKS);
	lseek(fd, 0, SEEK_SET);
	td_teardown();
	td_setup(fd);
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&rx, TD_CONSOLE, VIRTIO_CONSOLE_RECEIVEQ, 128, 0x10000);
	td_driver_ok(TD_CONSOLE);
	for (unsigned i = 0; i < 100; i++)
		post_rx((uint16_t)i, BUF + (uint64_t)i * CHUNK, CHUNK);
	td_notify(&rx);
	/* 64 full buffers, then end of file, once; the others stay posted. */
	assert_int_equal(td_used_idx(&rx), CHUNKS + 1);
	for (unsigned i = 0; i <= CHUNKS; i++)
		assert_int_equal(td_used(&rx, i).len, i < CHUNKS ? CHUNK : 0);
	assert_memory_equal(td_ptr(BUF, CHUNK * CHUNKS), data, CHUNK * CHUNKS);
	assert_int_equal(td.irqs, 1);
	free(data);
	close(fd);
}

/* -------------------------------------------------------------------- wait */

/* An access to port (the wait port, or another) through the hypercall
 * table, as the exit loop makes it. */
static enum hypercall_result wait_port(uint16_t port, uint8_t direction, uint8_t size,
				       uint32_t count, char *err, size_t errlen)
{
	const uint8_t zero[16] = { 0 };
	int status = -1;
	const struct io_access io = { .port = port, .direction = direction, .size = size,
				      .count = count, .data = zero };
	const struct hypercall_ctx ctx = { .mem = &td.mem, .devs = &td.devs, .status = &status };

	return hypercall_handle(&ctx, &io, err, errlen);
}

static void wait_hypercall(void)
{
	char err[256] = "";
	assert_int_equal(wait_port(KVMRUN_PORT_WAIT, KVM_EXIT_IO_OUT, 4, 1, err, sizeof err),
			 HC_CONTINUE);
	assert_string_equal(err, "");
}

/* With a pipe that has a writer and no data, any wait that blocked would
 * hang here until the alarm: each of these must return at once. */
static void test_wait_returns_at_once(void **state)
{
	(void)state;
	/* No receive buffer posted. */
	wait_hypercall();
	/* Buffers posted, but the device not live. */
	post_rx(0, BUF, 8);
	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS, 0);
	wait_hypercall();
	/* The receive queue not ready (only the transmit queue set up). */
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&tx, TD_CONSOLE, VIRTIO_CONSOLE_TRANSMITQ, 16, 0x20000);
	td_driver_ok(TD_CONSOLE);
	wait_hypercall();
	/* Receive queue ready but empty. */
	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS, 0);
	td_driver_start(TD_CONSOLE);
	td_queue_setup(&rx, TD_CONSOLE, VIRTIO_CONSOLE_RECEIVEQ, 16, 0x10000);
	td_driver_ok(TD_CONSOLE);
	wait_hypercall();
	assert_int_equal(td_used_idx(&rx), 0);
	/* Device in NEEDS_RESET with buffers posted. */
	post_rx(0, BUF, 8);
	td_stderr_begin();
	td_access(TD_CONSOLE, 0, 1, 0, false);
	td_stderr_end();
	wait_hypercall();
	assert_int_equal(td_used_idx(&rx), 0);
}

static void test_wait_at_eof(void **state)
{
	(void)state;
	end_input();
	post_rx(0, BUF, 8);
	wait_hypercall(); /* the pipe hung up: wakes, completes empty */
	assert_int_equal(td_used_idx(&rx), 1);
	assert_int_equal(td_used(&rx, 0).len, 0);
	post_rx(1, BUF, 8);
	td_avail_add(&rx, 1);
	/* Input already ended: nothing to wait for. */
	wait_hypercall();
	assert_int_equal(td_used_idx(&rx), 1);
}

static void test_wait_for_input(void **state)
{
	(void)state;
	post_rx(0, BUF, 8);
	post_rx(1, BUF + 8, 8);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		usleep(100 * 1000);
		_exit(write(in_pipe[1], "late", 4) == 4 ? 0 : 1);
	}
	wait_hypercall(); /* blocks until the child writes */
	assert_int_equal(td_used_idx(&rx), 1);
	assert_int_equal(td_used(&rx, 0).len, 4);
	assert_memory_equal(td_ptr(BUF, 4), "late", 4);
	assert_int_equal(td.irqs, 1);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
}

static void test_wait_hypercall_form(void **state)
{
	char err[256];

	(void)state;
	/* The table sends each port to its own handler: the exit port exits. */
	assert_int_equal(wait_port(KVMRUN_PORT_EXIT, KVM_EXIT_IO_OUT, 4, 1, err, sizeof err), HC_EXIT);
	assert_int_equal(wait_port(0x5ff, KVM_EXIT_IO_OUT, 4, 1, err, sizeof err), HC_UNHANDLED);
	assert_int_equal(wait_port(KVMRUN_PORT_WAIT, KVM_EXIT_IO_OUT, 1, 1, err, sizeof err),
			 HC_BAD_REQUEST);
	assert_string_equal(err, "hypercall port 0x502 takes one 32-bit out, got out of 1 byte(s) x1");
	assert_int_equal(wait_port(KVMRUN_PORT_WAIT, KVM_EXIT_IO_IN, 4, 1, err, sizeof err),
			 HC_BAD_REQUEST);
	assert_string_equal(err, "hypercall port 0x502 takes one 32-bit out, got in of 4 byte(s) x1");
	assert_int_equal(wait_port(KVMRUN_PORT_WAIT, KVM_EXIT_IO_OUT, 4, 3, err, sizeof err),
			 HC_BAD_REQUEST);
	assert_contains(err, "got out of 4 byte(s) x3");
}

/* Without a terminal the console offers VERSION_1 only and its config
 * space reads zeros; with one it offers F_SIZE and reports cols/rows. */
static void test_terminal_size(void **state)
{
	(void)state;
	td_write(TD_CONSOLE, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_DEVICE_FEATURES), 0);
	assert_int_equal(td_access(TD_CONSOLE, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_COLS, 2, 0, false), 0);

	virtio_console_set_terminal(&td.devs.console, 132, 43);
	td_write(TD_CONSOLE, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_DEVICE_FEATURES), 1u << VIRTIO_CONSOLE_F_SIZE);
	assert_int_equal(td_access(TD_CONSOLE, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_COLS, 2, 0, false), 132);
	assert_int_equal(td_access(TD_CONSOLE, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_ROWS, 2, 0, false), 43);
	assert_int_equal(td_access(TD_CONSOLE, VIRTIO_MMIO_CONFIG, 4, 0, false), (43u << 16) | 132u);
	assert_int_equal(td_access(TD_CONSOLE, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_MAX_NR_PORTS, 4, 0, false), 0);
	/* Config space is read-only. */
	td_access(TD_CONSOLE, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_COLS, 2, 7, true);
	assert_int_equal(td_access(TD_CONSOLE, VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_COLS, 2, 0, false), 132);

	/* A driver may accept F_SIZE with VERSION_1; the offer survives a reset. */
	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	td_write(TD_CONSOLE, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	td_write(TD_CONSOLE, VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_CONSOLE_F_SIZE);
	td_write(TD_CONSOLE, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	td_write(TD_CONSOLE, VIRTIO_MMIO_DRIVER_FEATURES, 1u);
	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS,
		 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	assert_true(td_read(TD_CONSOLE, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	td_write(TD_CONSOLE, VIRTIO_MMIO_STATUS, 0);
	td_write(TD_CONSOLE, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(td_read(TD_CONSOLE, VIRTIO_MMIO_DEVICE_FEATURES), 1u << VIRTIO_CONSOLE_F_SIZE);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup_pipe, teardown)
	const struct CMUnitTest tests[] = {
		T(test_transmit),
		T(test_transmit_large),
		T(test_transmit_pass_budget),
		T(test_transmit_write_error),
		T(test_transmit_blocked_then_stopped),
		T(test_transmit_device_writable),
		T(test_receive_from_pipe),
		T(test_receive_eof),
		T(test_receive_eof_mid_chain),
		T(test_receive_eof_after_reset),
		T(test_receive_read_error),
		T(test_receive_pass_budget),
		T(test_receive_read_blocks_then_stopped),
		T(test_receive_device_readable),
		T(test_receive_mixed_chain),
		T(test_receive_empty_buffer),
		T(test_receive_bulk_from_file),
		T(test_wait_returns_at_once),
		T(test_wait_at_eof),
		T(test_wait_for_input),
		T(test_wait_hypercall_form),
		T(test_terminal_size),
	};
	in_pipe[0] = in_pipe[1] = -1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
