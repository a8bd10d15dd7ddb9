/* start_info: the ABI layout and start_info_write(). */
#include "unit.h"

#include <elf.h>
#include <stdlib.h>

#include <kvmrun/hypercall.h>
#include <kvmrun/start_info.h>

#include "../../monitor/cpu_mode.h"
#include "../../monitor/start_info_build.h"

#define ERRLEN 512
#define PAGE 4096ull
#define RO KVMRUN_MEM_F_READ_ONLY
#define EX KVMRUN_MEM_F_EXEC

/* Room for the argv strings after the structure. */
#define ARGS_CAP (KVMRUN_START_INFO_SIZE - sizeof(struct kvmrun_start_info))

static void test_abi_layout(void **state)
{
	(void)state;
	assert_int_equal(KVMRUN_START_INFO_MAGIC, 0x524d564b);
	assert_memory_equal(&(uint32_t){ KVMRUN_START_INFO_MAGIC }, "KVMR", 4);
	assert_int_equal(KVMRUN_ABI_VERSION, 4);

	assert_int_equal(offsetof(struct kvmrun_start_info, magic), 0);
	assert_int_equal(offsetof(struct kvmrun_start_info, abi_version), 4);
	assert_int_equal(offsetof(struct kvmrun_start_info, mem_size), 8);
	assert_int_equal(offsetof(struct kvmrun_start_info, ioapic_base), 16);
	assert_int_equal(offsetof(struct kvmrun_start_info, mem_count), 24);
	assert_int_equal(offsetof(struct kvmrun_start_info, dev_count), 28);
	assert_int_equal(offsetof(struct kvmrun_start_info, argc), 32);
	assert_int_equal(offsetof(struct kvmrun_start_info, args_size), 36);
	assert_int_equal(offsetof(struct kvmrun_start_info, args_addr), 40);
	assert_int_equal(offsetof(struct kvmrun_start_info, envc), 48);
	assert_int_equal(offsetof(struct kvmrun_start_info, tsc_khz), 52);
	assert_int_equal(offsetof(struct kvmrun_start_info, clock_tsc), 56);
	assert_int_equal(offsetof(struct kvmrun_start_info, clock_realtime_ns), 64);
	assert_int_equal(offsetof(struct kvmrun_start_info, random), 72);
	assert_int_equal(offsetof(struct kvmrun_start_info, tty), 88);
	assert_int_equal(offsetof(struct kvmrun_start_info, trace), 92);
	assert_int_equal(offsetof(struct kvmrun_start_info, program), 96);
	assert_int_equal(offsetof(struct kvmrun_start_info, program.entry), 96);
	assert_int_equal(offsetof(struct kvmrun_start_info, program.phdr), 104);
	assert_int_equal(offsetof(struct kvmrun_start_info, program.brk), 112);
	assert_int_equal(offsetof(struct kvmrun_start_info, program.phnum), 120);
	assert_int_equal(offsetof(struct kvmrun_start_info, program.phent), 124);
	assert_int_equal(offsetof(struct kvmrun_start_info, entropy), 128);
	assert_int_equal(offsetof(struct kvmrun_start_info, mem), 192);
	assert_int_equal(offsetof(struct kvmrun_start_info, dev), 192 + 24 * 64);
	assert_int_equal(offsetof(struct kvmrun_start_info, dev), 1728);
	assert_int_equal(sizeof(struct kvmrun_start_info), 1856);
	assert_true(sizeof(struct kvmrun_start_info) < KVMRUN_START_INFO_SIZE);

	assert_int_equal(sizeof(struct kvmrun_mem_entry), 24);
	assert_int_equal(offsetof(struct kvmrun_mem_entry, base), 0);
	assert_int_equal(offsetof(struct kvmrun_mem_entry, size), 8);
	assert_int_equal(offsetof(struct kvmrun_mem_entry, flags), 16);
	assert_int_equal(offsetof(struct kvmrun_mem_entry, use), 20);

	assert_int_equal(sizeof(struct kvmrun_dev_entry), 16);
	assert_int_equal(offsetof(struct kvmrun_dev_entry, base), 0);
	assert_int_equal(offsetof(struct kvmrun_dev_entry, size), 8);
	assert_int_equal(offsetof(struct kvmrun_dev_entry, irq), 12);

	assert_int_equal(sizeof(struct kvmrun_debug_write), 16);
	assert_int_equal(offsetof(struct kvmrun_debug_write, data), 0);
	assert_int_equal(offsetof(struct kvmrun_debug_write, len), 8);
	assert_int_equal(offsetof(struct kvmrun_debug_write, reserved), 12);
	assert_int_equal(KVMRUN_DEBUG_WRITE_MAX, 1048576);
	assert_int_equal(KVMRUN_PORT_EXIT, 0x500);
	assert_int_equal(KVMRUN_PORT_DEBUG_WRITE, 0x501);
	assert_int_equal(KVMRUN_PORT_WAIT, 0x502);

	assert_int_equal(KVMRUN_MAX_MEM_ENTRIES, 64);
	assert_int_equal(KVMRUN_MAX_DEV_ENTRIES, 8);
	assert_int_equal(KVMRUN_MAX_ARGS, 256);
	assert_int_equal(KVMRUN_MEM_FREE, 1);
	assert_int_equal(KVMRUN_MEM_KERNEL, 2);
	assert_int_equal(KVMRUN_MEM_START_INFO, 3);
	assert_int_equal(KVMRUN_MEM_PAGE_TABLES, 4);
	assert_int_equal(KVMRUN_MEM_GDT, 5);
	assert_int_equal(KVMRUN_MEM_STACK, 6);
	assert_int_equal(KVMRUN_MEM_RESERVED, 7);
	assert_int_equal(KVMRUN_MEM_PROGRAM, 8);
	assert_int_equal(KVMRUN_MEM_F_READ_ONLY, 1);
	assert_int_equal(KVMRUN_MEM_F_EXEC, 2);
}

static void test_boot_area_layout(void **state)
{
	(void)state;
	assert_int_equal(KVMRUN_GDT_ADDR, 0x1000);
	assert_int_equal(KVMRUN_START_INFO_ADDR, 0x2000);
	assert_int_equal(KVMRUN_START_INFO_SIZE, 0x4000);
	assert_int_equal(KVMRUN_PAGE_TABLES_ADDR, 0x10000);
	assert_int_equal(KVMRUN_STACK_BASE, 0x80000);
	assert_int_equal(KVMRUN_STACK_TOP, 0x100000);
	assert_int_equal(KVMRUN_BOOT_AREA_END, 0x100000);
	/* The pieces do not overlap one another. */
	assert_true(KVMRUN_GDT_ADDR + GDT_ENTRIES * 8 <= KVMRUN_START_INFO_ADDR);
	assert_true(KVMRUN_START_INFO_ADDR + KVMRUN_START_INFO_SIZE <= KVMRUN_PAGE_TABLES_ADDR);
	/* Device windows and their interrupts. */
	assert_int_equal(KVMRUN_VIRTIO_MMIO_BASE, 0xd0000000);
	assert_int_equal(KVMRUN_VIRTIO_MMIO_STRIDE, 0x1000);
	assert_int_equal(KVMRUN_VIRTIO_IRQ_BASE, 5);
	/* All windows lie in the MMIO hole, below the IOAPIC. */
	assert_true(KVMRUN_VIRTIO_MMIO_BASE >= KVMRUN_MMIO_HOLE_START);
	assert_true(KVMRUN_VIRTIO_MMIO_BASE + KVMRUN_MAX_DEV_ENTRIES * KVMRUN_VIRTIO_MMIO_STRIDE <=
		    KVMRUN_IOAPIC_BASE);
	assert_true(KVMRUN_VIRTIO_IRQ_BASE + KVMRUN_MAX_DEV_ENTRIES <= 24); /* IOAPIC pins */
	/* Page tables for the largest guest end below the stack. */
	struct guest_mem big;
	guest_mem_layout(&big, 64 * GIB);
	assert_true(KVMRUN_PAGE_TABLES_ADDR + page_tables_size(&big) <= KVMRUN_STACK_BASE);
}

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

/* text and rodata share a page; data and bss; a separate RWX page. */
static struct elf_app app64(void)
{
	struct elf_app app = { .bits = 64, .entry = 0x100000, .nseg = 4 };

	app.seg[0] = (struct elf_segment){ 0x100000, 0x1234, 0x1234, 0x1000, PF_R | PF_X };
	app.seg[1] = (struct elf_segment){ 0x101300, 0x100, 0x100, 0x2300, PF_R };
	app.seg[2] = (struct elf_segment){ 0x200000, 0x1800, 0x40, 0x3000, PF_R | PF_W };
	app.seg[3] = (struct elf_segment){ 0x300010, 0x10, 0x10, 0x4000, PF_R | PF_W | PF_X };
	return app;
}

static const struct kvmrun_start_info *si(void)
{
	return guest_mem_ptr(&mem, KVMRUN_START_INFO_ADDR, KVMRUN_START_INFO_SIZE);
}

static void expect(const struct kvmrun_mem_entry *e, uint64_t base, uint64_t size,
		   uint32_t flags, uint32_t use)
{
	if (e->base != base || e->size != size || e->flags != flags || e->use != use)
		fail_msg("entry {0x%llx, 0x%llx, flags %u, use %u}, expected {0x%llx, 0x%llx, flags %u, use %u}",
			 (unsigned long long)e->base, (unsigned long long)e->size, e->flags, e->use,
			 (unsigned long long)base, (unsigned long long)size, flags, use);
}

static void check_covers_ram(const struct kvmrun_start_info *s)
{
	uint64_t pos = 0, total = 0;

	assert_true(s->mem_count > 0 && s->mem_count <= KVMRUN_MAX_MEM_ENTRIES);
	for (unsigned i = 0; i < s->mem_count; i++) {
		if (s->mem[i].base != pos)
			fail_msg("entry %u at 0x%llx, expected 0x%llx", i,
				 (unsigned long long)s->mem[i].base, (unsigned long long)pos);
		assert_true(s->mem[i].size > 0);
		pos += s->mem[i].size;
		total += s->mem[i].size;
	}
	assert_int_equal(pos, 64 * MIB);
	assert_int_equal(total, s->mem_size);
	/* Unused entries stay zero. */
	for (unsigned i = s->mem_count; i < KVMRUN_MAX_MEM_ENTRIES; i++)
		expect(&s->mem[i], 0, 0, 0, 0);
}

static void check_args(const struct kvmrun_start_info *s, int argc, char *const argv[])
{
	size_t expect_size = 0;

	assert_int_equal(s->argc, (uint32_t)argc);
	assert_int_equal(s->args_addr, KVMRUN_START_INFO_ADDR + sizeof(struct kvmrun_start_info));
	for (int i = 0; i < argc; i++)
		expect_size += strlen(argv[i]) + 1;
	assert_int_equal(s->args_size, expect_size);
	const char *blob = guest_mem_ptr(&mem, s->args_addr, s->args_size);
	assert_non_null(blob);
	/* The blob lies inside the start_info area. */
	assert_true(s->args_addr + s->args_size <= KVMRUN_START_INFO_ADDR + KVMRUN_START_INFO_SIZE);
	const char *p = blob;
	for (int i = 0; i < argc; i++) {
		assert_string_equal(p, argv[i]);
		p += strlen(argv[i]) + 1;
	}
	assert_ptr_equal(p, blob + s->args_size);
}

static void test_write_64(void **state)
{
	struct elf_app app = app64();
	char *argv[] = { "build/apps/hello64.elf", "one", "", "two words", "--mem=1" };
	char err[ERRLEN] = "";
	uint64_t pt = 6 * PAGE;

	(void)state;
	/* Stale bytes in the area must not survive. */
	memset(guest_mem_ptr(&mem, KVMRUN_START_INFO_ADDR, KVMRUN_START_INFO_SIZE), 0xee,
	       KVMRUN_START_INFO_SIZE);
	if (start_info_write(&mem, &app, NULL, pt, 5, argv, err, sizeof err) != 0)
		fail_msg("start_info_write: %s", err);
	const struct kvmrun_start_info *s = si();
	assert_int_equal(s->magic, KVMRUN_START_INFO_MAGIC);
	assert_int_equal(s->abi_version, KVMRUN_ABI_VERSION);
	assert_int_equal(s->mem_size, 64 * MIB);
	assert_int_equal(s->ioapic_base, 0xfec00000);
	assert_int_equal(s->dev_count, 0);
	check_covers_ram(s);

	const struct kvmrun_mem_entry *e = s->mem;
	assert_int_equal(s->mem_count, 13);
	expect(&e[0], 0, 0x1000, 0, KVMRUN_MEM_RESERVED);
	expect(&e[1], 0x1000, 0x1000, RO, KVMRUN_MEM_GDT);
	expect(&e[2], 0x2000, 0x4000, RO, KVMRUN_MEM_START_INFO);
	expect(&e[3], 0x6000, 0xa000, 0, KVMRUN_MEM_FREE);
	expect(&e[4], 0x10000, 0x6000, 0, KVMRUN_MEM_PAGE_TABLES);
	expect(&e[5], 0x16000, 0x80000 - 0x16000, 0, KVMRUN_MEM_FREE);
	expect(&e[6], 0x80000, 0x80000, 0, KVMRUN_MEM_STACK);
	/* text (R X) and rodata (R) share page 0x101000: read-only, exec. */
	expect(&e[7], 0x100000, 0x2000, RO | EX, KVMRUN_MEM_KERNEL);
	expect(&e[8], 0x102000, 0xfe000, 0, KVMRUN_MEM_FREE);
	/* data + bss (R W): writable; 0x1800 rounds up to two pages. */
	expect(&e[9], 0x200000, 0x2000, 0, KVMRUN_MEM_KERNEL);
	expect(&e[10], 0x202000, 0xfe000, 0, KVMRUN_MEM_FREE);
	/* R W X, not page-aligned: the page around it. */
	expect(&e[11], 0x300000, 0x1000, EX, KVMRUN_MEM_KERNEL);
	expect(&e[12], 0x301000, 64 * MIB - 0x301000, 0, KVMRUN_MEM_FREE);

	check_args(s, 5, argv);
	for (unsigned i = 0; i < KVMRUN_MAX_DEV_ENTRIES; i++) {
		assert_int_equal(s->dev[i].base, 0);
		assert_int_equal(s->dev[i].size, 0);
		assert_int_equal(s->dev[i].irq, 0);
	}
	/* Past the blob, the area is zero. */
	const uint8_t *area = guest_mem_ptr(&mem, KVMRUN_START_INFO_ADDR, KVMRUN_START_INFO_SIZE);
	for (uint64_t off = sizeof *s + s->args_size; off < KVMRUN_START_INFO_SIZE; off++)
		if (area[off])
			fail_msg("start_info area byte 0x%llx is 0x%02x", (unsigned long long)off, area[off]);
}

static void test_write_32_no_page_tables(void **state)
{
	struct elf_app app = { .bits = 32, .entry = 0x100000, .nseg = 1 };
	char *argv[] = { "hello32.elf" };
	char err[ERRLEN] = "";

	(void)state;
	app.seg[0] = (struct elf_segment){ 0x100000, 0x3000, 0x2000, 0x1000, PF_R | PF_W | PF_X };
	if (start_info_write(&mem, &app, NULL, 0, 1, argv, err, sizeof err) != 0)
		fail_msg("start_info_write: %s", err);
	const struct kvmrun_start_info *s = si();
	check_covers_ram(s);
	assert_int_equal(s->mem_count, 7);
	const struct kvmrun_mem_entry *e = s->mem;
	expect(&e[0], 0, 0x1000, 0, KVMRUN_MEM_RESERVED);
	expect(&e[1], 0x1000, 0x1000, RO, KVMRUN_MEM_GDT);
	expect(&e[2], 0x2000, 0x4000, RO, KVMRUN_MEM_START_INFO);
	expect(&e[3], 0x6000, 0x80000 - 0x6000, 0, KVMRUN_MEM_FREE);
	expect(&e[4], 0x80000, 0x80000, 0, KVMRUN_MEM_STACK);
	expect(&e[5], 0x100000, 0x3000, EX, KVMRUN_MEM_KERNEL);
	expect(&e[6], 0x103000, 64 * MIB - 0x103000, 0, KVMRUN_MEM_FREE);
	for (unsigned i = 0; i < s->mem_count; i++)
		assert_int_not_equal(s->mem[i].use, KVMRUN_MEM_PAGE_TABLES);
	check_args(s, 1, argv);
}

/* RAM on both sides of the hole: the map covers both ranges, not the hole. */
static void test_write_5g(void **state)
{
	struct guest_mem m;
	struct elf_app app = app64();
	char *argv[] = { "app" };
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(guest_mem_alloc(&m, 5 * GIB, err, sizeof err), 0);
	app.seg[3] = (struct elf_segment){ 4 * GIB + 0x1000, 0x10, 0x10, 0x4000, PF_R | PF_W };
	if (start_info_write(&m, &app, NULL, 8 * PAGE, 1, argv, err, sizeof err) != 0)
		fail_msg("start_info_write: %s", err);
	const struct kvmrun_start_info *s = guest_mem_ptr(&m, KVMRUN_START_INFO_ADDR,
							  KVMRUN_START_INFO_SIZE);
	assert_int_equal(s->mem_size, 5 * GIB);
	assert_int_equal(s->mem_count, 14);
	const struct kvmrun_mem_entry *e = s->mem;
	expect(&e[3], 0x6000, 0xa000, 0, KVMRUN_MEM_FREE);
	expect(&e[4], 0x10000, 0x8000, 0, KVMRUN_MEM_PAGE_TABLES);
	expect(&e[5], 0x18000, 0x80000 - 0x18000, 0, KVMRUN_MEM_FREE);
	expect(&e[6], 0x80000, 0x80000, 0, KVMRUN_MEM_STACK);
	expect(&e[7], 0x100000, 0x2000, RO | EX, KVMRUN_MEM_KERNEL);
	expect(&e[9], 0x200000, 0x2000, 0, KVMRUN_MEM_KERNEL);
	expect(&e[10], 0x202000, 3 * GIB - 0x202000, 0, KVMRUN_MEM_FREE);
	expect(&e[11], 4 * GIB, 0x1000, 0, KVMRUN_MEM_FREE);
	expect(&e[12], 4 * GIB + 0x1000, 0x1000, 0, KVMRUN_MEM_KERNEL);
	expect(&e[13], 4 * GIB + 0x2000, 2 * GIB - 0x2000, 0, KVMRUN_MEM_FREE);
	uint64_t total = 0;
	for (unsigned i = 0; i < s->mem_count; i++) {
		total += e[i].size;
		if (i > 0 && e[i].base < KVMRUN_MMIO_HOLE_START)
			assert_int_equal(e[i].base, e[i - 1].base + e[i - 1].size);
		/* Nothing in the hole. */
		assert_false(e[i].base < KVMRUN_HIGH_RAM_START &&
			     e[i].base + e[i].size > KVMRUN_MMIO_HOLE_START);
	}
	assert_int_equal(total, 5 * GIB);
	guest_mem_free(&m);
}

static void test_write_no_args(void **state)
{
	struct elf_app app = app64();
	char *argv[] = { NULL };
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(start_info_write(&mem, &app, NULL, 6 * PAGE, 0, argv, err, sizeof err), 0);
	assert_int_equal(si()->argc, 0);
	assert_int_equal(si()->args_size, 0);
}

static void test_max_args(void **state)
{
	struct elf_app app = app64();
	char *argv[KVMRUN_MAX_ARGS + 1];
	char err[ERRLEN] = "";

	(void)state;
	for (unsigned i = 0; i <= KVMRUN_MAX_ARGS; i++)
		argv[i] = "x";
	if (start_info_write(&mem, &app, NULL, 6 * PAGE, KVMRUN_MAX_ARGS, argv, err, sizeof err) != 0)
		fail_msg("256 arguments: %s", err);
	check_args(si(), KVMRUN_MAX_ARGS, argv);

	assert_int_equal(start_info_write(&mem, &app, NULL, 6 * PAGE, KVMRUN_MAX_ARGS + 1, argv, err,
					  sizeof err), -1);
	assert_contains(err, "too many arguments for the app: 257 (at most 256)");

	assert_int_equal(start_info_write(&mem, &app, NULL, 6 * PAGE, -1, argv, err, sizeof err), -1);
	assert_contains(err, "too many arguments");
}

/* The environment follows argv in the args blob; argv and environment
 * share its room. */
static void test_env(void **state)
{
	struct elf_app app = app64();
	char *argv[] = { "app.elf", "x" };
	const char *env[] = { "HOME=/", "EMPTY=", "LANG=C.UTF-8" };
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(start_info_write(&mem, &app, NULL, 6 * PAGE, 2, argv, err, sizeof err), 0);
	assert_int_equal(si()->envc, 0);
	assert_int_equal(start_info_add_env(&mem, 3, env, err, sizeof err), 0);
	const struct kvmrun_start_info *s = si();
	assert_int_equal(s->argc, 2);
	assert_int_equal(s->envc, 3);
	assert_int_equal(s->trace, 0);
	static const char blob[] = "app.elf\0x\0HOME=/\0EMPTY=\0LANG=C.UTF-8";
	assert_int_equal(s->args_size, sizeof blob);
	assert_memory_equal(guest_mem_ptr(&mem, s->args_addr, sizeof blob), blob, sizeof blob);

	/* Too many, and too long together with argv. */
	assert_int_equal(start_info_add_env(&mem, KVMRUN_MAX_ENV + 1, env, err, sizeof err), -1);
	assert_string_equal(err, "too many environment variables for the app: 257 (at most 256)");
	char *big = malloc(ARGS_CAP);
	assert_non_null(big);
	memset(big, 'v', ARGS_CAP - 1);
	big[ARGS_CAP - 1] = '\0';
	assert_int_equal(start_info_write(&mem, &app, NULL, 6 * PAGE, 2, argv, err, sizeof err), 0);
	const char *one[] = { big };
	assert_int_equal(start_info_add_env(&mem, 1, one, err, sizeof err), -1);
	assert_contains(err, "the app's arguments and environment are too long");
	/* Room for it once argv is shorter by what it needs. */
	big[ARGS_CAP - 1 - sizeof "app.elf" - sizeof "x"] = '\0';
	assert_int_equal(start_info_add_env(&mem, 1, one, err, sizeof err), 0);
	assert_int_equal(si()->args_size, ARGS_CAP);
	free(big);
}

/* The host's clock, random bytes and ttys land in their fields, and stay
 * there when the environment and the devices are added after them. */
static void test_host(void **state)
{
	struct elf_app app = app64();
	char *argv[] = { "app.elf" };
	const char *env[] = { "A=1" };
	char err[ERRLEN] = "";
	struct start_info_host h = {
		.tsc_khz = 2999999,
		.clock_tsc = 0x123456789abcull,
		.clock_realtime_ns = 1764720000123456789ull,
		.random = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
		.entropy = { [0] = 0xa5, [63] = 0x5a },
		.tty = KVMRUN_TTY_STDIN | KVMRUN_TTY_STDERR,
	};

	(void)state;
	assert_int_equal(start_info_write(&mem, &app, NULL, 6 * PAGE, 1, argv, err, sizeof err), 0);
	const struct kvmrun_start_info *s = si();
	assert_int_equal(s->tsc_khz, 0);
	assert_int_equal(s->clock_tsc, 0);
	start_info_add_host(&mem, &h);
	assert_int_equal(start_info_add_env(&mem, 1, env, err, sizeof err), 0);
	assert_int_equal(s->tsc_khz, 2999999);
	assert_int_equal(s->clock_tsc, 0x123456789abcull);
	assert_int_equal(s->clock_realtime_ns, 1764720000123456789ull);
	assert_memory_equal(s->random, h.random, 16);
	assert_memory_equal(s->entropy, h.entropy, 64);
	assert_int_equal(s->tty, 0x5);
	assert_int_equal(s->trace, 0);
	assert_int_equal(s->envc, 1);
}

static void test_args_too_long(void **state)
{
	struct elf_app app = app64();
	char err[ERRLEN] = "";
	char want[128];

	(void)state;
	snprintf(want, sizeof want, "the app's arguments are too long: start_info holds at most %zu bytes",
		 ARGS_CAP);

	/* Exactly full: one string and its NUL fill the room. */
	char *full = malloc(ARGS_CAP);
	assert_non_null(full);
	memset(full, 'a', ARGS_CAP - 1);
	full[ARGS_CAP - 1] = '\0';
	char *one[] = { full };
	if (start_info_write(&mem, &app, NULL, 6 * PAGE, 1, one, err, sizeof err) != 0)
		fail_msg("an argument of %zu bytes: %s", ARGS_CAP - 1, err);
	check_args(si(), 1, one);

	/* One byte more. */
	char *over = malloc(ARGS_CAP + 1);
	assert_non_null(over);
	memset(over, 'b', ARGS_CAP);
	over[ARGS_CAP] = '\0';
	char *two[] = { over };
	assert_int_equal(start_info_write(&mem, &app, NULL, 6 * PAGE, 1, two, err, sizeof err), -1);
	assert_contains(err, want);

	/* Many short ones that add up. */
	char *many[KVMRUN_MAX_ARGS];
	char *piece = malloc(100);
	assert_non_null(piece);
	memset(piece, 'c', 99);
	piece[99] = '\0';
	for (unsigned i = 0; i < KVMRUN_MAX_ARGS; i++)
		many[i] = piece;
	assert_int_equal(start_info_write(&mem, &app, NULL, 6 * PAGE, KVMRUN_MAX_ARGS, many, err,
					  sizeof err), -1);
	assert_contains(err, want);
	free(full);
	free(over);
	free(piece);
}

static void test_ram_too_small(void **state)
{
	struct guest_mem tiny;
	struct elf_app app = app64();
	char *argv[] = { "a" };
	char err[ERRLEN] = "";
	static uint8_t ram[0x4000];

	(void)state;
	/* 16 KiB of RAM: start_info's area does not fit. */
	guest_mem_layout(&tiny, sizeof ram);
	tiny.host = ram;
	app.nseg = 0;
	assert_int_equal(start_info_write(&tiny, &app, NULL, 0, 1, argv, err, sizeof err), -1);
	assert_contains(err, "guest RAM too small for start_info");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi_layout),
		cmocka_unit_test(test_boot_area_layout),
		cmocka_unit_test(test_write_64),
		cmocka_unit_test(test_write_32_no_page_tables),
		cmocka_unit_test(test_write_5g),
		cmocka_unit_test(test_write_no_args),
		cmocka_unit_test(test_max_args),
		cmocka_unit_test(test_args_too_long),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_ram_too_small),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
