/* Hypercalls: port I/O the guest uses to talk to the monitor before (or
 * instead of) any device. Each is one 32-bit `out` to its port; the port
 * access is a VM exit the monitor handles in its exit loop.
 */
#ifndef KVMRUN_HYPERCALL_H
#define KVMRUN_HYPERCALL_H

#include <stdint.h>

/* outl(status, KVMRUN_PORT_EXIT): stop the guest; kvmrun exits with
 * status & 0xff, as exit(3) does. */
#define KVMRUN_PORT_EXIT 0x0500u

/* outl(gpa, KVMRUN_PORT_DEBUG_WRITE): write the bytes described by the
 * struct kvmrun_debug_write at guest-physical address gpa (below 4 GiB) to
 * kvmrun's standard output. The early console, before any device is up. */
#define KVMRUN_PORT_DEBUG_WRITE 0x0501u

/* outl(0, KVMRUN_PORT_WAIT): sleep until a device has something new for
 * the guest. Returns at once when there is nothing to wait for (no receive
 * buffer posted, or input already at end of file); otherwise kvmrun blocks
 * (using no CPU) until input arrives or reaches end of file, fills the
 * console's posted receive buffers and returns. A guest that waits for
 * input uses this instead of spinning on the used ring. */
#define KVMRUN_PORT_WAIT 0x0502u

/* Largest len a single debug write accepts. */
#define KVMRUN_DEBUG_WRITE_MAX (1u << 20)

struct kvmrun_debug_write {
	uint64_t data; /* guest-physical address of the bytes */
	uint32_t len;  /* number of bytes, at most KVMRUN_DEBUG_WRITE_MAX */
	uint32_t reserved;
};

_Static_assert(sizeof(struct kvmrun_debug_write) == 16, "debug write size");

#endif
