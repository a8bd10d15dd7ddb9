#include "elf_loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmrun/start_info.h>

#include "diag.h"
#include "options.h" /* MEM_MAX */

/* MiB beyond a program's end that kvmrun suggests when --mem is too small
 * for it: room for the guest kernel's stack and the program's heap. */
#define PROGRAM_SPARE_MIB 64u

static int libelf_ready(char *err, size_t errlen)
{
	static int ready;

	if (!ready) {
		if (elf_version(EV_CURRENT) == EV_NONE) {
			diag_set(err, errlen, "libelf is too old: %s", elf_errmsg(-1));
			return -1;
		}
		ready = 1;
	}
	return 0;
}

static const char *machine_name(unsigned machine)
{
	switch (machine) {
	case EM_386: return "i386";
	case EM_X86_64: return "x86-64";
	case EM_ARM: return "ARM";
	case EM_AARCH64: return "AArch64";
	case EM_RISCV: return "RISC-V";
	case EM_PPC64: return "PowerPC64";
	case EM_S390: return "S/390";
	case EM_MIPS: return "MIPS";
	default: return "unknown machine";
	}
}

static int type_refused(unsigned type, char *err, size_t errlen)
{
	diag_set(err, errlen, "%s; kvmrun boots ET_EXEC apps (link with -static -no-pie)",
		 type == ET_DYN ? "ET_DYN (a position-independent executable or shared object)"
		 : type == ET_REL ? "ET_REL (an object file, not linked)"
		 : type == ET_CORE ? "ET_CORE (a core dump)"
		 : "unknown ELF type");
	return -1;
}

static int check_header(Elf *elf, size_t size, GElf_Ehdr *ehdr, unsigned *bits,
			char *err, size_t errlen)
{
	if (elf_kind(elf) != ELF_K_ELF) {
		size_t n = 0;
		const char *raw = elf_rawfile(elf, &n);
		/* libelf calls an ELF it cannot take "not an ELF": say why. */
		if (!raw || n < SELFMAG || memcmp(raw, ELFMAG, SELFMAG) != 0)
			diag_set(err, errlen, "not an ELF file");
		else if (n < EI_NIDENT)
			diag_set(err, errlen, "truncated ELF identification (%zu bytes)", n);
		else if (raw[EI_CLASS] != ELFCLASS32 && raw[EI_CLASS] != ELFCLASS64)
			diag_set(err, errlen, "unknown ELF class %u (EI_CLASS)", (unsigned char)raw[EI_CLASS]);
		else if (raw[EI_VERSION] != EV_CURRENT)
			diag_set(err, errlen, "unsupported ELF version %u (EI_VERSION)", (unsigned char)raw[EI_VERSION]);
		else
			diag_set(err, errlen, "truncated ELF header (%zu bytes; ELFCLASS%s needs %zu)", n,
				 raw[EI_CLASS] == ELFCLASS32 ? "32" : "64",
				 raw[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr));
		return -1;
	}
	if (size < EI_NIDENT) {
		diag_set(err, errlen, "truncated ELF identification (%zu bytes)", size);
		return -1;
	}
	if (!gelf_getehdr(elf, ehdr)) {
		diag_set(err, errlen, "malformed ELF header: %s", elf_errmsg(-1));
		return -1;
	}
	if (ehdr->e_ident[EI_DATA] != ELFDATA2LSB) {
		diag_set(err, errlen, "not a little-endian ELF (EI_DATA %u)", ehdr->e_ident[EI_DATA]);
		return -1;
	}
	if (ehdr->e_ident[EI_VERSION] != EV_CURRENT || ehdr->e_version != EV_CURRENT) {
		diag_set(err, errlen, "unsupported ELF version %u",
			 ehdr->e_ident[EI_VERSION] != EV_CURRENT ? ehdr->e_ident[EI_VERSION]
								 : ehdr->e_version);
		return -1;
	}
	unsigned cls = ehdr->e_ident[EI_CLASS];
	if (cls == ELFCLASS32 && ehdr->e_machine == EM_386) {
		*bits = 32;
	} else if (cls == ELFCLASS64 && ehdr->e_machine == EM_X86_64) {
		*bits = 64;
	} else {
		diag_set(err, errlen,
			 "unsupported machine: ELFCLASS%s %s (e_machine %u); kvmrun boots "
			 "ELFCLASS32 i386 and ELFCLASS64 x86-64 apps",
			 cls == ELFCLASS32 ? "32" : cls == ELFCLASS64 ? "64" : "NONE",
			 machine_name(ehdr->e_machine), ehdr->e_machine);
		return -1;
	}
	/* ET_DYN is a static PIE or a shared library: told apart later. */
	if (ehdr->e_type != ET_EXEC && ehdr->e_type != ET_DYN)
		return type_refused(ehdr->e_type, err, errlen);
	return 0;
}

/* The program header count: e_phnum, or with PN_XNUM (extended numbering)
 * sh_info of section header 0, which must then exist. Read here rather than
 * through elf_getphdrnum(), which quietly shrinks a count that does not fit
 * the file and reads "section 0" from offset 0 when there is no table. */
static int read_phdr_count(Elf *elf, const GElf_Ehdr *ehdr, size_t *count, char *err, size_t errlen)
{
	GElf_Shdr sh0;

	if (ehdr->e_phnum != PN_XNUM) {
		*count = ehdr->e_phnum;
		return 0;
	}
	if (ehdr->e_shoff == 0) {
		diag_set(err, errlen, "program header count e_phnum is PN_XNUM (0xffff) but there is no section header 0 holding the real count");
		return -1;
	}
	Elf_Scn *scn0 = elf_getscn(elf, 0);
	if (!scn0 || !gelf_getshdr(scn0, &sh0)) {
		diag_set(err, errlen, "program header count e_phnum is PN_XNUM (0xffff) but section header 0 is unreadable: %s",
			 elf_errmsg(-1));
		return -1;
	}
	*count = sh0.sh_info;
	return 0;
}

static int check_phdr_table(Elf *elf, const GElf_Ehdr *ehdr, size_t size, size_t *phnum,
			    char *err, size_t errlen)
{
	size_t entsize = gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT);
	size_t libelf_count;

	if (read_phdr_count(elf, ehdr, phnum, err, errlen) < 0)
		return -1;
	if (*phnum == 0) {
		diag_set(err, errlen, "no program headers (an object file or a stripped-down ELF?)");
		return -1;
	}
	if (*phnum > ELF_MAX_PHDRS) {
		diag_set(err, errlen, "too many program headers: %zu (at most %u)", *phnum, ELF_MAX_PHDRS);
		return -1;
	}
	if (ehdr->e_phentsize != entsize) {
		diag_set(err, errlen, "e_phentsize is %u, expected %zu", ehdr->e_phentsize, entsize);
		return -1;
	}
	if (ehdr->e_phoff > size || *phnum * entsize > size - ehdr->e_phoff) {
		diag_set(err, errlen, "program header table [0x%llx, +%zu) lies past the end of the file (%zu bytes)",
			 (unsigned long long)ehdr->e_phoff, *phnum * entsize, size);
		return -1;
	}
	/* libelf must see the same table: gelf_getphdr() reads through it. */
	if (elf_getphdrnum(elf, &libelf_count) != 0 || libelf_count != *phnum) {
		diag_set(err, errlen, "malformed program header count: %s", elf_errmsg(-1));
		return -1;
	}
	return 0;
}

/* Where a segment goes: an app's p_paddr (which must equal p_vaddr: apps
 * run identity-mapped), a program's p_vaddr plus the load bias (Linux
 * ignores p_paddr). 0 or -1 with err set. */
static int segment_address(const GElf_Phdr *ph, size_t index, const struct elf_app *app,
			   uint64_t *start, char *err, size_t errlen)
{
	if (app->kind == ELF_LINUX_PROGRAM) {
		/* Modulo 2^64, as the bias is; the range is checked after. */
		*start = ph->p_vaddr + app->load_bias;
		return 0;
	}
	if (ph->p_vaddr != ph->p_paddr) {
		diag_set(err, errlen, "segment %zu: p_vaddr 0x%llx differs from p_paddr 0x%llx; kvmrun runs apps identity-mapped",
			 index, (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_paddr);
		return -1;
	}
	*start = ph->p_paddr;
	return 0;
}

/* The --mem that holds [start, end) (not wrapping, not in the hole) with
 * room to spare: RAM above 4 GiB continues after the hole's gigabyte. */
static void program_needs_ram(size_t index, uint64_t start, uint64_t end,
			      const struct guest_mem *mem, char *err, size_t errlen)
{
	uint64_t hole = KVMRUN_HIGH_RAM_START - KVMRUN_MMIO_HOLE_START;
	uint64_t need = end > KVMRUN_HIGH_RAM_START ? end - hole : end;
	uint64_t mib = (need >> 20) + ((need & ((1u << 20) - 1)) != 0) + PROGRAM_SPARE_MIB;

	if (mib > MEM_MAX >> 20)
		diag_set(err, errlen, "segment %zu: the program is linked at [0x%llx, 0x%llx), beyond "
			 "the most RAM kvmrun gives a guest (%llu GiB)", index, (unsigned long long)start,
			 (unsigned long long)end, MEM_MAX >> 30);
	else
		diag_set(err, errlen, "segment %zu: the program is linked at [0x%llx, 0x%llx), past "
			 "the end of guest RAM (%llu MiB): run it with --mem=%lluM or more", index,
			 (unsigned long long)start, (unsigned long long)end,
			 (unsigned long long)(mem->size >> 20), (unsigned long long)mib);
}

/* A segment past the end of RAM: an app may need a larger --mem; a program
 * (an i386 one is linked at 128 MiB) is told the --mem it needs. */
static int outside_ram(size_t index, uint64_t start, uint64_t end, const struct elf_app *app,
		       const struct guest_mem *mem, char *err, size_t errlen)
{
	if (end > KVMRUN_MMIO_HOLE_START && start < KVMRUN_HIGH_RAM_START)
		diag_set(err, errlen, "segment %zu: memory range [0x%llx, 0x%llx) lies outside guest "
			 "RAM, in the MMIO hole [0x%llx, 0x%llx)", index,
			 (unsigned long long)start, (unsigned long long)end,
			 KVMRUN_MMIO_HOLE_START, KVMRUN_HIGH_RAM_START);
	else if (app->kind == ELF_LINUX_PROGRAM)
		program_needs_ram(index, start, end, mem, err, errlen);
	else
		diag_set(err, errlen, "segment %zu: memory range [0x%llx, 0x%llx) lies outside guest RAM "
			 "(%llu MiB; try a larger --mem)", index, (unsigned long long)start,
			 (unsigned long long)end, (unsigned long long)(mem->size >> 20));
	return -1;
}

/* The rules every PT_LOAD segment obeys before it may be copied. */
static int check_segment(const GElf_Phdr *ph, size_t index, size_t size, const struct elf_app *app,
			 const struct guest_mem *mem, uint64_t *gpa, char *err, size_t errlen)
{
	uint64_t start, end;

	if (ph->p_filesz > ph->p_memsz) {
		diag_set(err, errlen, "segment %zu: p_filesz 0x%llx exceeds p_memsz 0x%llx", index,
			 (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
		return -1;
	}
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset) {
		diag_set(err, errlen, "segment %zu: file range [0x%llx, +0x%llx) lies past the end of the file (%zu bytes)",
			 index, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz, size);
		return -1;
	}
	if (segment_address(ph, index, app, &start, err, errlen) < 0)
		return -1;
	*gpa = start;
	if (ph->p_memsz == 0)
		return 0;
	if (__builtin_add_overflow(start, ph->p_memsz, &end) ||
	    (app->bits == 32 && end > 0x100000000ull)) {
		diag_set(err, errlen, "segment %zu: memory range [0x%llx, +0x%llx) wraps around the address space",
			 index, (unsigned long long)start, (unsigned long long)ph->p_memsz);
		return -1;
	}
	if (start < KVMRUN_BOOT_AREA_END) {
		diag_set(err, errlen, "segment %zu: memory range [0x%llx, 0x%llx) overlaps kvmrun's boot area "
			 "[0, 0x%x) (start_info, GDT, page tables, stack); link %s at or above 0x%x",
			 index, (unsigned long long)start, (unsigned long long)end,
			 KVMRUN_BOOT_AREA_END, app->kind == ELF_LINUX_PROGRAM ? "programs" : "apps",
			 KVMRUN_BOOT_AREA_END);
		return -1;
	}
	if (!guest_mem_ptr(mem, start, ph->p_memsz))
		return outside_ram(index, start, end, app, mem, err, errlen);
	return 0;
}

static int check_segments(Elf *elf, size_t phnum, size_t size, const struct guest_mem *mem,
			  struct elf_app *app, char *err, size_t errlen)
{
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			diag_set(err, errlen, "program header %zu: %s", i, elf_errmsg(-1));
			return -1;
		}
		if (app->kind == ELF_KVMRUN_APP && (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)) {
			diag_set(err, errlen, "program header %zu: %s: the app is dynamically linked; "
				 "kvmrun boots static apps", i, ph.p_type == PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC");
			return -1;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		uint64_t gpa;
		if (check_segment(&ph, i, size, app, mem, &gpa, err, errlen) < 0)
			return -1;
		if (ph.p_memsz == 0)
			continue;
		if (app->nseg == ELF_MAX_LOAD_SEGMENTS) {
			diag_set(err, errlen, "segment %zu: too many PT_LOAD segments (at most %u)", i,
				 ELF_MAX_LOAD_SEGMENTS);
			return -1;
		}
		for (unsigned j = 0; j < app->nseg; j++) {
			const struct elf_segment *o = &app->seg[j];
			/* Both ranges are known not to wrap. */
			if (gpa < o->gpa + o->memsz && o->gpa < gpa + ph.p_memsz) {
				diag_set(err, errlen, "segment %zu: memory range [0x%llx, 0x%llx) overlaps an earlier "
					 "segment [0x%llx, 0x%llx)", i, (unsigned long long)gpa,
					 (unsigned long long)(gpa + ph.p_memsz), (unsigned long long)o->gpa,
					 (unsigned long long)(o->gpa + o->memsz));
				return -1;
			}
		}
		app->seg[app->nseg++] = (struct elf_segment){
			.gpa = gpa, .memsz = ph.p_memsz, .filesz = ph.p_filesz,
			.offset = ph.p_offset, .pflags = ph.p_flags,
		};
	}
	if (app->nseg == 0) {
		diag_set(err, errlen, "no loadable (PT_LOAD) segment");
		return -1;
	}
	return 0;
}

/* Whether a segment's file range lies inside the file. */
static bool segment_in_file(const GElf_Phdr *ph, size_t size)
{
	return ph->p_offset <= size && ph->p_filesz <= size - ph->p_offset;
}

/* The ABI note (include/kvmrun/abi_note.h) among one PT_NOTE segment's
 * notes. Returns 1 when it is there and names this ABI, 0 when the segment
 * holds no kvmrun note, -1 with err set when the note is malformed or names
 * another ABI version. */
static int find_abi_note(Elf *elf, const GElf_Phdr *ph, size_t index, char *err, size_t errlen)
{
	/* gABI: notes in a segment aligned to 8 use 8-byte padding. */
	Elf_Data *data = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz,
					      ph->p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
	if (!data) {
		diag_set(err, errlen, "note segment %zu: %s", index, elf_errmsg(-1));
		return -1;
	}
	GElf_Nhdr nh;
	size_t at = 0, name_at, desc_at;
	/* gelf_getnote() returns 0 at the end or at a note that does not fit. */
	while ((at = gelf_getnote(data, at, &nh, &name_at, &desc_at)) > 0) {
		const char *name = (const char *)data->d_buf + name_at;
		if (nh.n_namesz != sizeof KVMRUN_NOTE_NAME ||
		    memcmp(name, KVMRUN_NOTE_NAME, sizeof KVMRUN_NOTE_NAME) != 0)
			continue;
		if (nh.n_type != KVMRUN_NOTE_ABI)
			continue; /* a kvmrun note of a kind this kvmrun does not know */
		if (nh.n_descsz != KVMRUN_NOTE_ABI_DESC_SIZE) {
			diag_set(err, errlen, "malformed kvmrun ABI note: a descriptor of %u bytes "
				 "(expected %u)", (unsigned)nh.n_descsz, KVMRUN_NOTE_ABI_DESC_SIZE);
			return -1;
		}
		uint32_t version;
		memcpy(&version, (const char *)data->d_buf + desc_at, sizeof version);
		if (version != KVMRUN_ABI_VERSION) {
			diag_set(err, errlen, "built for kvmrun ABI version %u, but this kvmrun runs "
				 "version %u: rebuild the app with this kvmrun's guest runtime",
				 version, KVMRUN_ABI_VERSION);
			return -1;
		}
		return 1;
	}
	return 0;
}

/* Read before the segments, so that an app of another ABI (whose layout
 * may differ) is named as such rather than by the first rule its layout
 * breaks. Sets *found; -1 with err set for a malformed or foreign note.
 * Note segments cut off by the end of the file are passed over here
 * (the segments' own checks name a truncated file better) and named by
 * check_note_segments() after them. */
static int check_abi_note(Elf *elf, size_t phnum, size_t size, bool *found, char *err,
			  size_t errlen)
{
	*found = false;
	for (size_t i = 0; i < phnum && !*found; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph)) {
			diag_set(err, errlen, "program header %zu: %s", i, elf_errmsg(-1));
			return -1;
		}
		if (ph.p_type != PT_NOTE || !segment_in_file(&ph, size))
			continue;
		int rc = find_abi_note(elf, &ph, i, err, errlen);
		if (rc < 0)
			return -1;
		*found = rc == 1;
	}
	return 0;
}

/* Note segments cut off by the end of the file, which check_abi_note()
 * passed over. */
static int check_note_segments(Elf *elf, size_t phnum, size_t size, char *err, size_t errlen)
{
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_NOTE && !segment_in_file(&ph, size)) {
			diag_set(err, errlen, "note segment %zu: file range [0x%llx, +0x%llx) lies past "
				 "the end of the file (%zu bytes)", i, (unsigned long long)ph.p_offset,
				 (unsigned long long)ph.p_filesz, size);
			return -1;
		}
	}
	return 0;
}

/* PT_INTERP: a dynamically linked program, which needs the dynamic loader
 * it names and the shared libraries it loads: files kvmrun does not give a
 * guest. Always -1. */
static int interp_refused(Elf *elf, const GElf_Phdr *ph, size_t i, size_t size, char *err,
			  size_t errlen)
{
	size_t n = 0;
	const char *image = elf_rawfile(elf, &n);
	int len = 0;

	if (image && n == size && segment_in_file(ph, size) && ph->p_filesz > 1 && ph->p_filesz <= 256) {
		len = (int)strnlen(image + ph->p_offset, ph->p_filesz);
		for (int k = 0; k < len; k++)
			if (image[ph->p_offset + k] < 0x21 || image[ph->p_offset + k] > 0x7e)
				len = 0; /* not a path worth printing */
	}
	diag_set(err, errlen, "program header %zu: PT_INTERP%s%.*s%s: a dynamically linked program; "
		 "kvmrun runs static ones: link it with -static", i, len ? " (" : "", len,
		 len ? image + ph->p_offset : "", len ? ")" : "");
	return -1;
}

/* Whether PT_DYNAMIC's DT_FLAGS_1 has DF_1_PIE, which linkers set in a
 * position-independent executable and not in a shared library. */
static int dynamic_says_pie(Elf *elf, const GElf_Phdr *ph, size_t i, size_t size, bool *pie,
			    char *err, size_t errlen)
{
	size_t entsize = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);

	*pie = false;
	if (!segment_in_file(ph, size)) {
		diag_set(err, errlen, "program header %zu: PT_DYNAMIC's file range [0x%llx, +0x%llx) "
			 "lies past the end of the file (%zu bytes)", i, (unsigned long long)ph->p_offset,
			 (unsigned long long)ph->p_filesz, size);
		return -1;
	}
	if (ph->p_filesz < entsize)
		return 0;
	Elf_Data *data = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset,
					      ph->p_filesz / entsize * entsize, ELF_T_DYN);
	if (!data) {
		diag_set(err, errlen, "program header %zu: PT_DYNAMIC: %s", i, elf_errmsg(-1));
		return -1;
	}
	GElf_Dyn dyn;
	for (int k = 0; (size_t)k < ph->p_filesz / entsize && gelf_getdyn(data, k, &dyn); k++) {
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
			*pie = true;
	}
	return 0;
}

/* A file without the ABI note is a Linux program. It must be static (no
 * PT_INTERP), and an ET_DYN one a PIE, which is placed at KVMRUN_PIE_BASE:
 * sets app->load_bias. */
static int check_program(Elf *elf, const GElf_Ehdr *ehdr, size_t phnum, size_t size,
			 struct elf_app *app, char *err, size_t errlen)
{
	uint64_t lowest = UINT64_MAX;
	bool pie = false;

	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph)) {
			diag_set(err, errlen, "program header %zu: %s", i, elf_errmsg(-1));
			return -1;
		}
		if (ph.p_type == PT_INTERP)
			return interp_refused(elf, &ph, i, size, err, errlen);
		if (ph.p_type == PT_DYNAMIC && ehdr->e_type == ET_DYN &&
		    dynamic_says_pie(elf, &ph, i, size, &pie, err, errlen) < 0)
			return -1;
		if (ph.p_type == PT_LOAD && ph.p_memsz && ph.p_vaddr < lowest)
			lowest = ph.p_vaddr;
	}
	if (ehdr->e_type == ET_DYN) {
		if (!pie) {
			diag_set(err, errlen, "ET_DYN without DF_1_PIE: a shared library, not a program; "
				 "kvmrun runs executables (static, PIE or not)");
			return -1;
		}
		if (lowest != UINT64_MAX) /* else check_segments() says there is nothing to load */
			app->load_bias = KVMRUN_PIE_BASE - (lowest & ~0xfffull); /* modulo 2^64 */
	}
	return 0;
}

/* AT_PHDR: the program headers as loaded, inside the segment whose file
 * range holds them (as Linux's binfmt_elf finds them); the C library reads
 * PT_TLS there. The program break starts at the page after the last
 * segment. */
static int find_program_headers(Elf *elf, const GElf_Ehdr *ehdr, size_t phnum, struct elf_app *app,
				char *err, size_t errlen)
{
	uint64_t table = phnum * gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT);

	app->phnum = (uint32_t)phnum;
	app->phent = ehdr->e_phentsize;
	for (unsigned i = 0; i < app->nseg; i++) {
		const struct elf_segment *s = &app->seg[i];
		if (s->gpa + s->memsz > app->brk)
			app->brk = (s->gpa + s->memsz + 0xfff) & ~0xfffull;
		if (!app->phdr && ehdr->e_phoff >= s->offset && ehdr->e_phoff - s->offset <= s->filesz &&
		    table <= s->filesz - (ehdr->e_phoff - s->offset))
			app->phdr = s->gpa + (ehdr->e_phoff - s->offset);
	}
	if (!app->phdr) {
		diag_set(err, errlen, "the program headers [0x%llx, +%llu) are in no loaded segment, "
			 "where the C library looks for them (AT_PHDR)",
			 (unsigned long long)ehdr->e_phoff, (unsigned long long)table);
		return -1;
	}
	return 0;
}

static int check_entry(const struct elf_app *app, char *err, size_t errlen)
{
	for (unsigned i = 0; i < app->nseg; i++) {
		const struct elf_segment *s = &app->seg[i];
		if ((s->pflags & PF_X) && app->entry >= s->gpa && app->entry - s->gpa < s->memsz)
			return 0;
	}
	diag_set(err, errlen, "entry point 0x%llx lies outside every executable segment",
		 (unsigned long long)app->entry);
	return -1;
}

static int check_elf(Elf *elf, size_t size, const struct guest_mem *mem, struct elf_app *app,
		     char *err, size_t errlen)
{
	GElf_Ehdr ehdr;
	size_t phnum;
	bool kvmrun_app;

	memset(app, 0, sizeof *app);
	if (check_header(elf, size, &ehdr, &app->bits, err, errlen) < 0 ||
	    check_phdr_table(elf, &ehdr, size, &phnum, err, errlen) < 0 ||
	    check_abi_note(elf, phnum, size, &kvmrun_app, err, errlen) < 0)
		return -1;
	if (kvmrun_app) {
		app->kind = ELF_KVMRUN_APP;
		if (ehdr.e_type != ET_EXEC)
			return type_refused(ehdr.e_type, err, errlen);
	} else {
		app->kind = ELF_LINUX_PROGRAM;
		if (check_program(elf, &ehdr, phnum, size, app, err, errlen) < 0)
			return -1;
	}
	app->entry = ehdr.e_entry + app->load_bias;
	if (check_segments(elf, phnum, size, mem, app, err, errlen) < 0 ||
	    check_entry(app, err, errlen) < 0)
		return -1;
	if (kvmrun_app)
		return 0;
	if (check_note_segments(elf, phnum, size, err, errlen) < 0)
		return -1;
	return find_program_headers(elf, &ehdr, phnum, app, err, errlen);
}

int elf_check_image(const char *image, size_t size, const struct guest_mem *mem,
		    struct elf_app *app, char *err, size_t errlen)
{
	if (libelf_ready(err, errlen) < 0)
		return -1;
	/* elf_memory() takes a non-const pointer but only reads an LSB image
	 * on an LSB host; the loader rejects every other byte order. */
	Elf *elf = elf_memory((char *)image, size);
	if (!elf) {
		diag_set(err, errlen, "libelf cannot read the image: %s", elf_errmsg(-1));
		return -1;
	}
	int rc = check_elf(elf, size, mem, app, err, errlen);
	elf_end(elf);
	return rc;
}

static enum elf_open_result open_regular_file(const char *path, struct elf_file *file,
					      char *err, size_t errlen)
{
	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	file->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (file->fd < 0) {
		int e = errno;
		diag_set(err, errlen, "cannot open: %s", strerror(e));
		if (e == ENOENT || e == ENOTDIR)
			return ELF_OPEN_NOT_FOUND;
		return e == EACCES || e == ELOOP ? ELF_OPEN_UNUSABLE : ELF_OPEN_FAILED;
	}
	if (fstat(file->fd, &st) < 0) {
		diag_set(err, errlen, "cannot stat: %s", strerror(errno));
		return ELF_OPEN_FAILED;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_set(err, errlen, "is a directory, not an ELF file");
		return ELF_OPEN_UNUSABLE;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_set(err, errlen, "not a regular file (%s)",
			 S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) ? "a character device"
			 : S_ISBLK(st.st_mode) ? "a block device" : S_ISSOCK(st.st_mode) ? "a socket"
			 : "a special file");
		return ELF_OPEN_UNUSABLE;
	}
	if (st.st_size == 0) {
		diag_set(err, errlen, "empty file, not an ELF file");
		return ELF_OPEN_UNUSABLE;
	}
	if ((uint64_t)st.st_size > ELF_MAX_FILE_SIZE) {
		diag_set(err, errlen, "file of %llu MiB is larger than kvmrun reads (%llu MiB)",
			 (unsigned long long)st.st_size >> 20, (unsigned long long)ELF_MAX_FILE_SIZE >> 20);
		return ELF_OPEN_UNUSABLE;
	}
	return ELF_OPEN_OK;
}

enum elf_open_result elf_open_app(const char *path, const struct guest_mem *mem,
				  struct elf_file *file, struct elf_app *app,
				  char *err, size_t errlen)
{
	enum elf_open_result rc;

	memset(file, 0, sizeof *file);
	file->path = path;
	file->fd = -1;
	if (libelf_ready(err, errlen) < 0)
		return ELF_OPEN_FAILED;
	rc = open_regular_file(path, file, err, errlen);
	if (rc != ELF_OPEN_OK)
		return rc;

	/* ELF_C_READ: libelf reads the file into memory of its own. A mapping
	 * would fault (SIGBUS) if the file were truncated while loading. */
	Elf *elf = elf_begin(file->fd, ELF_C_READ, NULL);
	if (!elf) {
		diag_set(err, errlen, "libelf cannot read it: %s", elf_errmsg(-1));
		return ELF_OPEN_UNUSABLE;
	}
	/* elf_rawfile(): the file's bytes as libelf read them; the segments
	 * are copied from here, within the bounds checked against size. */
	size_t size = 0;
	char *image = elf_rawfile(elf, &size);
	if (!image) {
		diag_set(err, errlen, "not an ELF file");
		elf_end(elf);
		return ELF_OPEN_UNUSABLE;
	}
	if (check_elf(elf, size, mem, app, err, errlen) < 0) {
		elf_end(elf);
		return ELF_OPEN_UNUSABLE;
	}
	file->image = image;
	file->size = size;
	file->elf = elf;
	return ELF_OPEN_OK;
}

void elf_close_app(struct elf_file *file)
{
	if (file->elf)
		elf_end(file->elf);
	if (file->fd >= 0)
		close(file->fd);
	file->elf = NULL;
	file->fd = -1;
	file->image = NULL;
}

void elf_release_fd(struct elf_file *file)
{
	/* elf_rawfile() read the whole file; libelf needs the descriptor no
	 * more (ELF_C_FDDONE). */
	if (file->elf)
		elf_cntl(file->elf, ELF_C_FDDONE);
	if (file->fd >= 0)
		close(file->fd);
	file->fd = -1;
}

void elf_copy_segments(const struct elf_app *app, const char *image,
		       const struct guest_mem *mem)
{
	for (unsigned i = 0; i < app->nseg; i++) {
		const struct elf_segment *s = &app->seg[i];
		uint8_t *dst = guest_mem_ptr(mem, s->gpa, s->memsz);

		/* The bss part needs no writes: guest RAM is fresh zero pages and
		 * segments do not overlap, so it stays lazily populated. */
		memcpy(dst, image + s->offset, s->filesz);
	}
}
