/* The single-threaded loop that runs the vCPU and handles every VM exit. */
#ifndef KVMRUN_EXIT_LOOP_H
#define KVMRUN_EXIT_LOOP_H

#include "vm.h"

/* Run the guest until it exits or stops; returns kvmrun's exit status. */
int exit_loop_run(struct vm *vm);

#endif
