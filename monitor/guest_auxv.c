/* A static program's auxiliary vector, for debuggers (guest_auxv.h). */
#include "guest_auxv.h"

#include <elf.h>
#include <string.h>

size_t guest_auxv(unsigned bits, const struct kvmrun_program *program, uint8_t buf[GUEST_AUXV_MAX])
{
	const uint64_t pairs[GUEST_AUXV_ENTRIES][2] = {
		{ AT_PHDR, program->phdr }, { AT_PHENT, program->phent },
		{ AT_PHNUM, program->phnum }, { AT_PAGESZ, 4096 },
		{ AT_ENTRY, program->entry }, { AT_NULL, 0 },
	};
	unsigned word = bits == 64 ? 8 : 4;

	if (!program->entry)
		return 0;
	for (unsigned i = 0; i < GUEST_AUXV_ENTRIES; i++)
		for (unsigned j = 0; j < 2; j++) {
			uint64_t v = pairs[i][j];
			uint32_t v32 = (uint32_t)v;
			memcpy(buf + (2 * i + j) * word, word == 8 ? (const void *)&v : (const void *)&v32, word);
		}
	return GUEST_AUXV_ENTRIES * 2 * word;
}
