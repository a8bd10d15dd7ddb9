/* The single-threaded loop that runs the vCPU and handles every VM exit. */
#ifndef KVMRUN_EXIT_LOOP_H
#define KVMRUN_EXIT_LOOP_H

#include "virtio/device_table.h"
#include "vm.h"

/* Run the guest until it exits or stops; returns kvmrun's exit status.
 * MMIO to a device window goes to devs, as does the wait hypercall; every
 * exit is counted in stats. */
int exit_loop_run(struct vm *vm, struct virtio_devices *devs);

#endif
