/* core_dump.c: --dumpcore's ELF core file, read back with libelf: the
 * headers for each width, the notes Linux writes (NT_PRSTATUS with the
 * registers where gdb looks for them, NT_PRPSINFO), guest RAM as PT_LOAD
 * segments at guest addresses with the all-zero pages left out; and the
 * file made only as a new file in the directory given. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../monitor/core_dump.h"

#define ERRLEN 256
#define PAGE 4096u

static struct guest_mem mem;

static int setup(void **state)
{
	char err[ERRLEN];

	(void)state;
	elf_version(EV_CURRENT);
	return guest_mem_alloc(&mem, 64ull << 20, err, sizeof err);
}

static int teardown(void **state)
{
	(void)state;
	guest_mem_free(&mem);
	return 0;
}

static uint64_t regs[KVMRUN_CRASH_NREGS];

static void fill_regs(void)
{
	for (unsigned i = 0; i < KVMRUN_CRASH_NREGS; i++)
		regs[i] = 0x1111111100000000ull + i; /* each its own */
	regs[KVMRUN_CRASH_RIP] = 0x1001c0;
	regs[KVMRUN_CRASH_RSP] = 0xfffde18;
}

/* The core of the guest in mem, written to a memory file; returns it. */
static int core_of(unsigned bits)
{
	/* The 64-bit core as a static program's, with an auxiliary vector. */
	const struct core_state s = { .bits = bits, .signal = SIGSEGV, .regs = regs, .mem = &mem,
				      .app = "crash64.elf", .args = "crash64.elf null-read",
				      .program = { .entry = bits == 64 ? 0x7f0001230 : 0,
						   .phdr = 0x7f0000040, .phnum = 9, .phent = 56 } };
	char err[ERRLEN] = "";
	int fd = memfd_create("core", 0);

	assert_true(fd >= 0);
	assert_int_equal(core_dump_write(fd, &s, err, sizeof err), 0);
	return fd;
}

/* Pages 0x100000-0x102fff hold code, 0x120000 a lone page, the stack's
 * top page 0x3fff000: three runs; all else is zero. */
static void fill_memory(void)
{
	memset(mem.host, 0, 64ull << 20);
	for (unsigned i = 0; i < 3 * PAGE; i++)
		mem.host[0x100000 + i] = (uint8_t)(i * 7 + 1);
	mem.host[0x120000 + 5] = 0xab;
	mem.host[(64u << 20) - 1] = 0xcd;
}

struct note_seen {
	int prstatus, prpsinfo, auxv;
	uint64_t at_entry;
	const uint8_t *status_desc;
	size_t status_size;
	const uint8_t *psinfo_desc;
};

static void read_notes(Elf *e, GElf_Phdr *ph, const char *image, struct note_seen *seen)
{
	Elf_Data *data = elf_getdata_rawchunk(e, (int64_t)ph->p_offset, ph->p_filesz, ELF_T_NHDR);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	(void)image;
	assert_non_null(data);
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		assert_string_equal((const char *)data->d_buf + name_off, "CORE");
		if (nh.n_type == NT_PRSTATUS) {
			seen->prstatus++;
			seen->status_desc = (const uint8_t *)data->d_buf + desc_off;
			seen->status_size = nh.n_descsz;
		} else if (nh.n_type == NT_PRPSINFO) {
			seen->prpsinfo++;
			seen->psinfo_desc = (const uint8_t *)data->d_buf + desc_off;
		} else if (nh.n_type == NT_AUXV) {
			const uint8_t *av = (const uint8_t *)data->d_buf + desc_off;
			seen->auxv++;
			for (size_t i = 0; i + 1 < nh.n_descsz / 8; i += 2) {
				uint64_t pair[2];
				memcpy(pair, av + 8 * i, sizeof pair); /* notes align to 4 */
				if (pair[0] == AT_ENTRY)
					seen->at_entry = pair[1];
			}
		}
	}
}

static void check_core(unsigned bits)
{
	fill_memory();
	fill_regs();
	int fd = core_of(bits);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	char *image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_true(image != MAP_FAILED);
	Elf *e = elf_memory(image, (size_t)st.st_size);
	assert_non_null(e);

	GElf_Ehdr eh;
	assert_non_null(gelf_getehdr(e, &eh));
	assert_int_equal(gelf_getclass(e), bits == 64 ? ELFCLASS64 : ELFCLASS32);
	assert_int_equal(eh.e_type, ET_CORE);
	assert_int_equal(eh.e_machine, bits == 64 ? EM_X86_64 : EM_386);

	size_t phnum;
	assert_int_equal(elf_getphdrnum(e, &phnum), 0);
	assert_int_equal(phnum, 4); /* the notes and three runs */
	struct note_seen seen = { 0 };
	static const struct { uint64_t gpa, size; } want[] = {
		{ 0x100000, 3 * PAGE }, { 0x120000, PAGE }, { (64u << 20) - PAGE, PAGE },
	};
	unsigned loads = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		assert_non_null(gelf_getphdr(e, (int)i, &ph));
		if (ph.p_type == PT_NOTE) {
			read_notes(e, &ph, image, &seen);
			continue;
		}
		assert_int_equal(ph.p_type, PT_LOAD);
		assert_true(loads < 3);
		assert_int_equal(ph.p_vaddr, want[loads].gpa);
		assert_int_equal(ph.p_filesz, want[loads].size);
		assert_int_equal(ph.p_memsz, want[loads].size);
		assert_true(ph.p_offset + ph.p_filesz <= (uint64_t)st.st_size);
		assert_int_equal(ph.p_offset % PAGE, 0);
		assert_memory_equal(image + ph.p_offset, mem.host + ph.p_vaddr, ph.p_filesz);
		loads++;
	}
	assert_int_equal(loads, 3);
	assert_int_equal(seen.prstatus, 1);
	assert_int_equal(seen.prpsinfo, 1);
	assert_int_equal(seen.auxv, bits == 64); /* only for a static program */
	if (bits == 64)
		assert_int_equal(seen.at_entry, 0x7f0001230);

	/* The registers where gdb reads them: pr_reg's rip/eip and rsp/esp. */
	uint64_t rip = 0, rsp = 0, rbx = 0;
	if (bits == 64) {
		assert_int_equal(seen.status_size, 336);
		memcpy(&rip, seen.status_desc + 112 + 16 * 8, 8);
		memcpy(&rsp, seen.status_desc + 112 + 19 * 8, 8);
		memcpy(&rbx, seen.status_desc + 112 + 5 * 8, 8);
		assert_int_equal(rbx, regs[KVMRUN_CRASH_RBX]);
		assert_string_equal((const char *)seen.psinfo_desc + 40, "crash64.elf");
		assert_string_equal((const char *)seen.psinfo_desc + 56, "crash64.elf null-read");
	} else {
		assert_int_equal(seen.status_size, 144);
		memcpy(&rip, seen.status_desc + 72 + 12 * 4, 4);
		memcpy(&rsp, seen.status_desc + 72 + 15 * 4, 4);
		memcpy(&rbx, seen.status_desc + 72 + 0 * 4, 4);
		assert_int_equal(rbx, (uint32_t)regs[KVMRUN_CRASH_RBX]);
		assert_string_equal((const char *)seen.psinfo_desc + 28, "crash64.elf");
	}
	assert_int_equal(rip, 0x1001c0);
	assert_int_equal(rsp, 0xfffde18);
	uint16_t cursig;
	memcpy(&cursig, seen.status_desc + 12, 2);
	assert_int_equal(cursig, SIGSEGV);

	elf_end(e);
	munmap(image, (size_t)st.st_size);
	close(fd);
}

static void test_core_64(void **state)
{
	(void)state;
	check_core(64);
}

static void test_core_32(void **state)
{
	(void)state;
	check_core(32);
}

/* Short zero gaps stay inside one segment; a page-long stripe pattern
 * over the whole of RAM gives a bounded number of headers. */
static void test_segments_merged_and_bounded(void **state)
{
	(void)state;
	memset(mem.host, 0, 64ull << 20);
	mem.host[0x200000] = 1;
	mem.host[0x200000 + 4 * PAGE] = 1; /* 3 zero pages between: one segment */
	fill_regs();
	int fd = core_of(64);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	char *image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	Elf *e = elf_memory(image, (size_t)st.st_size);
	size_t phnum;
	assert_int_equal(elf_getphdrnum(e, &phnum), 0);
	assert_int_equal(phnum, 2);
	GElf_Phdr ph;
	assert_non_null(gelf_getphdr(e, 1, &ph));
	assert_int_equal(ph.p_vaddr, 0x200000);
	assert_int_equal(ph.p_filesz, 5 * PAGE);
	elf_end(e);
	munmap(image, (size_t)st.st_size);
	close(fd);

	/* Every 32nd page non-zero: far apart, more runs than headers. */
	for (uint64_t a = 0; a < (64ull << 20); a += 32 * PAGE)
		mem.host[a] = 1;
	fd = core_of(64);
	assert_int_equal(fstat(fd, &st), 0);
	image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	e = elf_memory(image, (size_t)st.st_size);
	assert_int_equal(elf_getphdrnum(e, &phnum), 0);
	assert_true(phnum <= 1025);
	/* ... and the last non-zero page is still in the core. */
	assert_non_null(gelf_getphdr(e, (int)phnum - 1, &ph));
	assert_true(ph.p_vaddr + ph.p_memsz >= (64ull << 20) - 32 * PAGE + 1);
	elf_end(e);
	munmap(image, (size_t)st.st_size);
	close(fd);
}

/* In a child: core_dump_prepare() confines the process (Landlock). */
static void prepare_and_save(const char *dir)
{
	char err[ERRLEN] = "";
	char *argv[] = { "/path/to/app.elf", "one", "two" };
	struct core_dump cd;

	assert_int_equal(core_dump_prepare(&cd, dir, 3, argv, err, sizeof err), 0);
	assert_string_equal(cd.args, "/path/to/app.elf one two");
	char name[64];
	snprintf(name, sizeof name, "core.kvmrun.%d", (int)getpid());
	assert_string_equal(cd.name, name);
	/* The descriptor the core file will get is the lowest free one. */
	int probe = dup(0);
	assert_int_equal(probe, cd.file_fd);
	close(probe);

	fill_memory();
	fill_regs();
	const struct core_state s = { .bits = 64, .signal = SIGSEGV, .regs = regs, .mem = &mem,
				      .app = "app.elf", .args = cd.args };
	assert_int_equal(core_dump_save(&cd, &s, err, sizeof err), 0);
	close(cd.file_fd);
	/* Never over an existing file. */
	assert_int_equal(core_dump_save(&cd, &s, err, sizeof err), -1);
	assert_contains(err, "cannot create the core file");
	assert_contains(err, "File exists");
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, cd.name);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Where the kernel has Landlock, no file is made outside DIR, not even
	 * through its descriptor with "..". */
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, 1u /* VERSION */) >= 1) {
		assert_int_equal(openat(cd.dir_fd, "../kvmrun-escaped", O_WRONLY | O_CREAT | O_EXCL, 0600), -1);
		assert_int_equal(errno, EACCES);
		assert_int_equal(open("/tmp/kvmrun-escaped", O_WRONLY | O_CREAT | O_EXCL, 0600), -1);
		assert_int_equal(errno, EACCES);
	}
}

static void test_prepare_and_save(void **state)
{
	char dir[] = "/tmp/kvmrun-core-XXXXXX";
	char err[ERRLEN] = "";
	char *argv[] = { "/path/to/app.elf" };
	struct core_dump cd;
	int status;

	(void)state;
	assert_non_null(mkdtemp(dir));
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prepare_and_save(dir);
		_exit(0); /* an assertion failing in the child ends it otherwise */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char path[128];
	snprintf(path, sizeof path, "%s/core.kvmrun.%d", dir, (int)pid);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(access("/tmp/kvmrun-escaped", F_OK), -1);

	assert_int_equal(core_dump_prepare(&cd, "/nonexistent/kvmrun", 1, argv, err, sizeof err), -1);
	assert_string_equal(err, "--dumpcore: /nonexistent/kvmrun: No such file or directory");
	assert_int_equal(core_dump_prepare(&cd, "/etc/passwd", 1, argv, err, sizeof err), -1);
	assert_string_equal(err, "--dumpcore: /etc/passwd: Not a directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_64),
		cmocka_unit_test(test_core_32),
		cmocka_unit_test(test_segments_merged_and_bounded),
		cmocka_unit_test(test_prepare_and_save),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
