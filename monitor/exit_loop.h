/* The single-threaded loop that runs the vCPU and handles every VM exit. */
#ifndef KVMRUN_EXIT_LOOP_H
#define KVMRUN_EXIT_LOOP_H

#include "mmio_regions.h"
#include "virtio/device_table.h"
#include "vm.h"

/* Run the guest until it exits or stops; returns kvmrun's exit status.
 * Port I/O goes to the hypercall table (hypercall_table.h; the wait
 * hypercall reaches devs), MMIO to its region in regions; every exit is
 * counted in stats. */
int exit_loop_run(struct vm *vm, struct virtio_devices *devs, const struct mmio_regions *regions);

#endif
