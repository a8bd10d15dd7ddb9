#include "guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "diag.h"

void guest_mem_layout(struct guest_mem *mem, uint64_t size)
{
	uint64_t low = size < KVMRUN_MMIO_HOLE_START ? size : KVMRUN_MMIO_HOLE_START;

	mem->size = size;
	mem->nranges = 1;
	mem->range[0] = (struct guest_ram_range){ .gpa = 0, .size = low, .host_offset = 0 };
	if (size > low) {
		mem->nranges = 2;
		mem->range[1] = (struct guest_ram_range){
			.gpa = KVMRUN_HIGH_RAM_START, .size = size - low, .host_offset = low,
		};
	}
}

int guest_mem_alloc(struct guest_mem *mem, uint64_t size, char *err, size_t errlen)
{
	memset(mem, 0, sizeof *mem);
	/* MAP_NORESERVE: pages are populated only when the guest touches them. */
	void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED) {
		diag_set(err, errlen, "cannot map %llu MiB of guest memory: %s",
			 (unsigned long long)(size >> 20), strerror(errno));
		return -1;
	}
	guest_mem_layout(mem, size);
	mem->host = host;
	return 0;
}

void guest_mem_free(struct guest_mem *mem)
{
	if (mem->host)
		munmap(mem->host, mem->size);
	mem->host = NULL;
}

void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < mem->nranges; i++) {
		const struct guest_ram_range *r = &mem->range[i];
		if (gpa < r->gpa)
			continue;
		uint64_t off = gpa - r->gpa;
		/* off <= size and len <= size - off: no overflow possible. */
		if (off > r->size || len > r->size - off)
			continue;
		return mem->host + r->host_offset + off;
	}
	return NULL;
}

uint64_t guest_mem_top(const struct guest_mem *mem)
{
	const struct guest_ram_range *last = &mem->range[mem->nranges - 1];
	return last->gpa + last->size;
}
