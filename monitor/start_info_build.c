#include "start_info_build.h"

#include <elf.h>
#include <string.h>

#include <kvmrun/start_info.h>

#include "diag.h"
#include "memory_map.h"

#define PAGE 4096ull

/* A loaded image's segments, one claim each: pages shared by two of them
 * merge (memory_map_build). */
static unsigned segment_claims(const struct elf_app *app, uint32_t use, struct mem_claim *c)
{
	for (unsigned i = 0; i < app->nseg; i++) {
		const struct elf_segment *s = &app->seg[i];
		uint64_t base, end;
		elf_segment_pages(s, &base, &end);
		uint32_t flags = (s->pflags & PF_W ? 0 : KVMRUN_MEM_F_READ_ONLY) |
				 (s->pflags & PF_X ? KVMRUN_MEM_F_EXEC : 0);
		c[i] = (struct mem_claim){ base, end - base, flags, use };
	}
	return app->nseg;
}

static unsigned boot_claims(const struct elf_app *app, const struct elf_app *program,
			    uint64_t pt_size, struct mem_claim *c)
{
	unsigned n = 0;

	c[n++] = (struct mem_claim){ 0, KVMRUN_GDT_ADDR, 0, KVMRUN_MEM_RESERVED };
	c[n++] = (struct mem_claim){ KVMRUN_GDT_ADDR, PAGE, KVMRUN_MEM_F_READ_ONLY, KVMRUN_MEM_GDT };
	c[n++] = (struct mem_claim){ KVMRUN_START_INFO_ADDR, KVMRUN_START_INFO_SIZE,
				     KVMRUN_MEM_F_READ_ONLY, KVMRUN_MEM_START_INFO };
	if (pt_size)
		c[n++] = (struct mem_claim){ KVMRUN_PAGE_TABLES_ADDR, pt_size, 0, KVMRUN_MEM_PAGE_TABLES };
	c[n++] = (struct mem_claim){ KVMRUN_STACK_BASE, KVMRUN_STACK_TOP - KVMRUN_STACK_BASE, 0,
				     KVMRUN_MEM_STACK };
	n += segment_claims(app, KVMRUN_MEM_KERNEL, c + n);
	if (program)
		n += segment_claims(program, KVMRUN_MEM_PROGRAM, c + n);
	return n;
}

/* Append n strings to the argument blob after the structure: argv, then
 * the environment (one blob, the guest tells them apart by argc). what
 * names the blob's contents in the error. */
static int append_strings(struct kvmrun_start_info *si, size_t n, const char *const strings[],
			  const char *what, char *err, size_t errlen)
{
	char *blob = (char *)(si + 1);
	size_t cap = KVMRUN_START_INFO_SIZE - sizeof *si, used = si->args_size;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(strings[i]) + 1;
		if (len > cap - used) {
			diag_set(err, errlen, "the app's %s too long: start_info holds at most %zu bytes "
				 "of them", what, cap);
			return -1;
		}
		memcpy(blob + used, strings[i], len);
		used += len;
	}
	si->args_size = (uint32_t)used;
	si->args_addr = KVMRUN_START_INFO_ADDR + sizeof *si;
	return 0;
}

static int write_args(struct kvmrun_start_info *si, int argc, char *const argv[],
		      char *err, size_t errlen)
{
	if ((unsigned)argc > KVMRUN_MAX_ARGS) {
		diag_set(err, errlen, "too many arguments for the app: %d (at most %u)", argc,
			 KVMRUN_MAX_ARGS);
		return -1;
	}
	/* Adding const: C converts char *const * to it only by a cast. */
	if (append_strings(si, (size_t)argc, (const char *const *)argv, "arguments are", err,
			   errlen) < 0)
		return -1;
	si->argc = (uint32_t)argc;
	return 0;
}

struct kvmrun_program start_info_program(const struct elf_app *program)
{
	if (!program)
		return (struct kvmrun_program){ 0 };
	return (struct kvmrun_program){
		.entry = program->entry, .phdr = program->phdr, .brk = program->brk,
		.phnum = program->phnum, .phent = program->phent,
	};
}

int start_info_write(const struct guest_mem *mem, const struct elf_app *app,
		     const struct elf_app *program, uint64_t page_tables_size, int argc,
		     char *const argv[], char *err, size_t errlen)
{
	struct kvmrun_start_info *si = guest_mem_ptr(mem, KVMRUN_START_INFO_ADDR, KVMRUN_START_INFO_SIZE);
	struct mem_claim claims[5 + 2 * ELF_MAX_LOAD_SEGMENTS];
	unsigned nclaims = boot_claims(app, program, page_tables_size, claims);

	if (!si) {
		diag_set(err, errlen, "guest RAM too small for start_info");
		return -1;
	}
	memset(si, 0, KVMRUN_START_INFO_SIZE);
	si->magic = KVMRUN_START_INFO_MAGIC;
	si->abi_version = KVMRUN_ABI_VERSION;
	si->mem_size = mem->size;
	si->ioapic_base = KVMRUN_IOAPIC_BASE;
	si->program = start_info_program(program);
	if (memory_map_build(mem, claims, nclaims, si->mem, KVMRUN_MAX_MEM_ENTRIES,
			     &si->mem_count, err, errlen) < 0)
		return -1;
	return write_args(si, argc, argv, err, errlen);
}

int start_info_add_env(const struct guest_mem *mem, unsigned envc, const char *const env[],
		       char *err, size_t errlen)
{
	struct kvmrun_start_info *si = guest_mem_ptr(mem, KVMRUN_START_INFO_ADDR, KVMRUN_START_INFO_SIZE);

	if (envc > KVMRUN_MAX_ENV) {
		diag_set(err, errlen, "too many environment variables for the app: %u (at most %u)",
			 envc, KVMRUN_MAX_ENV);
		return -1;
	}
	if (append_strings(si, envc, env, "arguments and environment are", err, errlen) < 0)
		return -1;
	si->envc = envc;
	return 0;
}

void start_info_add_host(const struct guest_mem *mem, const struct start_info_host *h)
{
	struct kvmrun_start_info *si = guest_mem_ptr(mem, KVMRUN_START_INFO_ADDR, sizeof *si);

	if (!si)
		return; /* start_info_write() already failed on it */
	si->tsc_khz = h->tsc_khz;
	si->clock_tsc = h->clock_tsc;
	si->clock_realtime_ns = h->clock_realtime_ns;
	memcpy(si->random, h->random, sizeof si->random);
	memcpy(si->entropy, h->entropy, sizeof si->entropy);
	si->tty = h->tty;
	si->trace = h->trace;
}

int start_info_add_devices(const struct guest_mem *mem, const struct kvmrun_dev_entry *dev,
			   unsigned count, char *err, size_t errlen)
{
	struct kvmrun_start_info *si = guest_mem_ptr(mem, KVMRUN_START_INFO_ADDR, sizeof *si);

	if (!si) {
		diag_set(err, errlen, "guest RAM too small for start_info");
		return -1;
	}
	if (count > KVMRUN_MAX_DEV_ENTRIES) {
		diag_set(err, errlen, "too many devices for start_info: %u (at most %u)", count,
			 KVMRUN_MAX_DEV_ENTRIES);
		return -1;
	}
	memset(si->dev, 0, sizeof si->dev);
	if (count)
		memcpy(si->dev, dev, count * sizeof *dev);
	si->dev_count = count;
	return 0;
}
