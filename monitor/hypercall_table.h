/* Port-I/O hypercalls (include/kvmrun/hypercall.h), served in the exit
 * loop: one table, port -> handler, in hypercall.c. Every hypercall is one
 * 32-bit out whose value is its argument. */
#ifndef KVMRUN_HYPERCALL_PORTS_H
#define KVMRUN_HYPERCALL_PORTS_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_dump.h"
#include "guest_mem.h"
#include "guest_symbols.h"
#include "virtio/device_table.h"

enum hypercall_result {
	HC_CONTINUE,    /* served; run the guest on */
	HC_EXIT,        /* the guest asked to exit; *status holds its status */
	HC_UNHANDLED,   /* not a hypercall port */
	HC_BAD_REQUEST, /* a hypercall port with a malformed request; err says why */
};

/* One KVM_EXIT_IO exit, as api.rst describes it: data points at size *
 * count bytes (already checked to lie inside the run structure). */
struct io_access {
	uint16_t port;
	uint8_t direction; /* KVM_EXIT_IO_IN or KVM_EXIT_IO_OUT */
	uint8_t size;
	uint32_t count;
	const uint8_t *data;
};

/* What the hypercalls reach: guest memory, the devices (the wait), where
 * the exit and crash hypercalls put kvmrun's status, and the loaded ELF
 * files a crash report names code from. */
struct hypercall_ctx {
	const struct guest_mem *mem;
	struct virtio_devices *devs;
	int *status;
	const struct guest_symbols *symbols;
	const struct core_dump *core; /* --dumpcore: where a crash's core goes */
	const struct kvmrun_program *program; /* a static program's place, for the core */
	struct kvmrun_crash *crash;   /* the crash hypercall's report is copied here */
	bool *crashed;                /* and this set */
	/* --gdb: a debugger's look at a crash report first, for the int3 of
	 * its own breakpoints when the CPU delivered it to the guest rather
	 * than to KVM (gdb_stub_guest_trap). 0: not the debugger's; 1: the
	 * guest runs on; 2: the debugger ended it, *status set. */
	int (*debug_trap)(void *debugger, const struct kvmrun_crash *crash, int *status);
	void *debugger;
};

/* Serve io if its port is a hypercall port: HC_UNHANDLED when it is not,
 * HC_BAD_REQUEST (err names the port and what the guest did) when it is
 * not one 32-bit out or its request is malformed. */
enum hypercall_result hypercall_handle(const struct hypercall_ctx *ctx, const struct io_access *io,
				       char *err, size_t errlen);

#endif
