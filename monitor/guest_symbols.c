#include "guest_symbols.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What libdw may allocate after the filter is on: a crash's symbols and
 * line table, with room to spare for large programs (one lookup in a
 * static glibc program takes some 30 KiB). The seccomp filter answers brk
 * and mmap with ENOMEM (seccomp_filter.c). */
#define SYMBOLS_HEAP_RESERVE (64u << 20)

void guest_symbols_reserve(void)
{
#ifndef __SANITIZE_ADDRESS__ /* the sanitizer's allocator maps memory of its own */
	/* From the heap (brk) and kept there once freed: glibc maps no block
	 * separately (M_MMAP_MAX 0; M_MMAP_THRESHOLD cannot go past 32 MiB)
	 * and never trims the heap. */
	mallopt(M_MMAP_MAX, 0);
	mallopt(M_TRIM_THRESHOLD, 4 * SYMBOLS_HEAP_RESERVE);
	/* Through a volatile pointer: the compiler drops a plain
	 * free(malloc(n)). */
	void *volatile block = malloc(SYMBOLS_HEAP_RESERVE);
	free(block);
#endif
}

/* libdwfl's callbacks: each module's ELF is the in-memory file (its
 * userdata), and there is no separate debug file to look for. */
static int image_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
		     char **file_name, Elf **elfp)
{
	const struct guest_image *im = *userdata;

	(void)mod;
	(void)modname;
	(void)base;
	/* elf_memory() takes a non-const pointer; it only reads a native
	 * byte-order image, which the loader already checked this is. */
	*elfp = elf_memory((char *)im->bytes, im->size);
	/* A name, or libdwfl makes one up from /proc/self/fd (readlink,
	 * which the filter forbids). libdwfl frees it. */
	*file_name = strdup(im->name);
	return -1; /* no descriptor */
}

static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks image_callbacks = {
	.find_elf = image_elf,
	.find_debuginfo = no_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* The guest-address range of an image's loaded segments, from the first
 * segment's aligned start (where libdwfl expects a module to begin). */
static bool image_range(const struct guest_image *im, uint64_t *lo, uint64_t *hi)
{
	Elf *elf = elf_memory((char *)im->bytes, im->size);
	size_t phnum = 0;
	bool found = false;

	if (!elf || elf_getphdrnum(elf, &phnum) < 0) {
		elf_end(elf);
		return false;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		uint64_t align = ph.p_align > 1 ? ph.p_align : 1;
		uint64_t start = (ph.p_vaddr & ~(align - 1)) + im->load_bias;
		uint64_t end = ph.p_vaddr + ph.p_memsz + im->load_bias;
		if (!found || start < *lo)
			*lo = start;
		if (!found || end > *hi)
			*hi = end;
		found = true;
	}
	elf_end(elf);
	return found && *hi > *lo;
}

/* One Dwfl for the images of gs, made at the first question about them.
 * None is ever ended: dwfl_end() would link in libdwfl's debuginfod
 * client, whose constructor loads a shared library at every start of
 * kvmrun when DEBUGINFOD_URLS is set. A run makes at most two (names, then
 * a fresh one for the unwind, as a Dwfl takes one attach); all are kept
 * here, and past MAX_SESSIONS there are no more names. */
#define MAX_SESSIONS 16u
static Dwfl *sessions[MAX_SESSIONS];
static unsigned nsessions;
static Dwfl *session;
static const struct guest_symbols *session_for;

static void end_session(void)
{
	session = NULL;
	session_for = NULL;
}

static Dwfl *symbols_session(const struct guest_symbols *gs)
{
	if (session && session_for == gs)
		return session;
	end_session();
	if (nsessions == MAX_SESSIONS)
		return NULL;
	Dwfl *dwfl = dwfl_begin(&image_callbacks);
	if (!dwfl)
		return NULL;
	dwfl_report_begin(dwfl);
	for (unsigned i = 0; i < gs->count && i < GUEST_SYMBOLS_MAX_IMAGES; i++) {
		uint64_t lo = 0, hi = 0;
		void **userdata;
		if (!image_range(&gs->image[i], &lo, &hi))
			continue;
		Dwfl_Module *mod = dwfl_report_module(dwfl, gs->image[i].name, lo, hi);
		if (mod) {
			dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
			*userdata = (void *)&gs->image[i];
		}
	}
	dwfl_report_end(dwfl, NULL, NULL);
	sessions[nsessions++] = dwfl;
	session = dwfl;
	session_for = gs;
	return session;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

void guest_symbols_name(const struct guest_symbols *gs, uint64_t addr, char *buf, size_t len)
{
	Dwfl *dwfl = symbols_session(gs);
	Dwfl_Module *mod = dwfl ? dwfl_addrmodule(dwfl, addr) : NULL;
	GElf_Off offset = 0;
	GElf_Sym sym;
	const char *name = mod ? dwfl_module_addrinfo(mod, addr, &offset, &sym, NULL, NULL, NULL)
			       : NULL;
	Dwfl_Line *line = mod ? dwfl_module_getsrc(mod, addr) : NULL;
	int lineno = 0;
	const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	int n;

	if (name)
		n = snprintf(buf, len, "%s+0x%" PRIx64, name, (uint64_t)offset);
	else
		n = snprintf(buf, len, "0x%" PRIx64, addr);
	if (file && lineno > 0 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (%s:%d)", base_name(file), lineno);
}

/* The unwinder's view of the crashed vCPU: one thread, its registers from
 * the crash report, its memory read through the checked accessor. */
struct unwind {
	const struct guest_symbols *gs;
	const struct kvmrun_crash *crash;
	uint64_t *pcs;
	unsigned n, max;
};

static pid_t one_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	(void)dwfl;
	if (*thread_argp)
		return 0;
	*thread_argp = arg;
	return 1;
}

/* A guest word (4 or 8 bytes) at addr, through the checked accessor. */
static bool guest_word(const struct guest_symbols *gs, uint64_t addr, Dwarf_Word *result)
{
	size_t width = gs->bits / 8;
	const void *p = guest_mem_ptr(gs->mem, addr, width);

	if (!p)
		return false;
	if (width == 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		*result = v;
	} else {
		uint32_t v;
		memcpy(&v, p, 4);
		*result = v;
	}
	return true;
}

static bool read_guest_word(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	const struct unwind *u = arg;

	(void)dwfl;
	return guest_word(u->gs, addr, result);
}

/* DWARF register numbers (the x86-64 psABI §3.6.2, Figure 3.36; the i386
 * psABI's Table 2.14), from the report's kvm_regs order. */
static bool crash_registers(Dwfl_Thread *thread, void *arg)
{
	const struct unwind *u = arg;
	const uint64_t *r = u->crash->regs;

	if (u->gs->bits == 64) {
		Dwarf_Word regs[16] = {
			r[KVMRUN_CRASH_RAX], r[KVMRUN_CRASH_RDX], r[KVMRUN_CRASH_RCX],
			r[KVMRUN_CRASH_RBX], r[KVMRUN_CRASH_RSI], r[KVMRUN_CRASH_RDI],
			r[KVMRUN_CRASH_RBP], r[KVMRUN_CRASH_RSP], r[KVMRUN_CRASH_R8],
			r[KVMRUN_CRASH_R9], r[KVMRUN_CRASH_R10], r[KVMRUN_CRASH_R11],
			r[KVMRUN_CRASH_R12], r[KVMRUN_CRASH_R13], r[KVMRUN_CRASH_R14],
			r[KVMRUN_CRASH_R15],
		};
		if (!dwfl_thread_state_registers(thread, 0, 16, regs))
			return false;
	} else {
		Dwarf_Word regs[8] = {
			r[KVMRUN_CRASH_RAX], r[KVMRUN_CRASH_RCX], r[KVMRUN_CRASH_RDX],
			r[KVMRUN_CRASH_RBX], r[KVMRUN_CRASH_RSP], r[KVMRUN_CRASH_RBP],
			r[KVMRUN_CRASH_RSI], r[KVMRUN_CRASH_RDI],
		};
		for (unsigned i = 0; i < 8; i++)
			regs[i] &= 0xffffffffu;
		if (!dwfl_thread_state_registers(thread, 0, 8, regs))
			return false;
	}
	dwfl_thread_state_register_pc(thread, r[KVMRUN_CRASH_RIP]);
	return true;
}

static const Dwfl_Thread_Callbacks crash_thread = {
	.next_thread = one_thread,
	.memory_read = read_guest_word,
	.set_initial_registers = crash_registers,
};

static int keep_frame(Dwfl_Frame *frame, void *arg)
{
	struct unwind *u = arg;
	Dwarf_Addr pc;

	if (!dwfl_frame_pc(frame, &pc, NULL) || pc == 0)
		return DWARF_CB_ABORT;
	u->pcs[u->n++] = pc; /* corrupt frames that loop end at max */
	return u->n < u->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

unsigned guest_symbols_backtrace(const struct guest_symbols *gs, const struct kvmrun_crash *crash,
				 uint64_t *pcs, unsigned max)
{
	struct kvmrun_crash from = *crash;
	uint64_t *r = from.regs;
	Dwfl *dwfl = symbols_session(gs);
	unsigned skip = 0;
	Dwarf_Word ret;

	if (max == 0)
		return 0;
	/* A call through a bad pointer: RIP is in no module, and the caller's
	 * return address is still on top of the stack. Unwind from there. */
	if (dwfl && max > 1 && !dwfl_addrmodule(dwfl, r[KVMRUN_CRASH_RIP]) &&
	    guest_word(gs, r[KVMRUN_CRASH_RSP], &ret) && dwfl_addrmodule(dwfl, ret)) {
		pcs[skip++] = r[KVMRUN_CRASH_RIP];
		r[KVMRUN_CRASH_RIP] = ret;
		r[KVMRUN_CRASH_RSP] += gs->bits / 8;
	}
	struct unwind u = { .gs = gs, .crash = &from, .pcs = pcs + skip, .n = 0, .max = max - skip };
	/* It stops where call-frame information ends (a C library built
	 * without it) or at the frame limit. A Dwfl takes one attach, and
	 * keeps u: it serves no more questions after the unwind. */
	if (dwfl && dwfl_attach_state(dwfl, NULL, 1, &crash_thread, &u))
		dwfl_getthread_frames(dwfl, 1, keep_frame, &u);
	end_session();
	if (u.n == 0)
		u.pcs[u.n++] = r[KVMRUN_CRASH_RIP];
	return skip + u.n;
}
