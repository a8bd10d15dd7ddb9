#include "hypercall.h"

#include <string.h>

#include <kvmrun/hypercall.h>

#include "console_out.h"
#include "diag.h"
#include "stats.h"

int hypercall_check_form(uint16_t port, uint8_t direction, uint8_t size, uint32_t count,
			 char *err, size_t errlen)
{
	if (direction == KVM_EXIT_IO_OUT && size == 4 && count == 1)
		return 0;
	diag_set(err, errlen, "hypercall port 0x%x takes one 32-bit out, got %s of %u byte(s) x%u",
		 port, direction == KVM_EXIT_IO_OUT ? "out" : "in", size, count);
	return -1;
}

static enum hypercall_result debug_write(const struct guest_mem *mem, uint32_t gpa,
					 char *err, size_t errlen)
{
	struct kvmrun_debug_write req;
	const void *desc = guest_mem_ptr(mem, gpa, sizeof req);

	if (!desc) {
		diag_set(err, errlen, "debug write: request at 0x%x is not in guest RAM", gpa);
		return HC_BAD_REQUEST;
	}
	memcpy(&req, desc, sizeof req); /* one copy: the guest cannot change it under us */
	if (req.len > KVMRUN_DEBUG_WRITE_MAX) {
		diag_set(err, errlen, "debug write: length %u exceeds the limit %u", req.len,
			 KVMRUN_DEBUG_WRITE_MAX);
		return HC_BAD_REQUEST;
	}
	const void *bytes = guest_mem_ptr(mem, req.data, req.len);
	if (!bytes) {
		diag_set(err, errlen, "debug write: buffer [0x%llx, +%u) is not in guest RAM",
			 (unsigned long long)req.data, req.len);
		return HC_BAD_REQUEST;
	}
	console_out_write(bytes, req.len);
	stats.console_out_bytes += req.len;
	return HC_CONTINUE;
}

enum hypercall_result hypercall_handle(const struct guest_mem *mem, uint16_t port,
				       uint8_t direction, uint8_t size, uint32_t count,
				       const uint8_t *data, int *status,
				       char *err, size_t errlen)
{
	uint32_t value;

	if (port != KVMRUN_PORT_EXIT && port != KVMRUN_PORT_DEBUG_WRITE)
		return HC_UNHANDLED;
	if (hypercall_check_form(port, direction, size, count, err, errlen) < 0)
		return HC_BAD_REQUEST;
	memcpy(&value, data, sizeof value);
	if (port == KVMRUN_PORT_EXIT) {
		*status = (int)(value & 0xff);
		return HC_EXIT;
	}
	return debug_write(mem, value, err, errlen);
}
