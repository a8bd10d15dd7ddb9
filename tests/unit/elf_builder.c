#include "elf_builder.h"

#include <stdlib.h>
#include <string.h>

#include <kvmrun/abi_note.h>

#include "../../monitor/elf_loader.h"

struct guest_mem eb_mem, eb_mem5g;

int eb_mem_setup(void **state)
{
	char err[512];

	(void)state;
	if (guest_mem_alloc(&eb_mem, 64ull << 20, err, sizeof err) < 0)
		return -1;
	return guest_mem_alloc(&eb_mem5g, 5ull << 30, err, sizeof err);
}

int eb_mem_teardown(void **state)
{
	(void)state;
	guest_mem_free(&eb_mem);
	guest_mem_free(&eb_mem5g);
	return 0;
}

int eb_check(struct eb_spec *spec, const struct guest_mem *m, struct elf_app *app, char *err,
	     size_t errlen)
{
	size_t size;
	char *img = eb_build(spec, &size);

	err[0] = '\0';
	int rc = elf_check_image(img, size, m, app, err, errlen);
	free(img);
	return rc;
}

uint8_t eb_pattern(uint64_t offset)
{
	return (uint8_t)(0x80u | ((offset * 37u + offset / 251u) & 0x7fu));
}

void eb_init(struct eb_spec *spec, unsigned char cls)
{
	memset(spec, 0, sizeof *spec);
	spec->cls = cls;
	spec->data = ELFDATA2LSB;
	spec->machine = cls == ELFCLASS64 ? EM_X86_64 : EM_386;
	spec->type = ET_EXEC;
	spec->entry = 0x100000;
	spec->abi_note = 1;
}

struct eb_phdr *eb_add(struct eb_spec *spec, uint32_t type, uint64_t addr,
		       uint64_t filesz, uint64_t memsz, uint32_t flags)
{
	struct eb_phdr *ph = &spec->ph[spec->nph++];

	*ph = (struct eb_phdr){
		.type = type, .flags = flags, .offset = EB_AUTO, .vaddr = addr,
		.paddr = addr, .filesz = filesz, .memsz = memsz,
	};
	return ph;
}

struct eb_phdr *eb_add_abi_note(struct eb_spec *spec, uint32_t version, uint32_t desc_size)
{
	struct eb_phdr *ph = eb_add(spec, PT_NOTE, 0, 0, 0, PF_R);
	uint32_t words[3] = { sizeof KVMRUN_NOTE_NAME, desc_size, KVMRUN_NOTE_ABI };
	uint32_t padded = (desc_size + 3) & ~3u;

	memset(ph->bytes, 0, sizeof ph->bytes);
	memcpy(ph->bytes, words, sizeof words);
	memcpy(ph->bytes + 12, KVMRUN_NOTE_NAME, sizeof KVMRUN_NOTE_NAME); /* padded to 8 */
	memcpy(ph->bytes + 20, &version, sizeof version);
	ph->nbytes = 20 + (padded < 12 ? padded : 12);
	ph->filesz = ph->nbytes;
	ph->flags = PF_R;
	return ph;
}

void eb_good(struct eb_spec *spec, unsigned char cls)
{
	eb_init(spec, cls);
	eb_add(spec, PT_LOAD, 0x100000, 0x300, 0x300, PF_R | PF_X);
	eb_add(spec, PT_LOAD, 0x200000, 0x80, 0x2000, PF_R | PF_W);
}

/* Store value in size bytes at p, in the image's byte order. */
static void put(uint8_t *p, unsigned size, uint64_t value, int msb)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned shift = 8 * (msb ? size - 1 - i : i);
		p[i] = (uint8_t)(value >> shift);
	}
}

void eb_poke(char *image, size_t off, unsigned size, uint64_t value)
{
	put((uint8_t *)image + off, size, value, 0);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static char *build(struct eb_spec *spec, size_t *size);

char *eb_build(struct eb_spec *spec, size_t *size)
{
	if (!spec->abi_note || spec->nph >= EB_MAX_PH)
		return build(spec, size);
	/* The note on a copy, so the caller's headers keep their numbers. */
	static struct eb_spec with_note;
	with_note = *spec;
	eb_add_abi_note(&with_note, KVMRUN_ABI_VERSION, KVMRUN_NOTE_ABI_DESC_SIZE);
	char *img = build(&with_note, size);
	for (unsigned i = 0; i < spec->nph; i++)
		spec->ph[i].offset = with_note.ph[i].offset;
	return img;
}

static char *build(struct eb_spec *spec, size_t *size)
{
	int is64 = spec->cls == ELFCLASS64;
	int msb = spec->data == ELFDATA2MSB;
	uint64_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	uint64_t phent = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	uint64_t shent = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	/* No program headers: e_phoff 0, as linkers write it. */
	uint64_t phoff = spec->phoff ? spec->phoff : spec->nph ? ehsize : 0;
	uint64_t shoff = 0;
	uint64_t cursor = max_u64(ehsize, phoff + spec->nph * phent);
	uint64_t total;

	if (spec->xnum) {
		shoff = (cursor + 7) & ~7ull;
		cursor = shoff + shent;
	}
	for (unsigned i = 0; i < spec->nph; i++) {
		struct eb_phdr *ph = &spec->ph[i];
		if (ph->offset == EB_AUTO) {
			ph->offset = (cursor + 15) & ~15ull;
			cursor = ph->offset + ph->filesz;
		}
	}
	total = cursor;
	for (unsigned i = 0; i < spec->nph; i++) {
		const struct eb_phdr *ph = &spec->ph[i];
		/* Only data that plausibly fits in a test image. */
		if (ph->offset < (1u << 24) && ph->filesz < (1u << 24))
			total = max_u64(total, ph->offset + ph->filesz);
	}
	total += spec->pad;

	uint8_t *img = malloc(total ? total : 1);
	if (!img)
		abort();
	for (uint64_t i = 0; i < total; i++)
		img[i] = eb_pattern(i);
	for (unsigned i = 0; i < spec->nph; i++) {
		const struct eb_phdr *ph = &spec->ph[i];
		if (ph->nbytes && ph->offset < total && ph->nbytes <= total - ph->offset)
			memcpy(img + ph->offset, ph->bytes, ph->nbytes);
	}

	/* ELF header. */
	memset(img, 0, ehsize);
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = spec->cls;
	img[EI_DATA] = spec->data ? spec->data : ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	img[EI_OSABI] = ELFOSABI_SYSV;
	uint16_t phnum = spec->xnum ? PN_XNUM
			 : spec->phnum_set ? spec->phnum : (uint16_t)spec->nph;
	uint16_t phentsize = spec->phentsize ? spec->phentsize : (uint16_t)phent;
	uint32_t version = spec->version ? spec->version : EV_CURRENT;
	put(img + 16, 2, spec->type, msb);
	put(img + 18, 2, spec->machine, msb);
	put(img + 20, 4, version, msb);
	if (is64) {
		put(img + 24, 8, spec->entry, msb);
		put(img + 32, 8, phoff, msb);
		put(img + 40, 8, shoff, msb);
		put(img + 48, 4, 0, msb);
		put(img + 52, 2, ehsize, msb);
		put(img + 54, 2, phentsize, msb);
		put(img + 56, 2, phnum, msb);
		put(img + 58, 2, spec->xnum ? shent : 0, msb);
		put(img + 60, 2, spec->xnum ? 1 : 0, msb);
		put(img + 62, 2, SHN_UNDEF, msb);
	} else {
		put(img + 24, 4, spec->entry, msb);
		put(img + 28, 4, phoff, msb);
		put(img + 32, 4, shoff, msb);
		put(img + 36, 4, 0, msb);
		put(img + 40, 2, ehsize, msb);
		put(img + 42, 2, phentsize, msb);
		put(img + 44, 2, phnum, msb);
		put(img + 46, 2, spec->xnum ? shent : 0, msb);
		put(img + 48, 2, spec->xnum ? 1 : 0, msb);
		put(img + 50, 2, SHN_UNDEF, msb);
	}

	/* Program headers, as far as they fit in the file. */
	for (unsigned i = 0; i < spec->nph; i++) {
		const struct eb_phdr *ph = &spec->ph[i];
		uint64_t at = phoff + i * phent;
		if (at + phent > total)
			break;
		uint8_t *p = img + at;
		if (is64) {
			put(p + 0, 4, ph->type, msb);
			put(p + 4, 4, ph->flags, msb);
			put(p + 8, 8, ph->offset, msb);
			put(p + 16, 8, ph->vaddr, msb);
			put(p + 24, 8, ph->paddr, msb);
			put(p + 32, 8, ph->filesz, msb);
			put(p + 40, 8, ph->memsz, msb);
			put(p + 48, 8, 0x1000, msb);
		} else {
			put(p + 0, 4, ph->type, msb);
			put(p + 4, 4, ph->offset, msb);
			put(p + 8, 4, ph->vaddr, msb);
			put(p + 12, 4, ph->paddr, msb);
			put(p + 16, 4, ph->filesz, msb);
			put(p + 20, 4, ph->memsz, msb);
			put(p + 24, 4, ph->flags, msb);
			put(p + 28, 4, 0x1000, msb);
		}
	}

	/* Section header 0 of extended numbering: only sh_info matters. */
	if (spec->xnum) {
		uint8_t *s = img + shoff;
		memset(s, 0, shent);
		put(s + (is64 ? 44 : 28), 4, spec->xnum_info, msb);
	}

	*size = total;
	return (char *)img;
}
