#include "mmio_regions.h"

#include <string.h>

#include "diag.h"

void mmio_regions_init(struct mmio_regions *regions)
{
	memset(regions, 0, sizeof *regions);
}

int mmio_regions_add(struct mmio_regions *regions, const struct mmio_region *r, char *err,
		     size_t errlen)
{
	if (regions->count >= MMIO_REGIONS_MAX) {
		diag_set(err, errlen, "MMIO region %s: table full (%u regions)", r->name,
			 MMIO_REGIONS_MAX);
		return -1;
	}
	if (r->size == 0 || r->base + r->size < r->base) {
		diag_set(err, errlen, "MMIO region %s: [0x%llx, +0x%llx) is empty or wraps", r->name,
			 (unsigned long long)r->base, (unsigned long long)r->size);
		return -1;
	}
	unsigned at = 0;
	while (at < regions->count && regions->region[at].base < r->base)
		at++;
	const struct mmio_region *before = at ? &regions->region[at - 1] : NULL;
	const struct mmio_region *after = at < regions->count ? &regions->region[at] : NULL;
	if ((before && before->base + before->size > r->base) ||
	    (after && r->base + r->size > after->base)) {
		diag_set(err, errlen, "MMIO region %s at 0x%llx overlaps %s", r->name,
			 (unsigned long long)r->base,
			 before && before->base + before->size > r->base ? before->name : after->name);
		return -1;
	}
	memmove(&regions->region[at + 1], &regions->region[at],
		(regions->count - at) * sizeof regions->region[0]);
	regions->region[at] = *r;
	regions->count++;
	return 0;
}

const struct mmio_region *mmio_regions_find(const struct mmio_regions *regions, uint64_t gpa,
					    uint32_t len)
{
	/* A handful of regions: a scan costs less than the exit did. */
	for (unsigned i = 0; i < regions->count; i++) {
		const struct mmio_region *r = &regions->region[i];
		if (gpa >= r->base && gpa - r->base < r->size)
			return len <= r->size - (gpa - r->base) ? r : NULL;
	}
	return NULL;
}

enum mmio_result mmio_regions_access(const struct mmio_regions *regions, uint64_t gpa,
				     uint8_t data[8], uint32_t len, bool is_write, char *why,
				     size_t whylen)
{
	if (len == 0 || len > 8)
		return MMIO_UNHANDLED;
	const struct mmio_region *r = mmio_regions_find(regions, gpa, len);
	if (!r)
		return MMIO_UNHANDLED;
	return r->serve(r->ctx, gpa - r->base, data, len, is_write, why, whylen) == 0
		       ? MMIO_SERVED
		       : MMIO_GUEST_ERROR;
}
