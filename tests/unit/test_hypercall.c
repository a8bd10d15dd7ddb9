/* hypercall_table.c: the hypercall table, the exit and debug-write ports (the
 * wait port is test_virtio_console.c's). */
#include "unit.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kvmrun/hypercall.h>

#include "../../monitor/hypercall_table.h"
#include "../../monitor/trace_out.h"

#define ERRLEN 256

static struct guest_mem mem;

static int setup(void **state)
{
	char err[ERRLEN];

	(void)state;
	return guest_mem_alloc(&mem, 64 * MIB, err, sizeof err);
}

static int teardown(void **state)
{
	(void)state;
	guest_mem_free(&mem);
	return 0;
}

/* One port access through the hypercall table, as the exit loop makes it. */
static enum hypercall_result port_io(uint16_t port, uint8_t direction, uint8_t size, uint32_t count,
				     const uint8_t *data, int *status, char *err, size_t errlen)
{
	const struct io_access io = { .port = port, .direction = direction, .size = size,
				      .count = count, .data = data };
	const struct hypercall_ctx ctx = { .mem = &mem, .devs = NULL, .status = status };

	return hypercall_handle(&ctx, &io, err, errlen);
}

static enum hypercall_result outl(uint16_t port, uint32_t value, int *status, char *err)
{
	uint8_t data[4];

	memcpy(data, &value, 4);
	err[0] = '\0';
	return port_io(port, KVM_EXIT_IO_OUT, 4, 1, data, status, err, ERRLEN);
}

static void exit_status(uint32_t value, int expect)
{
	char err[ERRLEN];
	int status = -12345;

	assert_int_equal(outl(KVMRUN_PORT_EXIT, value, &status, err), HC_EXIT);
	if (status != expect)
		fail_msg("exit(0x%x) gave status %d, expected %d", value, status, expect);
}

static void test_exit(void **state)
{
	(void)state;
	exit_status(0, 0);
	exit_status(1, 1);
	exit_status(42, 42);
	exit_status(255, 255);
	exit_status(256, 0);
	exit_status(257, 1);
	exit_status(0x1234, 0x34);
	exit_status(0xffffffff, 255);
	exit_status(0x80000000, 0);
}

static void bad_io(uint16_t port, uint8_t direction, uint8_t size, uint32_t count,
		   const char *why)
{
	uint8_t data[8] = { 42, 0, 0, 0, 0, 0, 0, 0 };
	char err[ERRLEN] = "";
	int status = -12345;

	assert_int_equal(port_io(port, direction, size, count, data, &status, err, sizeof err),
			 HC_BAD_REQUEST);
	assert_contains(err, why);
	assert_int_equal(status, -12345);
}

static void test_bad_access(void **state)
{
	(void)state;
	bad_io(KVMRUN_PORT_EXIT, KVM_EXIT_IO_OUT, 1, 1,
	       "hypercall port 0x500 takes one 32-bit out, got out of 1 byte(s) x1");
	bad_io(KVMRUN_PORT_EXIT, KVM_EXIT_IO_OUT, 2, 1, "got out of 2 byte(s) x1");
	bad_io(KVMRUN_PORT_EXIT, KVM_EXIT_IO_IN, 4, 1,
	       "hypercall port 0x500 takes one 32-bit out, got in of 4 byte(s) x1");
	bad_io(KVMRUN_PORT_EXIT, KVM_EXIT_IO_OUT, 4, 2, "got out of 4 byte(s) x2");
	bad_io(KVMRUN_PORT_EXIT, KVM_EXIT_IO_OUT, 4, 0, "got out of 4 byte(s) x0");
	bad_io(KVMRUN_PORT_DEBUG_WRITE, KVM_EXIT_IO_OUT, 1, 1,
	       "hypercall port 0x501 takes one 32-bit out, got out of 1 byte(s) x1");
	bad_io(KVMRUN_PORT_DEBUG_WRITE, KVM_EXIT_IO_IN, 4, 1,
	       "hypercall port 0x501 takes one 32-bit out, got in of 4 byte(s) x1");
	bad_io(KVMRUN_PORT_DEBUG_WRITE, KVM_EXIT_IO_OUT, 2, 2, "got out of 2 byte(s) x2");
}

static void test_other_ports(void **state)
{
	/* Not 0x502: KVMRUN_PORT_WAIT is a hypercall port of its own. */
	static const uint16_t ports[] = { 0, 0x3f8, 0x4ff, 0x5ff, 0x80, 0xcf8, 0xffff };
	char err[ERRLEN];
	int status = -12345;

	(void)state;
	for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		assert_int_equal(outl(ports[i], 0, &status, err), HC_UNHANDLED);
		uint8_t data[4] = { 0 };
		assert_int_equal(port_io(ports[i], KVM_EXIT_IO_IN, 1, 1, data, &status, err, ERRLEN),
				 HC_UNHANDLED);
	}
	assert_int_equal(status, -12345);
}

/* ------------------------------------------------------------ debug write */

/* stdout captured into a memfd for the length of one call. */
struct capture {
	int saved;
	int fd;
};

static void capture_start(struct capture *c)
{
	fflush(stdout);
	c->fd = memfd_create("kvmrun-test-stdout", MFD_CLOEXEC);
	assert_true(c->fd >= 0);
	c->saved = dup(STDOUT_FILENO);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(c->fd, STDOUT_FILENO), STDOUT_FILENO);
}

/* Restore stdout; returns how many bytes were written, copied into buf. */
static size_t capture_end(struct capture *c, void *buf, size_t cap)
{
	assert_int_equal(dup2(c->saved, STDOUT_FILENO), STDOUT_FILENO);
	close(c->saved);
	off_t len = lseek(c->fd, 0, SEEK_END);
	assert_true(len >= 0);
	size_t n = (size_t)len < cap ? (size_t)len : cap;
	assert_int_equal(pread(c->fd, buf, n, 0), (ssize_t)n);
	close(c->fd);
	return (size_t)len;
}

static void put_request(uint64_t at, uint64_t data, uint32_t len)
{
	struct kvmrun_debug_write req = { .data = data, .len = len, .reserved = 0 };
	void *p = guest_mem_ptr(&mem, at, sizeof req);

	assert_non_null(p);
	memcpy(p, &req, sizeof req);
}

static enum hypercall_result debug_write(uint32_t req_gpa, char *err, size_t *written,
					 void *out, size_t cap)
{
	struct capture c;
	int status = -12345;

	capture_start(&c);
	enum hypercall_result r = outl(KVMRUN_PORT_DEBUG_WRITE, req_gpa, &status, err);
	*written = capture_end(&c, out, cap);
	assert_int_equal(status, -12345);
	return r;
}

static void test_debug_write(void **state)
{
	static const char msg[] = "hello from the guest\n\0and a NUL";
	char out[128];
	char err[ERRLEN];
	size_t n;

	(void)state;
	memcpy(guest_mem_ptr(&mem, 0x300000, sizeof msg), msg, sizeof msg);
	put_request(0x200000, 0x300000, sizeof msg - 1);
	assert_int_equal(debug_write(0x200000, err, &n, out, sizeof out), HC_CONTINUE);
	assert_int_equal(n, sizeof msg - 1);
	assert_memory_equal(out, msg, sizeof msg - 1);

	/* A buffer ending on the last byte of RAM; the request at the last 16. */
	memcpy(guest_mem_ptr(&mem, 64 * MIB - 5, 5), "tail!", 5);
	put_request(64 * MIB - 16 - 5, 64 * MIB - 5, 5);
	assert_int_equal(debug_write(64 * MIB - 21, err, &n, out, sizeof out), HC_CONTINUE);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "tail!", 5);
}

/* Port 0x504: the same request, to the trace output (trace_out.h), here
 * a file; not to stdout. */
static void test_trace_write(void **state)
{
	static const char line[] = "kvmrun: trace: 0.000001 syscall getpid() = 1\n";
	char path[] = "/tmp/kvmrun-trace-XXXXXX", err[ERRLEN], out[128];
	size_t n;
	int status = -12345;

	(void)state;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(trace_out_open(path, err, sizeof err), 0);
	assert_true(trace_out_fd() > 2);
	memcpy(guest_mem_ptr(&mem, 0x300000, sizeof line), line, sizeof line);
	put_request(0x200000, 0x300000, sizeof line - 1);
	/* Refused unless --trace=syscalls asked the runtime for it. */
	assert_int_equal(outl(KVMRUN_PORT_TRACE_WRITE, 0x200000, &status, err), HC_BAD_REQUEST);
	assert_string_equal(err, "trace write: kvmrun was not asked for the guest's trace (--trace=syscalls)");
	trace_out_allow_guest();
	struct capture c;
	capture_start(&c);
	assert_int_equal(outl(KVMRUN_PORT_TRACE_WRITE, 0x200000, &status, err), HC_CONTINUE);
	assert_int_equal(capture_end(&c, out, sizeof out), 0); /* nothing on stdout */
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	n = fread(out, 1, sizeof out, f);
	fclose(f);
	assert_int_equal(n, sizeof line - 1);
	assert_memory_equal(out, line, n);

	put_request(0x200000, 64 * MIB - 4, 5);
	assert_int_equal(outl(KVMRUN_PORT_TRACE_WRITE, 0x200000, &status, err), HC_BAD_REQUEST);
	assert_contains(err, "trace write: buffer [0x3fffffc, +5) is not in guest RAM");
	assert_int_equal(status, -12345);
	unlink(path);

	assert_int_equal(trace_out_open("/nonexistent/trace", err, sizeof err), -1);
	assert_string_equal(err, "--trace-file: /nonexistent/trace: No such file or directory");
}

static void test_debug_write_max(void **state)
{
	char err[ERRLEN];
	size_t n;
	uint8_t *src = guest_mem_ptr(&mem, 0x400000, KVMRUN_DEBUG_WRITE_MAX);
	uint8_t *out = malloc(KVMRUN_DEBUG_WRITE_MAX);

	(void)state;
	assert_non_null(out);
	for (size_t i = 0; i < KVMRUN_DEBUG_WRITE_MAX; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	put_request(0x1000, 0x400000, KVMRUN_DEBUG_WRITE_MAX);
	assert_int_equal(debug_write(0x1000, err, &n, out, KVMRUN_DEBUG_WRITE_MAX), HC_CONTINUE);
	assert_int_equal(n, KVMRUN_DEBUG_WRITE_MAX);
	assert_memory_equal(out, src, KVMRUN_DEBUG_WRITE_MAX);

	put_request(0x1000, 0x400000, KVMRUN_DEBUG_WRITE_MAX + 1);
	err[0] = '\0';
	assert_int_equal(debug_write(0x1000, err, &n, out, 16), HC_BAD_REQUEST);
	assert_int_equal(n, 0);
	assert_contains(err, "debug write: length 1048577 exceeds the limit 1048576");

	put_request(0x1000, 0x400000, UINT32_MAX);
	assert_int_equal(debug_write(0x1000, err, &n, out, 16), HC_BAD_REQUEST);
	assert_int_equal(n, 0);
	assert_contains(err, "debug write: length 4294967295 exceeds the limit 1048576");
	free(out);
}

static void test_debug_write_zero_len(void **state)
{
	char out[16];
	char err[ERRLEN];
	size_t n;

	(void)state;
	put_request(0x1000, 0x300000, 0);
	assert_int_equal(debug_write(0x1000, err, &n, out, sizeof out), HC_CONTINUE);
	assert_int_equal(n, 0);
	/* len 0 at the very end of RAM is fine too. */
	put_request(0x1000, 64 * MIB, 0);
	assert_int_equal(debug_write(0x1000, err, &n, out, sizeof out), HC_CONTINUE);
	assert_int_equal(n, 0);
}

static void test_debug_write_request_outside(void **state)
{
	char out[16];
	char err[ERRLEN];
	size_t n;

	(void)state;
	assert_int_equal(debug_write(64 * MIB, err, &n, out, sizeof out), HC_BAD_REQUEST);
	assert_int_equal(n, 0);
	assert_contains(err, "debug write: request at 0x4000000 is not in guest RAM");

	/* Straddling the end of RAM. */
	assert_int_equal(debug_write(64 * MIB - 8, err, &n, out, sizeof out), HC_BAD_REQUEST);
	assert_int_equal(n, 0);
	assert_contains(err, "debug write: request at 0x3fffff8 is not in guest RAM");

	assert_int_equal(debug_write(0xfffffff8, err, &n, out, sizeof out), HC_BAD_REQUEST);
	assert_contains(err, "request at 0xfffffff8 is not in guest RAM");
}

static void test_debug_write_buffer_outside(void **state)
{
	char out[16];
	char err[ERRLEN];
	size_t n;

	(void)state;
	put_request(0x1000, 64 * MIB, 1);
	assert_int_equal(debug_write(0x1000, err, &n, out, sizeof out), HC_BAD_REQUEST);
	assert_int_equal(n, 0);
	assert_contains(err, "debug write: buffer [0x4000000, +1) is not in guest RAM");

	put_request(0x1000, 64 * MIB - 4, 5);
	assert_int_equal(debug_write(0x1000, err, &n, out, sizeof out), HC_BAD_REQUEST);
	assert_int_equal(n, 0);
	assert_contains(err, "debug write: buffer [0x3fffffc, +5) is not in guest RAM");

	/* Above 4 GiB: data is a full 64-bit address. */
	put_request(0x1000, 0x100000000ull + 0x300000, 4);
	assert_int_equal(debug_write(0x1000, err, &n, out, sizeof out), HC_BAD_REQUEST);
	assert_contains(err, "debug write: buffer [0x100300000, +4) is not in guest RAM");
}

static void test_debug_write_buffer_wraps(void **state)
{
	char out[16];
	char err[ERRLEN];
	size_t n;

	(void)state;
	put_request(0x1000, UINT64_MAX - 3, 16);
	assert_int_equal(debug_write(0x1000, err, &n, out, sizeof out), HC_BAD_REQUEST);
	assert_int_equal(n, 0);
	assert_contains(err, "debug write: buffer [0xfffffffffffffffc, +16) is not in guest RAM");

	put_request(0x1000, UINT64_MAX, 1);
	assert_int_equal(debug_write(0x1000, err, &n, out, sizeof out), HC_BAD_REQUEST);
	assert_contains(err, "buffer [0xffffffffffffffff, +1) is not in guest RAM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_bad_access),
		cmocka_unit_test(test_other_ports),
		cmocka_unit_test(test_debug_write),
		cmocka_unit_test(test_trace_write),
		cmocka_unit_test(test_debug_write_max),
		cmocka_unit_test(test_debug_write_zero_len),
		cmocka_unit_test(test_debug_write_request_outside),
		cmocka_unit_test(test_debug_write_buffer_outside),
		cmocka_unit_test(test_debug_write_buffer_wraps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
