#include "exit_trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Up to 8 bytes of an access, little-endian, as the guest sees them. */
static uint64_t value_of(const uint8_t *data, size_t size)
{
	uint64_t v = 0;
	memcpy(&v, data, size < sizeof v ? size : sizeof v);
	return v;
}

void exit_trace_format(char *buf, size_t len, uint64_t t_us, int run_rc, int run_errno,
		       const struct kvm_run *run, size_t run_size, uint64_t rip)
{
	int n = snprintf(buf, len, "trace: %" PRIu64 ".%06" PRIu64 " ", t_us / 1000000, t_us % 1000000);
	char *p = buf + (n > 0 && (size_t)n < len ? n : 0);
	size_t left = len - (size_t)(p - buf);

	if (run_rc < 0) {
		snprintf(p, left, "%s (KVM_RUN: %s) rip=0x%" PRIx64,
			 run_errno == EINTR || run_errno == EAGAIN ? "signal" : "error",
			 strerror(run_errno), rip);
		return;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		uint64_t bytes = (uint64_t)run->io.size * run->io.count;
		const char *dir = run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in";
		if (run->io.data_offset > run_size || bytes > run_size - run->io.data_offset) {
			snprintf(p, left, "io %s port=0x%x size=%u count=%u (data outside the run "
				 "structure) rip=0x%" PRIx64, dir, run->io.port, run->io.size,
				 run->io.count, rip);
			return;
		}
		snprintf(p, left, "io %s port=0x%x size=%u%s%.0u value=0x%" PRIx64 " rip=0x%" PRIx64, dir,
			 run->io.port, run->io.size, run->io.count > 1 ? " count=" : "",
			 run->io.count > 1 ? run->io.count : 0,
			 value_of((const uint8_t *)run + run->io.data_offset, run->io.size), rip);
		return;
	}
	case KVM_EXIT_MMIO:
		snprintf(p, left, "mmio %s addr=0x%llx size=%u value=0x%" PRIx64 " rip=0x%" PRIx64,
			 run->mmio.is_write ? "write" : "read", (unsigned long long)run->mmio.phys_addr,
			 run->mmio.len, value_of(run->mmio.data, run->mmio.len), rip);
		return;
	case KVM_EXIT_IOAPIC_EOI:
		snprintf(p, left, "eoi vector=0x%x rip=0x%" PRIx64, run->eoi.vector, rip);
		return;
	case KVM_EXIT_HLT:
		snprintf(p, left, "hlt rip=0x%" PRIx64, rip);
		return;
	case KVM_EXIT_SHUTDOWN:
		snprintf(p, left, "shutdown rip=0x%" PRIx64, rip);
		return;
	default:
		snprintf(p, left, "exit reason=%u rip=0x%" PRIx64, run->exit_reason, rip);
		return;
	}
}
