#include "memory_map.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define MAX_CLAIMS (KVMRUN_MAX_MEM_ENTRIES)

static int by_base(const void *a, const void *b)
{
	const struct mem_claim *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

static int emit(struct kvmrun_mem_entry *out, unsigned max, unsigned *count,
		uint64_t base, uint64_t size, uint32_t flags, uint32_t use,
		char *err, size_t errlen)
{
	if (size == 0)
		return 0;
	if (*count == max) {
		diag_set(err, errlen, "memory map needs more than %u entries", max);
		return -1;
	}
	out[(*count)++] = (struct kvmrun_mem_entry){
		.base = base, .size = size, .flags = flags, .use = use,
	};
	return 0;
}

/* Sort claims and merge segments of one image (the kernel's, the
 * program's) that share pages. */
static int merge_claims(struct mem_claim *c, unsigned *n, char *err, size_t errlen)
{
	unsigned out = 0;

	qsort(c, *n, sizeof *c, by_base);
	for (unsigned i = 0; i < *n; i++) {
		if (out > 0 && c[i].base < c[out - 1].base + c[out - 1].size) {
			struct mem_claim *prev = &c[out - 1];
			if (prev->use != c[i].use ||
			    (c[i].use != KVMRUN_MEM_KERNEL && c[i].use != KVMRUN_MEM_PROGRAM)) {
				diag_set(err, errlen, "memory ranges [0x%llx, +0x%llx) and [0x%llx, +0x%llx) overlap",
					 (unsigned long long)prev->base, (unsigned long long)prev->size,
					 (unsigned long long)c[i].base, (unsigned long long)c[i].size);
				return -1;
			}
			uint64_t end = c[i].base + c[i].size;
			if (end > prev->base + prev->size)
				prev->size = end - prev->base;
			prev->flags = (prev->flags & c[i].flags & KVMRUN_MEM_F_READ_ONLY) |
				      ((prev->flags | c[i].flags) & KVMRUN_MEM_F_EXEC);
			continue;
		}
		c[out++] = c[i];
	}
	*n = out;
	return 0;
}

int memory_map_build(const struct guest_mem *mem, const struct mem_claim *claims,
		     unsigned nclaims, struct kvmrun_mem_entry *out, unsigned max,
		     unsigned *count, char *err, size_t errlen)
{
	struct mem_claim c[MAX_CLAIMS];
	unsigned n = nclaims, next = 0;

	if (nclaims > MAX_CLAIMS) {
		diag_set(err, errlen, "too many memory ranges (%u)", nclaims);
		return -1;
	}
	memcpy(c, claims, nclaims * sizeof *c);
	if (merge_claims(c, &n, err, errlen) < 0)
		return -1;

	*count = 0;
	for (unsigned r = 0; r < mem->nranges; r++) {
		uint64_t pos = mem->range[r].gpa;
		uint64_t end = pos + mem->range[r].size;

		for (; next < n && c[next].base < end; next++) {
			if (c[next].base < pos || c[next].size > end - c[next].base) {
				diag_set(err, errlen, "memory range [0x%llx, +0x%llx) is not inside guest RAM",
					 (unsigned long long)c[next].base, (unsigned long long)c[next].size);
				return -1;
			}
			if (emit(out, max, count, pos, c[next].base - pos, 0, KVMRUN_MEM_FREE, err, errlen) < 0 ||
			    emit(out, max, count, c[next].base, c[next].size, c[next].flags, c[next].use,
				 err, errlen) < 0)
				return -1;
			pos = c[next].base + c[next].size;
		}
		if (emit(out, max, count, pos, end - pos, 0, KVMRUN_MEM_FREE, err, errlen) < 0)
			return -1;
	}
	if (next < n) {
		diag_set(err, errlen, "memory range [0x%llx, +0x%llx) is not inside guest RAM",
			 (unsigned long long)c[next].base, (unsigned long long)c[next].size);
		return -1;
	}
	return 0;
}
