/* --dumpcore: an ELF core file of a crashed guest (core_dump.h). */
#include "core_dump.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "guest_auxv.h"
#include "stop_request.h"

#define PAGE 4096u
#define CORE_MAX_SEGMENTS 1024u
/* Zero runs shorter than this stay inside a segment: fewer headers. */
#define CORE_MERGE_GAP (16u * PAGE)

/* The notes' descriptors, as Linux lays them out for each ABI (the
 * kernel's struct elf_prstatus and elf_prpsinfo, and their i386 compat
 * versions), written by offset so that the host's headers, which know
 * only x86-64's, are not needed. */
#define PRSTATUS64_SIZE 336u
#define PRSTATUS64_CURSIG 12u
#define PRSTATUS64_PID 32u
#define PRSTATUS64_REG 112u
#define PRPSINFO64_SIZE 136u
#define PRPSINFO64_PID 24u
#define PRPSINFO64_FNAME 40u
#define PRPSINFO64_ARGS 56u

#define PRSTATUS32_SIZE 144u
#define PRSTATUS32_CURSIG 12u
#define PRSTATUS32_PID 24u
#define PRSTATUS32_REG 72u
#define PRPSINFO32_SIZE 124u
#define PRPSINFO32_PID 12u
#define PRPSINFO32_FNAME 28u
#define PRPSINFO32_ARGS 44u

#define PSINFO_FNAME_LEN 16u
#define PSINFO_ARGS_LEN 80u

/* Where each kvm_regs register goes in pr_reg (user_regs_struct for
 * x86-64, i386's user_regs_struct for 32-bit), -1 where it has no place. */
static const int reg_slot64[KVMRUN_CRASH_NREGS] = {
	[KVMRUN_CRASH_RAX] = 10, [KVMRUN_CRASH_RBX] = 5, [KVMRUN_CRASH_RCX] = 11,
	[KVMRUN_CRASH_RDX] = 12, [KVMRUN_CRASH_RSI] = 13, [KVMRUN_CRASH_RDI] = 14,
	[KVMRUN_CRASH_RSP] = 19, [KVMRUN_CRASH_RBP] = 4, [KVMRUN_CRASH_R8] = 9,
	[KVMRUN_CRASH_R9] = 8, [KVMRUN_CRASH_R10] = 7, [KVMRUN_CRASH_R11] = 6,
	[KVMRUN_CRASH_R12] = 3, [KVMRUN_CRASH_R13] = 2, [KVMRUN_CRASH_R14] = 1,
	[KVMRUN_CRASH_R15] = 0, [KVMRUN_CRASH_RIP] = 16, [KVMRUN_CRASH_RFLAGS] = 18,
};
#define REG64_ORIG_RAX 15
static const int reg_slot32[KVMRUN_CRASH_NREGS] = {
	[KVMRUN_CRASH_RAX] = 6, [KVMRUN_CRASH_RBX] = 0, [KVMRUN_CRASH_RCX] = 1,
	[KVMRUN_CRASH_RDX] = 2, [KVMRUN_CRASH_RSI] = 3, [KVMRUN_CRASH_RDI] = 4,
	[KVMRUN_CRASH_RSP] = 15, [KVMRUN_CRASH_RBP] = 5,
	[KVMRUN_CRASH_R8] = -1, [KVMRUN_CRASH_R9] = -1, [KVMRUN_CRASH_R10] = -1,
	[KVMRUN_CRASH_R11] = -1, [KVMRUN_CRASH_R12] = -1, [KVMRUN_CRASH_R13] = -1,
	[KVMRUN_CRASH_R14] = -1, [KVMRUN_CRASH_R15] = -1,
	[KVMRUN_CRASH_RIP] = 12, [KVMRUN_CRASH_RFLAGS] = 14,
};
#define REG32_ORIG_EAX 11

/* The kvmrun guest is process 1 of its machine. */
#define CORE_PID 1u

struct segment {
	uint64_t gpa;
	const uint8_t *host;
	uint64_t size;
};

/* Static: the crash path runs under the filter, with a reserved heap
 * better left to the symbolizer. */
static struct segment segments[CORE_MAX_SEGMENTS];
#define NOTES_MAX (3 * 20 + PRSTATUS64_SIZE + PRPSINFO64_SIZE + GUEST_AUXV_MAX)
static uint8_t headers[sizeof(Elf64_Ehdr) + (CORE_MAX_SEGMENTS + 1) * sizeof(Elf64_Phdr) + NOTES_MAX];

static int page_is_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;
	uint64_t any = 0;

	for (unsigned i = 0; i < PAGE / 8; i++)
		any |= w[i];
	return any == 0;
}

/* The runs of non-zero pages of RAM, below 4 GiB for a 32-bit guest. */
static unsigned find_segments(const struct core_state *s)
{
	unsigned n = 0;

	for (unsigned r = 0; r < s->mem->nranges; r++) {
		const struct guest_ram_range *range = &s->mem->range[r];
		uint64_t size = range->size;
		int new_range = 1;

		if (s->bits == 32) /* RAM a 32-bit guest can reach; at most 4 GiB of core, */
			size = range->gpa >= (1ull << 32) ? 0 /* whose offsets ELF32 can hold */
			       : range->gpa + size > (1ull << 32) ? (1ull << 32) - range->gpa : size;
		for (uint64_t off = 0; off + PAGE <= size; off += PAGE) {
			const uint8_t *p = s->mem->host + range->host_offset + off;
			uint64_t gpa = range->gpa + off;
			if ((off & ((256ull << 20) - 1)) == 0 && stop_requested())
				return n; /* write_all says it was stopped */
			if (page_is_zero(p))
				continue;
			struct segment *last = n ? &segments[n - 1] : NULL;
			if (last && (n == CORE_MAX_SEGMENTS ||
				     (!new_range && gpa - (last->gpa + last->size) <= CORE_MERGE_GAP))) {
				if (new_range) /* full, and across the hole: no more */
					return n;
				last->size = gpa + PAGE - last->gpa;
				continue;
			}
			segments[n++] = (struct segment){ gpa, p, PAGE };
			new_range = 0;
		}
	}
	return n;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* One note at p: "CORE", type, desc of size bytes (zeroed, filled by the
 * caller). Returns the descriptor's address; *end the note's end. */
static uint8_t *note(uint8_t *p, uint32_t type, uint32_t size, uint8_t **end)
{
	put32(p, 5);
	put32(p + 4, size);
	put32(p + 8, type);
	memcpy(p + 12, "CORE\0\0\0", 8);
	memset(p + 20, 0, (size + 3) & ~3u);
	*end = p + 20 + ((size + 3) & ~3u);
	return p + 20;
}

static uint8_t *write_notes(uint8_t *p, const struct core_state *s)
{
	int wide = s->bits == 64;
	uint8_t *desc = note(p, NT_PRSTATUS, wide ? PRSTATUS64_SIZE : PRSTATUS32_SIZE, &p);

	put32(desc, (uint32_t)s->signal); /* pr_info.si_signo */
	put16(desc + (wide ? PRSTATUS64_CURSIG : PRSTATUS32_CURSIG), (uint16_t)s->signal);
	put32(desc + (wide ? PRSTATUS64_PID : PRSTATUS32_PID), CORE_PID);
	uint8_t *reg = desc + (wide ? PRSTATUS64_REG : PRSTATUS32_REG);
	for (unsigned i = 0; i < KVMRUN_CRASH_NREGS; i++) {
		int slot = wide ? reg_slot64[i] : reg_slot32[i];
		if (slot < 0)
			continue;
		if (wide)
			put64(reg + 8 * slot, s->regs[i]);
		else
			put32(reg + 4 * slot, (uint32_t)s->regs[i]);
	}
	/* Not in a system call: no restart for gdb to consider. */
	if (wide)
		put64(reg + 8 * REG64_ORIG_RAX, UINT64_MAX);
	else
		put32(reg + 4 * REG32_ORIG_EAX, UINT32_MAX);

	desc = note(p, NT_PRPSINFO, wide ? PRPSINFO64_SIZE : PRPSINFO32_SIZE, &p);
	desc[0] = 0;   /* pr_state: running */
	desc[1] = 'R'; /* pr_sname */
	put32(desc + (wide ? PRPSINFO64_PID : PRPSINFO32_PID), CORE_PID);
	strncpy((char *)desc + (wide ? PRPSINFO64_FNAME : PRPSINFO32_FNAME), s->app,
		PSINFO_FNAME_LEN - 1);
	strncpy((char *)desc + (wide ? PRPSINFO64_ARGS : PRPSINFO32_ARGS), s->args,
		PSINFO_ARGS_LEN - 1);

	uint8_t auxv[GUEST_AUXV_MAX];
	size_t auxv_len = guest_auxv(s->bits, &s->program, auxv);
	if (auxv_len) {
		desc = note(p, NT_AUXV, (uint32_t)auxv_len, &p);
		memcpy(desc, auxv, auxv_len);
	}
	return p;
}

/* ELF header and program headers for n segments and the notes, into
 * headers[]; returns the notes' start. */
static uint8_t *write_elf_headers(const struct core_state *s, unsigned n, uint64_t notes_size,
				  uint64_t data_off)
{
	uint64_t off = data_off;

	if (s->bits == 64) {
		Elf64_Ehdr eh = {
			.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
			.e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			.e_phoff = sizeof eh, .e_ehsize = sizeof eh,
			.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = (Elf64_Half)(n + 1),
		};
		Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = sizeof eh + (n + 1) * sizeof ph,
				  .p_filesz = notes_size, .p_align = 4 };
		memcpy(headers, &eh, sizeof eh);
		memcpy(headers + sizeof eh, &ph, sizeof ph);
		for (unsigned i = 0; i < n; i++) {
			ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
					   .p_offset = off, .p_vaddr = segments[i].gpa,
					   .p_paddr = segments[i].gpa, .p_filesz = segments[i].size,
					   .p_memsz = segments[i].size, .p_align = PAGE };
			memcpy(headers + sizeof eh + (i + 1) * sizeof ph, &ph, sizeof ph);
			off += segments[i].size;
		}
		return headers + sizeof eh + (n + 1) * sizeof ph;
	}
	Elf32_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_CORE, .e_machine = EM_386, .e_version = EV_CURRENT,
		.e_phoff = sizeof eh, .e_ehsize = sizeof eh,
		.e_phentsize = sizeof(Elf32_Phdr), .e_phnum = (Elf32_Half)(n + 1),
	};
	Elf32_Phdr ph = { .p_type = PT_NOTE, .p_offset = (Elf32_Off)(sizeof eh + (n + 1) * sizeof ph),
			  .p_filesz = (Elf32_Word)notes_size, .p_align = 4 };
	memcpy(headers, &eh, sizeof eh);
	memcpy(headers + sizeof eh, &ph, sizeof ph);
	for (unsigned i = 0; i < n; i++) {
		ph = (Elf32_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
				   .p_offset = (Elf32_Off)off, .p_vaddr = (Elf32_Addr)segments[i].gpa,
				   .p_paddr = (Elf32_Addr)segments[i].gpa,
				   .p_filesz = (Elf32_Word)segments[i].size,
				   .p_memsz = (Elf32_Word)segments[i].size, .p_align = PAGE };
		memcpy(headers + sizeof eh + (i + 1) * sizeof ph, &ph, sizeof ph);
		off += segments[i].size;
	}
	return headers + sizeof eh + (n + 1) * sizeof ph;
}

/* In steps of HOST_IO_STEP_MAX with a stop request honoured between them:
 * a core of all of a large guest's RAM must not hold kvmrun past
 * --timeout or a signal (stop_request.h). */
static int write_all(int fd, const void *buf, uint64_t len, char *err, size_t errlen)
{
	const uint8_t *p = buf;

	while (len) {
		if (stop_requested()) {
			diag_set(err, errlen, "cannot write the core file: stopped before its end");
			return -1;
		}
		ssize_t n = write(fd, p, host_io_step(len));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			diag_set(err, errlen, "cannot write the core file: %s",
				 n < 0 ? strerror(errno) : "nothing written");
			return -1;
		}
		p += n;
		len -= (uint64_t)n;
	}
	return 0;
}

int core_dump_write(int fd, const struct core_state *s, char *err, size_t errlen)
{
	static const uint8_t zeros[PAGE];
	unsigned n = find_segments(s);
	uint64_t ph_end = (s->bits == 64 ? sizeof(Elf64_Ehdr) + (n + 1) * sizeof(Elf64_Phdr)
					 : sizeof(Elf32_Ehdr) + (n + 1) * sizeof(Elf32_Phdr));
	/* The notes' size does not depend on where they go: lay them out
	 * once at the end of the buffer to learn it. */
	uint8_t *scratch = headers + sizeof headers - NOTES_MAX;
	uint64_t notes_size = (uint64_t)(write_notes(scratch, s) - scratch);
	uint64_t head = ph_end + notes_size;
	uint64_t data_off = (head + PAGE - 1) & ~(uint64_t)(PAGE - 1);

	uint8_t *notes = write_elf_headers(s, n, notes_size, data_off);
	write_notes(notes, s);
	if (write_all(fd, headers, head, err, errlen) < 0 ||
	    write_all(fd, zeros, data_off - head, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (write_all(fd, segments[i].host, segments[i].size, err, errlen) < 0)
			return -1;
	return 0;
}

/* Landlock (Documentation/userspace-api/landlock.rst): from here on, this
 * process creates regular files beneath DIR only. The seccomp rule pins
 * openat's directory descriptor and flags, but not its path, which could
 * be absolute or climb out with ".."; Landlock checks where the file
 * lands. 1 when on, 0 when the kernel has no Landlock, -1 on failure. */
static int confine_to_dir(int dir_fd)
{
	struct landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_REG };
	struct landlock_path_beneath_attr beneath = {
		.allowed_access = LANDLOCK_ACCESS_FS_MAKE_REG, .parent_fd = dir_fd,
	};
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	if (abi < 1)
		return (errno == ENOSYS || errno == EOPNOTSUPP) ? 0 : -1;
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (ruleset < 0)
		return -1;
	int rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0) < 0 ||
		 prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		 syscall(SYS_landlock_restrict_self, ruleset, 0) < 0 ? -1 : 1;
	int saved = errno;
	close(ruleset);
	errno = saved;
	return rc;
}

int core_dump_prepare(struct core_dump *cd, const char *dir, int app_argc, char *const app_argv[],
		      char *err, size_t errlen)
{
	memset(cd, 0, sizeof *cd);
	cd->dir = dir;
	cd->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cd->dir_fd < 0) {
		diag_set(err, errlen, "--dumpcore: %s: %s", dir, strerror(errno));
		return -1;
	}
	if (faccessat(cd->dir_fd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
		diag_set(err, errlen, "--dumpcore: %s: cannot create files there: %s", dir,
			 strerror(errno));
		close(cd->dir_fd);
		cd->dir_fd = -1;
		return -1;
	}
	switch (confine_to_dir(cd->dir_fd)) {
	case 1:
		break;
	case 0:
		diag("warning: --dumpcore: this kernel has no Landlock: the seccomp filter alone "
		     "lets kvmrun create new files, not only in %s", dir);
		break;
	default:
		diag_set(err, errlen, "--dumpcore: %s: cannot confine file creation to it (Landlock): %s",
			 dir, strerror(errno));
		close(cd->dir_fd);
		cd->dir_fd = -1;
		return -1;
	}
	snprintf(cd->name, sizeof cd->name, "core.kvmrun.%d", (int)getpid());
	/* The lowest free descriptor now is the one openat will return at the
	 * crash: nothing opens a file after the filter is on. */
	cd->file_fd = fcntl(0, F_DUPFD_CLOEXEC, 0);
	if (cd->file_fd < 0) {
		diag_set(err, errlen, "--dumpcore: no descriptor for the core file: %s", strerror(errno));
		close(cd->dir_fd);
		cd->dir_fd = -1;
		return -1;
	}
	close(cd->file_fd);
	cd->app = app_argv[0];
	size_t used = 0;
	for (int i = 0; i < app_argc && used + 1 < sizeof cd->args; i++)
		used += (size_t)snprintf(cd->args + used, sizeof cd->args - used, "%s%s", i ? " " : "",
					 app_argv[i]);
	return 0;
}

int core_dump_save(const struct core_dump *cd, const struct core_state *s, char *err, size_t errlen)
{
	int fd = (int)syscall(SYS_openat, cd->dir_fd, cd->name, CORE_DUMP_OPEN_FLAGS, 0600);

	if (fd < 0) {
		diag_set(err, errlen, "cannot create the core file %s/%s: %s", cd->dir, cd->name,
			 strerror(errno));
		return -1;
	}
	if (fd != cd->file_fd) {
		/* The filter allows writes to the expected descriptor only. */
		diag_set(err, errlen, "cannot write the core file %s/%s: it got descriptor %d, not %d",
			 cd->dir, cd->name, fd, cd->file_fd);
		return -1;
	}
	return core_dump_write(fd, s, err, errlen);
}
