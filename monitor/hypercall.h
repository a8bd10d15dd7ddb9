/* Port-I/O hypercalls (include/kvmrun/hypercall.h), served in the exit loop. */
#ifndef KVMRUN_HYPERCALL_PORTS_H
#define KVMRUN_HYPERCALL_PORTS_H

#include <linux/kvm.h>
#include <stdint.h>

#include "guest_mem.h"

enum hypercall_result {
	HC_CONTINUE,    /* served; run the guest on */
	HC_EXIT,        /* the guest asked to exit; *status holds its status */
	HC_UNHANDLED,   /* not a hypercall port */
	HC_BAD_REQUEST, /* a hypercall port with a malformed request; err says why */
};

/* Every hypercall is one 32-bit out: 0 if this exit is that, else -1 with
 * err naming the port and what the guest did instead. */
int hypercall_check_form(uint16_t port, uint8_t direction, uint8_t size, uint32_t count,
			 char *err, size_t errlen);

/* io is run->io of a KVM_EXIT_IO exit; data its data bytes. */
enum hypercall_result hypercall_handle(const struct guest_mem *mem, uint16_t port,
				       uint8_t direction, uint8_t size, uint32_t count,
				       const uint8_t *data, int *status,
				       char *err, size_t errlen);

#endif
