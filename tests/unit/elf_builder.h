/* In-memory ELF images for the loader's unit tests: an ELF header, a program
 * header table and segment data, in either class and byte order, with any
 * field set to a value a real linker would never write. */
#ifndef KVMRUN_TEST_ELF_BUILDER_H
#define KVMRUN_TEST_ELF_BUILDER_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "../../monitor/guest_mem.h"

#define EB_MAX_PH 96u
#define EB_AUTO UINT64_MAX /* p_offset: place the data after the headers */

struct eb_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset; /* EB_AUTO: next free offset after the headers */
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint8_t bytes[64]; /* the first nbytes of its file data (the rest: the pattern) */
	unsigned nbytes;
};

struct eb_spec {
	unsigned char cls;  /* ELFCLASS32 or ELFCLASS64 */
	unsigned char data; /* EI_DATA; ELFDATA2LSB when 0 */
	uint16_t machine;
	uint16_t type;
	uint32_t version;   /* e_version; EV_CURRENT when 0 */
	uint64_t entry;
	unsigned nph;
	struct eb_phdr ph[EB_MAX_PH];

	uint64_t phoff;      /* e_phoff; when 0, right after the ELF header (0 if nph is 0) */
	int phnum_set;       /* write phnum into e_phnum instead of nph */
	uint16_t phnum;
	uint16_t phentsize;  /* e_phentsize; the class's size when 0 */
	int xnum;            /* e_phnum = PN_XNUM, section 0's sh_info = xnum_info */
	uint32_t xnum_info;
	size_t pad;          /* extra pattern bytes at the end of the file */
	int abi_note;        /* eb_build() adds a good ABI note as the last program
			      * header (after ph[nph-1]), its data after the others' */
};

/* Defaults: the class's machine (EM_386 / EM_X86_64), ET_EXEC, little-endian,
 * entry 0x100000, no program headers of its own, abi_note set. */
void eb_init(struct eb_spec *spec, unsigned char cls);

/* Append a program header with p_vaddr == p_paddr == addr and p_offset
 * EB_AUTO; returns it for further changes. */
struct eb_phdr *eb_add(struct eb_spec *spec, uint32_t type, uint64_t addr,
		       uint64_t filesz, uint64_t memsz, uint32_t flags);

/* Append a PT_NOTE holding one ABI note (include/kvmrun/abi_note.h) that
 * names version, with a descriptor of desc_size bytes (4 in a good one). */
struct eb_phdr *eb_add_abi_note(struct eb_spec *spec, uint32_t version, uint32_t desc_size);

/* The usual good app: text (R X) at 0x100000, 0x300 bytes; data (R W) at
 * 0x200000, 0x80 bytes of file data and 0x2000 bytes of memory; and (from
 * eb_init()) the ABI note. */
void eb_good(struct eb_spec *spec, unsigned char cls);

/* Build the image into a malloc'd buffer of exactly *size bytes. The
 * offsets chosen for EB_AUTO headers are written back into spec. */
char *eb_build(struct eb_spec *spec, size_t *size);

/* Build spec and check it with the loader (elf_check_image) against m;
 * the image is freed. err (errlen bytes) is cleared first. */
struct elf_app;
int eb_check(struct eb_spec *spec, const struct guest_mem *m, struct elf_app *app, char *err,
	     size_t errlen);

/* Overwrite size bytes at offset off of a built image, little-endian. */
void eb_poke(char *image, size_t off, unsigned size, uint64_t value);

/* The byte every file offset not covered by a header holds. Never zero. */
uint8_t eb_pattern(uint64_t offset);

/* The guest memories the loader's tests check images against, as a cmocka
 * group fixture: 64 MiB, and 5 GiB (RAM on both sides of the MMIO hole). */
extern struct guest_mem eb_mem, eb_mem5g;
int eb_mem_setup(void **state);
int eb_mem_teardown(void **state);

#endif
