/* crash_report.c and guest_symbols.c: the crash hypercall's report, from a
 * guest that controls every field of it. The statuses and descriptions
 * come from one table; the symbols from an ELF file in memory (this test's
 * own executable, which has a symbol table and DWARF); the backtrace reads
 * only guest memory, through the checked accessor, and ends. */
#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libelf.h>
#include <kvmrun/hypercall.h>

#include "../../monitor/crash_report.h"
#include "../../monitor/hypercall_table.h"

#define ERRLEN 256

static struct guest_mem mem;
static char *self;
static size_t self_size;

/* This executable's bytes: what kvmrun keeps of the app it loaded. */
static int setup(void **state)
{
	char err[ERRLEN];
	struct stat st;
	int fd = open("/proc/self/exe", O_RDONLY);

	(void)state;
	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	self_size = (size_t)st.st_size;
	self = malloc(self_size);
	if (!self || read(fd, self, self_size) != (ssize_t)self_size)
		return -1;
	close(fd);
	elf_version(EV_CURRENT);
	return guest_mem_alloc(&mem, 64 * MIB, err, sizeof err);
}

static int teardown(void **state)
{
	(void)state;
	guest_mem_free(&mem);
	free(self);
	return 0;
}

/* stderr captured into a memfd while fn runs. */
static void capture_stderr(void (*fn)(void *), void *arg, char *out, size_t cap)
{
	int fd = memfd_create("kvmrun-test-stderr", MFD_CLOEXEC);
	int saved = dup(STDERR_FILENO);

	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	fn(arg);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	ssize_t n = pread(fd, out, cap - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* A report of vector at RIP 0x100000. */
static struct kvmrun_crash crash_with(uint32_t vector, uint32_t error_code, uint64_t cr2)
{
	return (struct kvmrun_crash){ .vector = vector, .error_code = error_code, .cr2 = cr2,
				      .regs[KVMRUN_CRASH_RIP] = 0x100000 };
}

static void test_status_per_exception(void **state)
{
	static const struct { uint32_t vector; int signal; } table[] = {
		{ 0, SIGFPE }, { 1, SIGTRAP }, { 3, SIGTRAP }, { 6, SIGILL }, { 8, SIGSEGV },
		{ 11, SIGBUS }, { 12, SIGBUS }, { 13, SIGSEGV }, { 14, SIGSEGV }, { 16, SIGFPE },
		{ 17, SIGBUS }, { 19, SIGFPE }, { 15, SIGSEGV }, { 31, SIGSEGV }, { 32, SIGSEGV },
		{ 255, SIGSEGV }, { UINT32_MAX, SIGSEGV },
	};

	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		struct kvmrun_crash c = crash_with(table[i].vector, 0, 0);
		if (crash_status(&c) != 128 + table[i].signal)
			fail_msg("vector %u: status %d, expected %d", table[i].vector,
				 crash_status(&c), 128 + table[i].signal);
	}
	struct kvmrun_crash overflow = crash_with(14, 2, 0x1000);
	overflow.flags = KVMRUN_CRASH_STACK_OVERFLOW;
	assert_int_equal(crash_status(&overflow), 139);
}

static void describes(struct kvmrun_crash c, const char *want)
{
	char buf[160];
	crash_describe(&c, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_descriptions(void **state)
{
	(void)state;
	describes(crash_with(14, 0, 0), "page fault reading 0x0");
	describes(crash_with(14, 2, 0x10), "page fault writing 0x10");
	describes(crash_with(14, 3, 0x1000), "page fault writing 0x1000 (protection)");
	describes(crash_with(14, 0x10, 0x400000), "page fault executing 0x400000");
	/* No I/D bit (NX off), but the fault is at RIP itself: a fetch. */
	struct kvmrun_crash at_rip = crash_with(14, 0, 0xdead000);
	at_rip.regs[KVMRUN_CRASH_RIP] = 0xdead000;
	describes(at_rip, "page fault executing 0xdead000");
	struct kvmrun_crash overflow = crash_with(14, 2, 0x3ff0ff8);
	overflow.flags = KVMRUN_CRASH_STACK_OVERFLOW;
	describes(overflow, "stack overflow (page fault writing 0x3ff0ff8, the guard page below the stack)");
	describes(crash_with(13, 0, 0), "general protection fault");
	describes(crash_with(13, 0x1230, 0), "general protection fault (error code 0x1230)");
	describes(crash_with(0, 0xffff, 0), "divide error"); /* no error code for #DE */
	describes(crash_with(6, 0, 0), "invalid opcode (ud2, or an instruction this CPU lacks)");
	describes(crash_with(15, 0, 0), "reserved exception");
	describes(crash_with(200, 0, 0), "reserved exception (vector 200)");
}

static struct guest_symbols self_symbols(void)
{
	extern char __executable_start[];
	struct guest_symbols gs = { .bits = 64, .count = 1, .mem = &mem };

	/* A PIE's first segment is at 0: the bias is where it was put. */
	gs.image[0] = (struct guest_image){
		.name = "test_crash_report", .bytes = self, .size = self_size,
		.load_bias = (uint64_t)(uintptr_t)__executable_start,
	};
	return gs;
}

static void test_names_with_symbols_and_lines(void **state)
{
	struct guest_symbols gs = self_symbols();
	char buf[256];

	(void)state;
	guest_symbols_name(&gs, (uint64_t)(uintptr_t)test_descriptions + 8, buf, sizeof buf);
	assert_contains(buf, "test_descriptions+0x8 (test_crash_report.c:");
	/* Outside every image: the address alone. */
	guest_symbols_name(&gs, 0x10, buf, sizeof buf);
	assert_string_equal(buf, "0x10");
	/* A short buffer is cut, never overrun. */
	char small[8];
	guest_symbols_name(&gs, (uint64_t)(uintptr_t)test_descriptions, small, sizeof small);
	assert_int_equal(strlen(small), sizeof small - 1);
}

struct report_call {
	const struct guest_symbols *gs;
	struct kvmrun_crash crash;
};

static void print_report(void *arg)
{
	const struct report_call *rc = arg;
	crash_report_print(rc->gs, &rc->crash);
}

static unsigned count(const char *s, const char *needle)
{
	unsigned n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Registers and a stack that lead the unwinder nowhere: past the end of
 * RAM, into a loop of frame pointers, around the address space. It stops,
 * with a bounded number of frames, and names what it can. */
static void test_hostile_stacks(void **state)
{
	struct guest_symbols gs = self_symbols();
	char out[8192];
	static const uint64_t stacks[] = { 64 * MIB - 4, 64 * MIB, UINT64_MAX - 7, 0, 0x200000 };

	(void)state;
	/* A frame-pointer loop at 0x200000: saved RBP points at itself and
	 * the "return address" into this test's code. */
	uint64_t *frame = guest_mem_ptr(&mem, 0x200000, 16);
	frame[0] = 0x200000;
	frame[1] = (uint64_t)(uintptr_t)test_descriptions + 4;
	for (size_t i = 0; i < sizeof stacks / sizeof stacks[0]; i++) {
		struct report_call rc = { .gs = &gs, .crash = crash_with(14, 0, 0) };
		rc.crash.regs[KVMRUN_CRASH_RIP] = (uint64_t)(uintptr_t)test_descriptions + 4;
		rc.crash.regs[KVMRUN_CRASH_RSP] = stacks[i];
		rc.crash.regs[KVMRUN_CRASH_RBP] = 0x200000;
		capture_stderr(print_report, &rc, out, sizeof out);
		assert_contains(out, "kvmrun: guest crashed: page fault reading 0x0 in test_descriptions+0x4");
		assert_true(count(out, "kvmrun:   #") >= 1);
		assert_true(count(out, "kvmrun:   #") <= GUEST_SYMBOLS_MAX_FRAMES);
		assert_contains(out, "kvmrun:   rip=0x");
	}
}

static void test_no_symbols(void **state)
{
	struct guest_symbols none = { .bits = 32, .count = 0, .mem = &mem };
	struct report_call rc = { .gs = &none, .crash = crash_with(6, 0, 0) };
	char out[4096];

	(void)state;
	rc.crash.regs[KVMRUN_CRASH_RIP] = 0x100123;
	capture_stderr(print_report, &rc, out, sizeof out);
	assert_contains(out, "kvmrun: guest crashed: invalid opcode (ud2, or an instruction this CPU "
			     "lacks) in 0x100123\n");
	rc.crash.flags = KVMRUN_CRASH_REGISTERS_LOST;
	capture_stderr(print_report, &rc, out, sizeof out);
	assert_string_equal(out, "kvmrun: guest crashed: invalid opcode (ud2, or an instruction this "
				 "CPU lacks) (the CPU kept no registers: no place or backtrace)\n");
}

struct hypercall_call {
	uint32_t gpa;
	enum hypercall_result result;
	int status;
	char err[ERRLEN];
};

static void crash_hypercall(void *arg)
{
	struct hypercall_call *hc = arg;
	struct guest_symbols none = { .bits = 64, .count = 0, .mem = &mem };
	const struct hypercall_ctx ctx = { .mem = &mem, .status = &hc->status, .symbols = &none };
	uint8_t data[4];

	memcpy(data, &hc->gpa, 4);
	const struct io_access io = { .port = KVMRUN_PORT_CRASH, .direction = KVM_EXIT_IO_OUT,
				      .size = 4, .count = 1, .data = data };
	hc->result = hypercall_handle(&ctx, &io, hc->err, sizeof hc->err);
}

static void test_crash_hypercall(void **state)
{
	struct hypercall_call hc = { .gpa = 0x300000, .status = -1 };
	struct kvmrun_crash c = crash_with(0, 0, 0);
	char out[4096];

	(void)state;
	memcpy(guest_mem_ptr(&mem, 0x300000, sizeof c), &c, sizeof c);
	capture_stderr(crash_hypercall, &hc, out, sizeof out);
	assert_int_equal(hc.result, HC_EXIT);
	assert_int_equal(hc.status, 136);
	assert_contains(out, "kvmrun: guest crashed: divide error in 0x100000\n");

	/* The report must lie wholly in RAM: at its end, across it, beyond. */
	const uint32_t outside[] = { 64 * MIB, 64 * MIB - sizeof c + 1, 0xfffffff0 };
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		hc = (struct hypercall_call){ .gpa = outside[i], .status = -1 };
		capture_stderr(crash_hypercall, &hc, out, sizeof out);
		assert_int_equal(hc.result, HC_BAD_REQUEST);
		assert_int_equal(hc.status, -1);
		assert_contains(hc.err, "crash report at 0x");
		assert_contains(hc.err, " is not in guest RAM");
		assert_string_equal(out, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_per_exception),
		cmocka_unit_test(test_descriptions),
		cmocka_unit_test(test_names_with_symbols_and_lines),
		cmocka_unit_test(test_hostile_stacks),
		cmocka_unit_test(test_no_symbols),
		cmocka_unit_test(test_crash_hypercall),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
